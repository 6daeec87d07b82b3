"""公开: published progress per campaign, without login, nothing internal."""

from django.shortcuts import render
from django.views.decorators.cache import cache_control

from luoshi.core import clock

from .. import charts
from ..public import PUBLIC_STATUSES, published_plans


@cache_control(public=True, max_age=300)
def public(request):
    today = clock.today()
    plans = published_plans(today)
    return render(
        request,
        "web/public.html",
        {
            "plans": plans,
            "charts": {
                f"plan-{i}": charts.public_progress(p, PUBLIC_STATUSES) for i, p in enumerate(plans, 1)
            },
            "today": today,
            "statuses": PUBLIC_STATUSES,
        },
    )
