"""Gather: the numbers of a monthly bulletin, a dispatch sheet and a quarterly review, as
dataclasses of plain values (str, int, float, lists), taken from the status engine.

What a document says comes only from here, so a test can hold these numbers against the
engine's, and an issued bulletin keeps them as JSON (``to_dict`` / ``from_dict``).
"""

import calendar
import datetime as dt
from collections import defaultdict
from dataclasses import asdict, dataclass, field, fields
from decimal import Decimal

from django.db.models import Q
from django.utils import timezone

from luoshi.core import clock
from luoshi.plans.choices import TaskRole, UnitKind
from luoshi.plans.models import Part, Plan, Task, TaskUnit, Unit
from luoshi.reporting import engine
from luoshi.reporting.choices import ReportState
from luoshi.reporting.models import Report
from luoshi.reporting.periods import PeriodSpan, periods_for, span_for_key
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


def spans_ending_in(
    plan: Plan, start: dt.date, end: dt.date, campaign: Part | None = None
) -> list[PeriodSpan]:
    """Reporting periods of the plan's cadences that end between ``start`` and ``end``."""
    spans = []
    for cadence in plan_cadences(plan, campaign):
        spans.extend(s for s in periods_for(cadence, end.year) if start <= s.end <= end)
    return sorted(spans, key=lambda s: (s.end, s.cadence))


def reporting_as_of(schedule: Schedule, spans: list[PeriodSpan], as_of: dt.date) -> dt.date:
    """Reporting for a month is judged once every period of it was due (the day after the
    latest due date), but never as of a day still to come, and at least as of ``as_of``."""
    if not spans:
        return as_of
    last_due = max(schedule.due(s) for s in spans)
    return max(as_of, min(last_due + dt.timedelta(days=1), clock.today()))


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


# ---------------------------------------------------------------- monthly bulletin


@dataclass
class MonthlyData(Plain):
    """Everything a monthly bulletin (月通报) states, for a plan or one campaign."""

    plan_title: str
    issuer: str
    doc_number: str
    campaign_key: str
    campaign_title: str
    month: str
    as_of: str
    previous_as_of: str
    reporting_as_of: str
    summary: Counts
    previous: Counts
    campaigns: list = field(default_factory=list)
    lagging: list = field(default_factory=list)
    periods: list = field(default_factory=list)
    reporting: list = field(default_factory=list)
    targets: list = field(default_factory=list)
    reports_in_month: int = 0

    nested = {
        "summary": Counts,
        "previous": Counts,
        "campaigns": CampaignBlock,
        "lagging": TaskLine,
        "periods": PeriodInfo,
        "reporting": UnitReporting,
        "targets": TargetLine,
    }

    @property
    def no_reports(self) -> bool:
        return self.reports_in_month == 0

    @property
    def month_date(self) -> dt.date:
        return dt.date.fromisoformat(self.month)

    @property
    def as_of_date(self) -> dt.date:
        return dt.date.fromisoformat(self.as_of)

    def delta(self, status: Status | str) -> int:
        """Change in the number of tasks of a status since last month."""
        return self.summary.n(status) - self.previous.n(status)

    @property
    def late_units(self) -> list[UnitReporting]:
        return [r for r in self.reporting if r.late]

    @property
    def missing_units(self) -> list[UnitReporting]:
        return [r for r in self.reporting if r.missing]

    @property
    def reporting_totals(self) -> dict:
        due = sum(r.due for r in self.reporting)
        submitted = sum(r.submitted for r in self.reporting)
        return {
            "due": due,
            "submitted": submitted,
            "on_time": sum(r.on_time for r in self.reporting),
            "late": sum(r.late for r in self.reporting),
            "missing": sum(r.missing for r in self.reporting),
            "rate": round(submitted / due * 100, 1) if due else 100.0,
        }


