"""公开: published progress per campaign, without login, nothing internal."""

from django.shortcuts import render
from django.views.decorators.cache import cache_control

from luoshi.core import clock

from ..public import PUBLIC_STATUSES, published_plans


@cache_control(public=True, max_age=300)
def public(request):
    today = clock.today()
    return render(
        request,
        "web/public.html",
        {"plans": published_plans(today), "today": today, "statuses": PUBLIC_STATUSES},
    )
