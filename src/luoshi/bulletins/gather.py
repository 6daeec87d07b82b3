"""Gather: the numbers of a monthly bulletin, a dispatch sheet and a quarterly review, as
dataclasses of plain values (str, int, float, lists), taken from the status engine.

What a document says comes only from here, so a test can hold these numbers against the
engine's, and an issued bulletin keeps them as JSON (``to_dict`` / ``from_dict``).
"""

import calendar
import datetime as dt
from dataclasses import asdict, dataclass, field, fields
from decimal import Decimal

from luoshi.plans.choices import TaskRole
from luoshi.plans.models import Part, Plan, Task, TaskUnit
from luoshi.reporting import engine
from luoshi.reporting.models import Report
from luoshi.reporting.periods import PeriodSpan
from luoshi.reporting.policy import Schedule
from luoshi.reporting.status import Rollup, Status

# The order statuses are listed in, in tables and in the chart.
STATUS_ORDER = [
    Status.DONE,
    Status.ON_TRACK,
    Status.LAGGING,
    Status.SERIOUS,
    Status.NOT_REPORTED,
    Status.NOT_STARTED,
]


def _f(value: Decimal | None) -> float | None:
    return None if value is None else float(value)


class Plain:
    """Dataclasses of plain values that go to JSON and come back."""

    nested: dict = {}  # field name → dataclass (for a list of them or one)

    def to_dict(self) -> dict:
        return asdict(self)

    @classmethod
    def from_dict(cls, data: dict):
        values = {}
        for f in fields(cls):
            if f.name not in data:
                continue
            value = data[f.name]
            inner = cls.nested.get(f.name)
            if inner is not None and value is not None:
                value = (
                    [inner.from_dict(v) for v in value] if isinstance(value, list) else inner.from_dict(value)
                )
            values[f.name] = value
        return cls(**values)


@dataclass
class Counts(Plain):
    """Tasks by status with mean progress, from one ``Rollup``."""

    total: int = 0
    counts: dict = field(default_factory=dict)  # status value → number of tasks
    progress: float = 0.0
    expected: float = 0.0
    completion_rate: float = 0.0

    @classmethod
    def of(cls, rollup: Rollup) -> "Counts":
        return cls(
            total=rollup.total,
            counts={str(s): rollup.count(s) for s in STATUS_ORDER},
            progress=float(rollup.progress),
            expected=float(rollup.expected),
            completion_rate=float(rollup.completion_rate),
        )

    def n(self, status: Status | str) -> int:
        return self.counts.get(str(status), 0)


@dataclass
class TaskLine(Plain):
    """One task in a table: who, how far, the light, and the reason given."""

    sid: str
    title: str
    campaign: str
    unit: str
    cooperators: str
    expected: float
    progress: float | None
    status: str
    status_label: str
    problems: str = ""
    reason: str = ""  # the light's reason in words, from the status engine
    missing_units: list = field(default_factory=list)
    progress_text: str = ""
    next_steps: str = ""

    @classmethod
    def of(cls, row: engine.TaskRow) -> "TaskLine":
        return cls(
            sid=row.sid,
            title=row.title,
            campaign=row.part_key,
            unit="、".join(row.responsible),
            cooperators="、".join(row.cooperators) if row.leads else "",
            expected=float(row.expected),
            progress=_f(row.progress),
            status=str(row.status),
            status_label=row.status.label,
            problems=row.problems,
            reason=row.reason,
            missing_units=list(row.missing_units),
        )


@dataclass
class CampaignBlock(Plain):
    """One campaign (攻坚): its counts, the change since last month and its tasks."""

    key: str
    title: str
    summary: Counts
    previous: Counts
    tasks: list = field(default_factory=list)

    nested = {"summary": Counts, "previous": Counts, "tasks": TaskLine}


@dataclass
class UnitReporting(Plain):
    """One unit's reporting for one period: due, on time, late, missing."""

    period: str
    period_label: str
    due_date: str
    unit: str
    due: int
    submitted: int
    on_time: int
    late: int
    missing: int
    pending: int


