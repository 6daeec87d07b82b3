"""Each target of a plan as of a date: its latest reported figure and its attainment."""

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

from luoshi.plans.models import Plan, Target

from ..models import TargetValue
from ..policy import Schedule
from ..rollup import carried_pairs, summed_actuals
from ..status import Status, expected_progress, target_status
from .reports import end_of


@dataclass
class TargetRow:
    """One target's figure, attainment and light as of a date."""

    target_id: int
    sid: str
    part_key: str
    subject: str
    op: str
    value: Decimal
    unit: str
    actual: Decimal | None
    attainment: Decimal | None
    expected: Decimal
    status: Status

    def as_json(self) -> dict:
        return {
            "target": self.target_id,
            "section": self.sid,
            "campaign": self.part_key,
            "subject": self.subject,
            "op": self.op,
            "value": float(self.value),
            "unit": self.unit,
            "actual": None if self.actual is None else float(self.actual),
            "attainment": None if self.attainment is None else float(self.attainment),
            "expected": float(self.expected),
            "status": str(self.status),
        }


def target_statuses(plan: Plan, as_of: dt.date) -> list[TargetRow]:
    """Each target's latest reported figure as of the date and its attainment."""
    schedule = Schedule.of(plan)
    elapsed = expected_progress(schedule.plan_start, schedule.year_end, as_of)
    actual: dict[int, Decimal] = {}
    carried = carried_pairs(plan=plan)  # a figure filed by a unit a lower task carries counts not
    for target_id, value, task_id, unit_id in (
        TargetValue.objects.filter(
            target__plan=plan, report__is_current=True, report__submitted_at__lte=end_of(as_of)
        )
        .order_by("report__period__end", "report__submitted_at")
        .values_list("target_id", "value", "report__task_id", "report__unit_id")
    ):
        if (task_id, unit_id) not in carried:
            actual[target_id] = value
    for target_id, total in summed_actuals(plan, as_of).items():  # the lower organisations' sum
        actual.setdefault(target_id, total)
    rows = []
    for target in Target.objects.filter(plan=plan).select_related("section", "part").order_by("order"):
        status, attainment, expected = target_status(
            op=target.op,
            value=target.value,
            unit=target.unit,
            subject=target.subject or target.text,
            actual=actual.get(target.pk),
            elapsed=elapsed,
            thresholds=schedule.thresholds,
        )
        rows.append(
            TargetRow(
                target.pk,
                target.section.sid,
                target.part.key,
                target.subject or target.text,
                target.op,
                target.value,
                target.unit,
                actual.get(target.pk),
                attainment,
                expected,
                status,
            )
        )
    return rows
