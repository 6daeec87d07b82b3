"""/api/v1/status: a plan's status as of a date — the battle map's numbers."""

import datetime as dt

from ninja import Router

from luoshi.plans.permissions import visible_task_ids
from luoshi.reporting import board as boards

from ..schemas import ErrorOut, StatusOut
from .common import actor, as_of_or_today, plan_of

router = Router(tags=["状态"])


def _rollup(roll) -> dict:
    return {
        "total": roll.total,
        "progress": float(roll.progress),
        "expected": float(roll.expected),
        "counts": {str(k): v for k, v in (roll.counts or {}).items()},
    }


@router.get("", response={200: StatusOut, 404: ErrorOut}, summary="方案状态（与挂图作战的数字一致）")
def plan_status(request, plan: int | None = None, as_of: dt.date | None = None, campaign: str | None = None):
    act = actor(request)
    chosen = plan_of(plan)
    day = as_of_or_today(as_of)
    task_ids = visible_task_ids(act, chosen)
    board = boards.board_for(chosen, day, task_ids=task_ids, campaign=campaign or None)
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
    }
