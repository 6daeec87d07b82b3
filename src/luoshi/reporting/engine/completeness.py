"""Reporting of each unit for one period, like a 报送率 table: reports due, handed in on
time or late, missing, not yet due."""

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

from luoshi.plans.choices import UnitKind
from luoshi.plans.models import Plan, Task, TaskUnit

from ..models import Period, Report
from ..periods import PeriodSpan, span_for_key
from ..policy import Schedule
from .reports import end_of


@dataclass
class CompletenessRow:
    """Reporting of one unit for one period (like a 报送率 table)."""

    unit: str
    due: int = 0
    submitted: int = 0
    on_time: int = 0
    late: int = 0
    missing: int = 0
    pending: int = 0

    @property
    def rate(self) -> Decimal:
        return (
            (Decimal(self.submitted) / self.due * 100).quantize(Decimal("0.1")) if self.due else Decimal(100)
        )

    def as_json(self) -> dict:
        return {
            "unit": self.unit,
            "due": self.due,
            "submitted": self.submitted,
            "on_time": self.on_time,
            "late": self.late,
            "missing": self.missing,
            "pending": self.pending,
            "rate": float(self.rate),
        }


def completeness(
    plan: Plan, period_key: str, as_of: dt.date
) -> tuple[PeriodSpan, dt.date, list[CompletenessRow]]:
    """Per unit: reports due for the period, submitted (on time, late), missing; as of a date."""
    schedule = Schedule.of(plan)
    span = span_for_key(period_key)
    due_date = schedule.due(span)
    tasks = Task.objects.filter(plan=plan).values_list("pk", "part__key", "cadence", "start", "deadline")
    due_tasks = {
        pk
        for pk, part_key, cadence, start, deadline in tasks
        if schedule.cadence(cadence, part_key) == span.cadence
        and span.end > schedule.start(start)
        and span.start <= schedule.deadline(deadline)
    }
    period = Period.objects.filter(cadence=span.cadence, key=span.key).first()
    submitted: dict[tuple[int, int], dt.datetime] = {}
    if period:
        for task_id, unit_id, at in Report.objects.filter(
            period=period, is_current=True, task_id__in=due_tasks, submitted_at__lte=end_of(as_of)
        ).values_list("task_id", "unit_id", "submitted_at"):
            submitted[(task_id, unit_id)] = at
    rows: dict[str, CompletenessRow] = {}
    on_time_limit = end_of(due_date)
    due_units = TaskUnit.objects.filter(task_id__in=due_tasks).exclude(unit__kind=UnitKind.GROUP)
    for task_id, unit_id, name in due_units.values_list("task_id", "unit_id", "unit__name"):
        row = rows.setdefault(name, CompletenessRow(name))
        row.due += 1
        at = submitted.get((task_id, unit_id))
        if at is not None:
            row.submitted += 1
            if at <= on_time_limit:
                row.on_time += 1
            else:
                row.late += 1
        elif as_of > due_date:
            row.missing += 1
        else:
            row.pending += 1
    ordered = sorted(rows.values(), key=lambda r: (-r.missing, -r.late, r.unit))
    return span, due_date, ordered
