"""Helpers of the API routers."""

import datetime as dt

from django.http import Http404

from luoshi.accounts.permissions import actor_for
from luoshi.core import clock
from luoshi.plans.models import Plan
from luoshi.plans.versions import plan_choices


def actor(request):
    return actor_for(request.auth if request.auth is not None else request.user)


def plan_of(plan_id: int | None) -> Plan:
    """The newest version of the plan series named by id, else the newest plan."""
    choices = plan_choices()
    if not choices:
        raise Http404("还没有导入方案")
    if plan_id is None:
        return choices[0]
    plan = Plan.objects.filter(pk=plan_id).only("series").first()
    if plan is None:
        raise Http404(f"没有编号为 {plan_id} 的方案")
    return next(p for p in choices if p.series == plan.series)


def as_of_or_today(day: dt.date | None) -> dt.date:
    return day or clock.today()
