"""Helpers of the API routers."""

import datetime as dt

from django.http import Http404
from ninja.errors import HttpError

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


FIRST_YEAR, LAST_YEAR = 2000, 2100


def as_of_or_today(day: dt.date | None) -> dt.date:
    """The date a read is about (default today), within the years the work can concern."""
    if day is not None and not FIRST_YEAR <= day.year <= LAST_YEAR:
        raise HttpError(
            400, f"date：日期 {day.isoformat()} 超出范围（应在 {FIRST_YEAR} 年至 {LAST_YEAR} 年之间）"
        )
    return day or clock.today()
