"""/api/v1/status: a plan's status as of a date — the battle map's numbers."""

import datetime as dt

from ninja import Field, Query, Router, Schema

from luoshi.plans.permissions import visible_task_ids
from luoshi.reporting import board as boards

from ..paging import CursorPage, Listing, paginate
from ..schemas import ERRORS, StatusOut, UnitStatusOut
from .common import actor, as_of_or_today, plan_of

router = Router(tags=["状态"])


def _rollup(roll) -> dict:
    return {
        "total": roll.total,
        "progress": float(roll.progress),
        "expected": float(roll.expected),
        "counts": {str(k): v for k, v in (roll.counts or {}).items()},
    }


class StatusQuery(Schema):
    plan: int | None = Field(None, description="方案编号（默认最新导入的方案）")
    campaign: str | None = Field(None, description="攻坚编号，如 附件1（默认全部）")
    date: dt.date | None = Field(None, description="截至哪一天（默认今天）")
    as_of: dt.date | None = Field(None, description="同 date（旧名）")


def _board(request, query: StatusQuery):
    act = actor(request)
    chosen = plan_of(query.plan, actor(request))
    day = as_of_or_today(query.date or query.as_of)
    return boards.board_for(
        chosen, day, task_ids=visible_task_ids(act, chosen), campaign=query.campaign or None
    )


def _completeness(ranks) -> dict:
    due = sum(r.due for r in ranks)
    on_time = sum(r.on_time for r in ranks)
    return {
        "due": due,
        "on_time": on_time,
        "late": sum(r.late for r in ranks),
        "missing": sum(r.missing for r in ranks),
        "on_time_rate": round(on_time / due * 100, 1) if due else None,
    }


@router.get("", response={200: StatusOut, **ERRORS}, summary="方案状态与报送完整性（与挂图作战的数字一致）")
def plan_status(request, query: Query[StatusQuery]):
    board = _board(request, query)
    chosen, day = board.plan, board.as_of
    return {
        "plan": chosen.pk,
        "as_of": day,
        "overall": _rollup(board.total),
        "campaigns": [{"key": c.key, "title": c.title, **_rollup(c.rollup)} for c in board.campaigns],
        "lagging": [r.task_id for r in board.lagging],
        "lagging_tasks": [
            {
                "task": r.task_id,
                "section": r.sid,
                "status": str(r.status),
                "status_label": r.status.label,
                "reason": r.reason,
            }
            for r in board.lagging
        ],
        "not_reported_units": [{"unit": unit, "tasks": n} for unit, n in board.missing],
        "targets": [t.as_json() for t in board.targets],
        "period": board.period_label,
        "period_due": board.period_due,
        "completeness": _completeness(board.ranking),
    }


def unit_json(rank) -> dict:
    return {
        "unit": rank.unit,
        "rank": rank.rank,
        "tasks": rank.tasks,
        "progress": float(rank.progress),
        "expected": float(rank.expected),
        "lagging": rank.lagging,
        "due": rank.due,
        "on_time": rank.on_time,
        "late": rank.late,
        "missing": rank.missing,
        "on_time_rate": None if rank.on_time_rate is None else float(rank.on_time_rate),
    }


@router.get(
    "/units",
    response={200: list[UnitStatusOut], **ERRORS},
    summary="各单位的进度与报送完整性（挂图作战的单位排名；分页）",
)
@paginate(CursorPage)
def unit_status(request, query: Query[StatusQuery], unit: str | None = None):
    ranks = _board(request, query).ranking
    if unit:
        ranks = [r for r in ranks if r.unit == unit]
    return Listing(ranks, lambda r: (r.rank, r.unit), unit_json)