def gather_monthly(plan: Plan, month: dt.date, campaign: Part | None = None) -> MonthlyData:
    """The numbers of the monthly bulletin of ``month``: status as of the month end against
    the previous month end, lagging tasks with their reasons, reporting of the month's
    periods, and targets."""
    first, last = month_span(month)
    previous_end = first - dt.timedelta(days=1)
    key = campaign.key if campaign is not None else None
    status = engine.plan_status(plan, last, campaign=key)
    before = engine.plan_status(plan, previous_end, campaign=key)

    schedule = Schedule.of(plan)
    parts = {p.key: p for p in Part.objects.filter(plan=plan)}
    now_by_part, before_by_part = status.by_campaign(), before.by_campaign()
    rows_by_part = defaultdict(list)
    for row in status.rows:
        rows_by_part[row.part_key].append(TaskLine.of(row))
    campaigns = [
        CampaignBlock(
            key=part_key,
            title=parts[part_key].title if part_key in parts else part_key,
            summary=Counts.of(rollup),
            previous=Counts.of(before_by_part.get(part_key, Rollup())),
            tasks=rows_by_part[part_key],
        )
        for part_key, rollup in sorted(
            now_by_part.items(), key=lambda kv: parts[kv[0]].order if kv[0] in parts else 0
        )
    ]

    spans = spans_ending_in(plan, first, last, campaign)
    judged = reporting_as_of(schedule, spans, last)
    units = campaign_units(plan, campaign) if campaign is not None else None
    reporting = reporting_rows(plan, spans, judged, units)

    targets = [TargetLine.of(r) for r in engine.target_statuses(plan, last)]
    if campaign is not None:
        targets = [t for t in targets if t.campaign == campaign.key]

    reports_in_month = (
        _reports(plan, campaign)
        .filter(state__in=[ReportState.SUBMITTED, ReportState.APPROVED, ReportState.ACCEPTED])
        .filter(period__end__gte=first, period__start__lte=last, submitted_at__lte=engine.end_of(judged))
        .count()
    )

    return MonthlyData(
        plan_title=plan.title,
        issuer=plan.issuer,
        doc_number=plan.doc_number,
        campaign_key=campaign.key if campaign else "",
        campaign_title=campaign.title if campaign else "",
        month=first.isoformat(),
        as_of=last.isoformat(),
        previous_as_of=previous_end.isoformat(),
        reporting_as_of=judged.isoformat(),
        summary=Counts.of(status.rollup()),
        previous=Counts.of(before.rollup()),
        campaigns=campaigns,
        lagging=[TaskLine.of(r) for r in status.lagging()],
        periods=[PeriodInfo(s.key, s.label, schedule.due(s).isoformat()) for s in spans],
        reporting=reporting,
        targets=targets,
        reports_in_month=reports_in_month,
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
        reporting=reporting_rows(plan, [span], reporting_as_of(schedule, [span], due_date), units),
    )


# ---------------------------------------------------------------- quarterly review


@dataclass
class Weights(Plain):
    timeliness: int = 30
    progress: int = 40
    targets: int = 20
    supervision: int = 10

    def total(self) -> int:
        return self.timeliness + self.progress + self.targets + self.supervision


COMPONENTS = [
    ("timeliness", "报送及时性"),
    ("progress", "序时进度"),
    ("targets", "指标完成"),
    ("supervision", "督办按时办结"),
]

FORMULA = [
    "综合得分 = Σ（单项得分 × 单项权重）÷ Σ（参与计分的单项权重），各单项满分 100 分。",
    "报送及时性 = （按时报送数 + 0.5 × 逾期补报数）÷ 应报数 × 100；"
    "应报数为本季度结束的各调度周期中本单位应报的进度报告。",
    "序时进度 = 本单位负责任务（牵头，无牵头单位时为配合单位）得分的平均值；"
    "已完成任务 100 分，未报送 0 分，其余为 min（完成进度 ÷ 序时进度，1）× 100，尚未到报送期的任务不计。",
    "指标完成 = 本单位牵头任务所在条目中各指标得分的平均值；未报数 0 分，"
    "其余为 min（完成率 ÷ 应完成比例，1）× 100（增速、比率类指标应完成比例为 100%，累计类为时间进度）。",
    "督办按时办结 = 办理时限在本季度内、于时限前办结（销号）的督办事项数 ÷ 办理时限在本季度内的督办事项数 × 100。",
    "某单项无考核内容的（如无督办事项），该项不计分，权重按其余各项折算。得分相同的单位名次并列。",
]


@dataclass
class UnitScore(Plain):
    """One unit's quarter: the four scores with what they were computed from."""

    unit: str
    rank: int = 0
    total: float | None = None
    timeliness: float | None = None
    progress: float | None = None
    targets: float | None = None
    supervision: float | None = None
    reports_due: int = 0
    reports_on_time: int = 0
    reports_late: int = 0
    tasks: int = 0
    tasks_lagging: int = 0
    target_count: int = 0
    items_due: int = 0
    items_on_time: int = 0

    def score(self, component: str) -> float | None:
        return getattr(self, component)


@dataclass
class ReviewData(Plain):
    """The quarterly review (季讲评): a score and rank per unit, with the formula."""

    plan_title: str
    issuer: str
    quarter: str
    quarter_label: str
    start: str
    as_of: str
    reporting_as_of: str
    weights: Weights
    formula: list = field(default_factory=list)
    units: list = field(default_factory=list)
    summary: Counts = field(default_factory=Counts)

    nested = {"weights": Weights, "units": UnitScore, "summary": Counts}


def _mean(values: list[float]) -> float | None:
    return round(sum(values) / len(values), 1) if values else None


def task_score(status: Status, progress: Decimal | None, expected: Decimal) -> float | None:
    """A task's 序时进度 score in a review (None: not yet due, not scored)."""
    if status == Status.NOT_STARTED:
        return None
    if status == Status.DONE:
        return 100.0
    if status == Status.NOT_REPORTED:
        return 0.0
    if not expected:
        return 100.0
    return float(min((progress or Decimal(0)) / expected, Decimal(1)) * 100)


def target_score(status: Status, attainment: Decimal | None, expected: Decimal) -> float:
    if status == Status.NOT_REPORTED or attainment is None:
        return 0.0
    if status == Status.DONE or not expected:
        return 100.0
    return float(min(attainment / expected, Decimal(1)) * 100)


