"""/api/v1/targets: a plan's targets (指标) with the latest actual figure as of a date,
and the figures each report gave (实际值)."""

import datetime as dt

from django.http import Http404
from ninja import Field, Query, Router, Schema

from luoshi.plans.models import Target
from luoshi.plans.permissions import visible_parts
from luoshi.reporting import board as boards
from luoshi.reporting.models import TargetValue
from luoshi.reporting.permissions import visible_reports

from ..paging import CursorPage, Listing, paginate
from ..schemas import ERRORS, TargetOut, TargetValueOut
from .common import actor, as_of_or_today, plan_of

router = Router(tags=["指标"])


class TargetQuery(Schema):
    plan: int | None = Field(None, description="方案编号（默认最新导入的方案）")
    campaign: str | None = Field(None, description="攻坚编号，如 附件1")
    q: str | None = Field(None, description="指标名称中的词")
    date: dt.date | None = Field(None, description="按哪一天的实际值（默认今天）")


def _part_keys(act, plan) -> set[str] | None:
    """The campaigns whose targets the actor sees, as on the task list page (None: all)."""
    if act.reads_all:
        return None
    return set(visible_parts(act, plan).values_list("key", flat=True))


@router.get("", response={200: list[TargetOut], **ERRORS}, summary="指标清单与截至某日的实际值（分页）")
@paginate(CursorPage)
def list_targets(request, query: Query[TargetQuery]):
    act = actor(request)
    plan = plan_of(query.plan, actor(request))
    keys = _part_keys(act, plan)
    order = dict(Target.objects.filter(plan=plan).values_list("pk", "order"))
    rows = [
        t
        for t in boards.targets_of(plan, as_of_or_today(query.date))
        if (keys is None or t.part_key in keys)
        and (not query.campaign or t.part_key == query.campaign)
        and (not query.q or query.q in t.subject)
    ]
    return Listing(rows, lambda t: (order.get(t.target_id, 0), t.target_id), lambda t: t.as_json())


def value_json(v) -> dict:
    report = v.report
    return {
        "id": v.pk,
        "target": v.target_id,
        "value": float(v.value),
        "unit": v.target.unit,
        "report": report.pk,
        "reporting_unit": report.unit.name,
        "period": report.period.key,
        "period_label": report.period.label,
        "state": report.state,
        "submitted_at": report.submitted_at,
    }


@router.get(
    "/{target_id}/values",
    response={200: list[TargetValueOut], **ERRORS},
    summary="一个指标各期报送的实际值（只含可查看的报告的当前版本；分页）",
)
@paginate(CursorPage)
def target_values(request, target_id: int):
    act = actor(request)
    target = Target.objects.select_related("plan").filter(pk=target_id).first()
    keys = _part_keys(act, plan_of(target.plan_id, actor(request))) if target else None
    if target is None or (keys is not None and target.part.key not in keys):
        raise Http404("没有这个指标，或无权查看")
    values = TargetValue.objects.filter(
        target=target, report__in=visible_reports(act).filter(is_current=True)
    ).select_related("target", "report__unit", "report__period")
    return Listing(values, ("report__period__start", "report__unit__order"), value_json)
