"""/api/v1/periods: a plan's reporting periods with their due dates, the period open and
the one last due on a date, and what a unit has to report (the 工作台's due list)."""

import dataclasses
import datetime as dt

from django.http import Http404
from ninja import Field, Query, Router, Schema

from luoshi.plans.choices import Cadence
from luoshi.plans.lookups import find_unit
from luoshi.reporting.board import reporting_period
from luoshi.reporting.due import due_items
from luoshi.reporting.periods import span_containing
from luoshi.reporting.policy import Schedule

from ..paging import CursorPage, Listing, paginate
from ..schemas import ERRORS, CurrentPeriodOut, DueItemOut, PeriodOut
from .common import actor, as_of_or_today, plan_of

router = Router(tags=["调度周期"])


def span_json(span, schedule: Schedule) -> dict:
    return {
        "key": span.key,
        "label": span.label,
        "cadence": str(span.cadence),
        "start": span.start,
        "end": span.end,
        "due": schedule.due(span),
    }


class PeriodQuery(Schema):
    plan: int | None = Field(None, description="方案编号（默认最新导入的方案）")
    cadence: Cadence | None = Field(None, description="周期类型（默认方案的调度周期）")


@router.get("", response={200: list[PeriodOut], **ERRORS}, summary="方案年度内的调度周期及报送期限（分页）")
@paginate(CursorPage)
def list_periods(request, query: Query[PeriodQuery]):
    actor(request)
    schedule = Schedule.of(plan_of(query.plan, actor(request)))
    spans = schedule.spans(query.cadence or schedule.policy.cadence)
    return Listing(spans, lambda s: (s.start, s.key), lambda s: span_json(s, schedule))


@router.get(
    "/current",
    response={200: CurrentPeriodOut, **ERRORS},
    summary="某日所在的周期，和截至该日最近一个已到报送期限的周期",
)
def current_period(request, plan: int | None = None, date: dt.date | None = None):
    actor(request)
    chosen = plan_of(plan, actor(request))
    day = as_of_or_today(date)
    schedule = Schedule.of(chosen)
    open_span = span_containing(schedule.policy.cadence, day)
    due_span, _ = reporting_period(chosen, day)
    return {
        "date": day,
        "open": span_json(open_span, schedule) if open_span else None,
        "reporting": span_json(due_span, schedule) if due_span else None,
    }


def due_json(item) -> dict:
    report = item.report
    return {
        "task": item.task.pk,
        "section": item.task.section.sid,
        "title": item.task.title,
        "role": item.role,
        "period": item.span.key,
        "period_label": item.span.label,
        "due": item.due,
        "days_left": item.days_left,
        "overdue": item.overdue,
        "handed_in": item.handed_in,
        "report": report.pk if report else None,
        "report_state": report.state if report else None,
    }


class DueQuery(Schema):
    plan: int | None = Field(None, description="方案编号（默认最新导入的方案）")
    unit: str | None = Field(None, description="单位名称（默认本单位；只有可查看全部的角色可问别的单位）")
    date: dt.date | None = Field(None, description="按哪一天（默认今天）")


@router.get(
    "/due",
    response={200: list[DueItemOut], **ERRORS},
    summary="单位待报清单：各任务下一期和逾期未报的周期（与工作台一致；分页）",
)
@paginate(CursorPage)
def due_list(request, query: Query[DueQuery]):
    act = actor(request)
    chosen = plan_of(query.plan, actor(request))
    if query.unit:
        unit = find_unit(query.unit, chosen.organisation_id)
        if unit is None or (unit.pk != act.unit_id and not act.reads_all):
            raise Http404("没有这个单位，或无权查看它的待报清单")
        act = dataclasses.replace(act, unit_id=unit.pk)
    elif not act.unit_id:
        raise Http404("当前用户不属于任何单位：请用 unit 指明单位")
    items = due_items(act, chosen, as_of_or_today(query.date))
    return Listing(items, _due_order, due_json)


def _due_order(item) -> tuple:
    """due_items' own order (overdue first, then by due date), made total."""
    return (
        int(not item.overdue),
        int(item.handed_in),
        item.due,
        item.task.section.order,
        item.task.pk,
        item.span.key,
    )
