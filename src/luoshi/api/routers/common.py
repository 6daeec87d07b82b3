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


def plan_of(plan_id: int | None, act=None) -> Plan:
    """The newest version of the plan series named by id, else the newest plan: among the
    plans the actor reads (of its organisation and those below; ``act`` None: every plan)."""
    choices = plan_choices(actor=act)
    if not choices:
        raise Http404("还没有导入方案")
    if plan_id is None:
        return choices[0]
    plan = Plan.objects.filter(pk=plan_id).only("series", "organisation_id").first()
    chosen = plan and next(
        (p for p in choices if (p.organisation_id, p.series) == (plan.organisation_id, plan.series)), None
    )
    if chosen is None:
        raise Http404(f"没有编号为 {plan_id} 的方案，或无权查看")
    return chosen


FIRST_YEAR, LAST_YEAR = 2000, 2100


def as_of_or_today(day: dt.date | None) -> dt.date:
    """The date a read is about (default today), within the years the work can concern."""
    if day is not None and not FIRST_YEAR <= day.year <= LAST_YEAR:
        raise HttpError(
            400, f"date：日期 {day.isoformat()} 超出范围（应在 {FIRST_YEAR} 年至 {LAST_YEAR} 年之间）"
        )
    return day or clock.today()
