"""Gather the dispatch sheet (旬调度): every task after one reporting period, with the
latest report's texts."""

import datetime as dt
from dataclasses import dataclass, field

from luoshi.core import clock
from luoshi.plans.models import Part, Plan
from luoshi.reporting import engine
from luoshi.reporting.periods import span_for_key
from luoshi.reporting.policy import Schedule
from luoshi.reporting.status import Status

from .gather import (
    Counts,
    Plain,
    TaskLine,
    UnitReporting,
    _latest_texts,
    campaign_units,
    reporting_rows,
)

# ---------------------------------------------------------------- dispatch sheet


@dataclass
class DispatchData(Plain):
    """A 旬调度 sheet: every task's state after one period, with its report's texts."""

    plan_title: str
    issuer: str
    campaign_key: str
    campaign_title: str
    period: str
    period_label: str
    due_date: str
    as_of: str
    summary: Counts
    rows: list = field(default_factory=list)
    reporting: list = field(default_factory=list)

    nested = {"summary": Counts, "rows": TaskLine, "reporting": UnitReporting}

    @property
    def lagging(self) -> list[TaskLine]:
        order = {str(Status.SERIOUS): 0, str(Status.LAGGING): 1}
        return sorted((r for r in self.rows if r.status in order), key=lambda r: (order[r.status], r.sid))

    @property
    def missing_units(self) -> list[UnitReporting]:
        return [r for r in self.reporting if r.missing]

    @property
    def late_units(self) -> list[UnitReporting]:
        return [r for r in self.reporting if r.late]


def reporting_as_of(due_date: dt.date) -> dt.date:
    """Reporting of a period is judged the day after its due date (a report filed on the
    due date is on time), but never as of a day still to come."""
    return max(due_date, min(due_date + dt.timedelta(days=1), clock.today()))


def gather_dispatch(plan: Plan, period_key: str, campaign: Part | None = None) -> DispatchData:
    """The dispatch sheet of a period (``2025-05-1``): status as of the period's due date."""
    span = span_for_key(period_key)
    schedule = Schedule.of(plan)
    due_date = schedule.due(span)
    key = campaign.key if campaign is not None else None
    status = engine.plan_status(plan, due_date, campaign=key)
    texts = _latest_texts(plan, campaign, span.end, due_date)
    rows = []
    for row in status.rows:
        line = TaskLine.of(row)
        text = texts.get(row.task_id)
        if text:
            line.progress_text = text["progress_text"]
            line.next_steps = text["next_steps"]
            line.problems = line.problems or text["problems"]
        rows.append(line)
    units = campaign_units(plan, campaign) if campaign is not None else None
    return DispatchData(
        plan_title=plan.title,
        issuer=plan.issuer,
        campaign_key=campaign.key if campaign else "",
        campaign_title=campaign.title if campaign else "",
        period=span.key,
        period_label=span.label,
        due_date=due_date.isoformat(),
        as_of=due_date.isoformat(),
        summary=Counts.of(status.rollup()),
        rows=rows,
        reporting=reporting_rows(plan, [span], reporting_as_of(due_date), units),
    )