def weighted_total(score: UnitScore, weights: Weights) -> float | None:
    parts = [(getattr(weights, name), score.score(name)) for name, _ in COMPONENTS]
    applicable = [(w, s) for w, s in parts if s is not None and w]
    if not applicable:
        return None
    return round(sum(w * s for w, s in applicable) / sum(w for w, _ in applicable), 1)


def rank(scores: list[UnitScore]) -> list[UnitScore]:
    """Highest total first; equal totals share a rank (1, 2, 2, 4); units with no score last."""
    ordered = sorted(scores, key=lambda s: (s.total is None, -(s.total or 0), s.unit))
    previous, position = None, 0
    for index, score in enumerate(ordered, start=1):
        if score.total != previous:
            position = index
            previous = score.total
        score.rank = position
    return ordered


def supervision_counts(plan: Plan, start: dt.date, end: dt.date) -> dict[str, tuple[int, int]]:
    """Per lead unit: supervision items of the plan due in the quarter, and those closed by
    their deadline."""
    from luoshi.supervision.choices import ItemState
    from luoshi.supervision.models import SupervisionItem

    counts: dict[str, list[int]] = defaultdict(lambda: [0, 0])
    items = SupervisionItem.objects.filter(
        Q(part__plan__series=plan.series) | Q(task__plan__series=plan.series)
    )
    for unit, deadline, state, closed_at in (
        items.filter(deadline__gte=start, deadline__lte=end)
        .distinct()
        .values_list("lead_unit__name", "deadline", "state", "closed_at")
    ):
        counts[unit][0] += 1
        if state == ItemState.CLOSED and closed_at and timezone.localtime(closed_at).date() <= deadline:
            counts[unit][1] += 1
    return {unit: (due, on_time) for unit, (due, on_time) in counts.items()}


def gather_review(plan: Plan, quarter_key: str, weights: Weights) -> ReviewData:
    """Scores and ranking of every responsible unit for a quarter (``2025Q2``)."""
    span = span_for_key(quarter_key)
    if span.cadence != "quarter":
        raise ValueError(f"{quarter_key!r} 不是季度：请写成 2025Q2")
    schedule = Schedule.of(plan)
    as_of = span.end
    status = engine.plan_status(plan, as_of)

    group_units = set(Unit.objects.filter(kind=UnitKind.GROUP).values_list("name", flat=True))
    scores: dict[str, UnitScore] = {}

    def of(unit: str) -> UnitScore:
        return scores.setdefault(unit, UnitScore(unit))

    task_scores: dict[str, list[float]] = defaultdict(list)
    for row in status.rows:
        value = task_score(row.status, row.progress, row.expected)
        for unit in row.responsible:
            if unit in group_units:
                continue
            line = of(unit)
            line.tasks += 1
            line.tasks_lagging += row.status in (Status.LAGGING, Status.SERIOUS)
            if value is not None:
                task_scores[unit].append(value)

    spans = spans_ending_in(plan, span.start, span.end)
    judged = reporting_as_of(schedule, spans, as_of)
    for line in reporting_rows(plan, spans, judged):
        if line.unit in group_units:
            continue
        score = of(line.unit)
        score.reports_due += line.due
        score.reports_on_time += line.on_time
        score.reports_late += line.late

    leads_by_section: dict[int, set[str]] = defaultdict(set)
    for section_id, unit in TaskUnit.objects.filter(task__plan=plan, role=TaskRole.LEAD).values_list(
        "task__section_id", "unit__name"
    ):
        leads_by_section[section_id].add(unit)
    section_of = dict(plan.targets.values_list("pk", "section_id"))
    target_scores: dict[str, list[float]] = defaultdict(list)
    for row in engine.target_statuses(plan, as_of):
        for unit in leads_by_section.get(section_of.get(row.target_id), ()):
            if unit in group_units:
                continue
            of(unit).target_count += 1
            target_scores[unit].append(target_score(row.status, row.attainment, row.expected))

    for unit, (due, on_time) in supervision_counts(plan, span.start, span.end).items():
        if unit in group_units:
            continue
        line = of(unit)
        line.items_due, line.items_on_time = due, on_time

    for unit, line in scores.items():
        line.timeliness = (
            round((line.reports_on_time + 0.5 * line.reports_late) / line.reports_due * 100, 1)
            if line.reports_due
            else None
        )
        line.progress = _mean(task_scores.get(unit, []))
        line.targets = _mean(target_scores.get(unit, []))
        line.supervision = round(line.items_on_time / line.items_due * 100, 1) if line.items_due else None
        line.total = weighted_total(line, weights)

    return ReviewData(
        plan_title=plan.title,
        issuer=plan.issuer,
        quarter=span.key,
        quarter_label=span.label,
        start=span.start.isoformat(),
        as_of=as_of.isoformat(),
        reporting_as_of=judged.isoformat(),
        weights=weights,
        formula=list(FORMULA),
        units=rank(list(scores.values())),
        summary=Counts.of(status.rollup()),
    )