@dataclass
class TargetLine(Plain):
    """One target: the figure aimed at, the latest actual, attainment and light."""

    sid: str
    campaign: str
    subject: str
    op: str
    value: float
    unit: str
    actual: float | None
    attainment: float | None
    expected: float
    status: str
    status_label: str
    clause: str = ""

    @classmethod
    def of(cls, row: engine.TargetRow) -> "TargetLine":
        return cls(
            sid=row.sid,
            campaign=row.part_key,
            subject=row.subject,
            op=row.op,
            value=float(row.value),
            unit=row.unit,
            actual=_f(row.actual),
            attainment=_f(row.attainment),
            expected=float(row.expected),
            status=str(row.status),
            status_label=row.status.label,
        )


@dataclass
class PeriodInfo(Plain):
    key: str
    label: str
    due_date: str


# ---------------------------------------------------------------- shared steps


def month_span(month: dt.date) -> tuple[dt.date, dt.date]:
    first = month.replace(day=1)
    return first, first.replace(day=calendar.monthrange(first.year, first.month)[1])


def parse_month(text: str) -> dt.date:
    """``2025-05`` → 2025-05-01; ValueError with a Chinese message."""
    try:
        year, month = str(text).strip().replace("年", "-").rstrip("月").split("-")
        return dt.date(int(year), int(month), 1)
    except ValueError:
        raise ValueError(f"无法识别的月份 {text!r}：请写成 2025-05") from None


def plan_cadences(plan: Plan, campaign: Part | None = None) -> list[str]:
    """The cadences the plan's (or campaign's) tasks report on."""
    schedule = Schedule.of(plan)
    tasks = Task.objects.filter(plan=plan)
    if campaign is not None:
        tasks = tasks.filter(part=campaign)
    found = {schedule.cadence(c, key) for c, key in tasks.values_list("cadence", "part__key").distinct()}
    return sorted(found)


def reported_spans(plan: Plan, schedule: Schedule, campaign: Part | None = None) -> set[PeriodSpan]:
    """The periods some task of the plan (or campaign) reports for (``Schedule.task_spans``)."""
    tasks = Task.objects.filter(plan=plan)
    if campaign is not None:
        tasks = tasks.filter(part=campaign)
    spans: set[PeriodSpan] = set()
    for cadence, part_key, start, deadline in tasks.values_list(
        "cadence", "part__key", "start", "deadline"
    ).distinct():
        spans.update(
            schedule.task_spans(
                schedule.cadence(cadence, part_key), schedule.start(start), schedule.deadline(deadline)
            )
        )
    return spans


def reporting_rows(
    plan: Plan, spans: list[PeriodSpan], as_of: dt.date, units: set[str] | None = None
) -> list[UnitReporting]:
    """Completeness per period and unit (``engine.completeness``), optionally for some units."""
    rows = []
    for span in spans:
        _span, due_date, lines = engine.completeness(plan, span.key, as_of)
        for line in lines:
            if units is not None and line.unit not in units:
                continue
            rows.append(
                UnitReporting(
                    period=span.key,
                    period_label=span.label,
                    due_date=due_date.isoformat(),
                    unit=line.unit,
                    due=line.due,
                    submitted=line.submitted,
                    on_time=line.on_time,
                    late=line.late,
                    missing=line.missing,
                    pending=line.pending,
                )
            )
    return rows


def campaign_units(plan: Plan, campaign: Part) -> set[str]:
    return set(
        TaskUnit.objects.filter(task__plan=plan, task__part=campaign).values_list("unit__name", flat=True)
    )


def _reports(plan: Plan, campaign: Part | None):
    reports = Report.objects.filter(task__plan=plan, is_current=True)
    if campaign is not None:
        reports = reports.filter(task__part=campaign)
    return reports


def _latest_texts(plan: Plan, campaign: Part | None, until: dt.date, as_of: dt.date) -> dict[int, dict]:
    """Per task, the texts of the latest report of a lead (else any) unit for a period
    ending by ``until`` and submitted by ``as_of``: 本期进展, 存在问题, 下步计划."""
    texts: dict[int, dict] = {}
    rows = (
        _reports(plan, campaign)
        .filter(period__end__lte=until, submitted_at__lte=engine.end_of(as_of))
        .order_by("period__end", "role", "submitted_at")
        .values_list("task_id", "role", "progress_text", "problems", "next_steps")
    )
    for task_id, role, progress_text, problems, next_steps in rows:
        current = texts.get(task_id)
        if current and current["role"] == TaskRole.LEAD and role != TaskRole.LEAD:
            continue
        texts[task_id] = {
            "role": role,
            "progress_text": progress_text,
            "problems": problems,
            "next_steps": next_steps,
        }
    return texts
