"""What the status of a plan comes out as: a row per task and the roll-ups over them."""

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

from luoshi.plans.models import Plan

from ..status import Rollup, Status


@dataclass(slots=True)
class TaskRow:
    """One task's status as of a date.

    Names are tuples: read-only, and a status of many tasks makes many of them (the
    garbage collector stops watching a tuple of strings, not a list).
    """

    task_id: int
    sid: str
    title: str
    part_key: str
    part_title: str
    leads: tuple[str, ...]
    cooperators: tuple[str, ...]
    cadence: str
    start: dt.date
    deadline: dt.date
    expected: Decimal
    progress: Decimal | None
    status: Status
    latest_period: str | None = None
    missing_units: tuple[str, ...] = ()
    problems: str = ""
    overdue_milestones: int = 0
    reason: str = ""  # the light's reason in words, from ``status.task_light``
    # a task with lower organisations' parts (``reporting.rollup``): the parts, and its own
    # level's light and progress before they were weighed in (None: no unit of its own left)
    parts: tuple = ()
    own_status: Status | None = None
    own_progress: Decimal | None = None

    @property
    def responsible(self) -> tuple[str, ...]:
        return self.leads or self.cooperators

    def as_json(self) -> dict:
        return {
            "task": self.task_id,
            "section": self.sid,
            "title": self.title,
            "campaign": self.part_key,
            "unit": "、".join(self.responsible),
            "leads": list(self.leads),
            "cooperators": list(self.cooperators),
            "cadence": self.cadence,
            "start": self.start.isoformat(),
            "deadline": self.deadline.isoformat(),
            "expected": float(self.expected),
            "progress": None if self.progress is None else float(self.progress),
            "status": str(self.status),
            "status_label": self.status.label,
            "reason": self.reason,
            "latest_period": self.latest_period,
            "missing_units": list(self.missing_units),
            "problems": self.problems,
            "overdue_milestones": self.overdue_milestones,
        }


@dataclass
class PlanStatus:
    """Everything the status views need for one plan as of one date."""

    plan: Plan
    as_of: dt.date
    rows: list[TaskRow]
    window_start: dt.date | None = None  # the first day of the reports read (the earliest due period)

    def rollup(self, rows: list[TaskRow] | None = None) -> Rollup:
        total = Rollup()
        for row in self.rows if rows is None else rows:
            total.add(row.status, row.progress, row.expected)
        return total

    def by_campaign(self) -> dict[str, Rollup]:
        groups: dict[str, Rollup] = {}
        for row in self.rows:
            groups.setdefault(row.part_key, Rollup()).add(row.status, row.progress, row.expected)
        return groups

    def by_unit(self) -> dict[str, Rollup]:
        groups: dict[str, Rollup] = {}
        for row in self.rows:
            for unit in row.responsible:
                groups.setdefault(unit, Rollup()).add(row.status, row.progress, row.expected)
        return groups

    def lagging(self) -> list[TaskRow]:
        order = {Status.SERIOUS: 0, Status.LAGGING: 1}
        return sorted(
            (r for r in self.rows if r.status in order), key=lambda r: (order[r.status], r.part_key, r.sid)
        )
