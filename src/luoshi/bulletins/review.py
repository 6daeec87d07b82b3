"""Gather the quarterly review (季讲评): each unit scored on the parts that apply to it,
weighted, and ranked."""

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import Q
from django.utils import timezone

from luoshi.plans.choices import TaskRole, UnitKind
from luoshi.plans.models import Plan, TaskUnit, Unit
from luoshi.reporting import engine
from luoshi.reporting.periods import span_for_key
from luoshi.reporting.policy import Schedule
from luoshi.reporting.status import Status

from .findings import full_width
from .gather import Counts, Plain, reporting_rows
from .monthly import spans_due_in

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
    "没有负责任务、关联指标和督办事项的单位只有报送一项可计，不参与排名，另列于表后。",
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

    @property
    def has_load(self) -> bool:
        """Whether the unit answers for anything beyond its reports: a task, a target or a
        supervision item. A unit without any is not ranked."""
        return bool(self.tasks or self.target_count or self.items_due)

    @property
    def ranked(self) -> bool:
        return self.has_load and self.total is not None


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
    """Highest total first; equal totals share a rank (1, 2, 2, 4). Units with no score, or
    with no task, target or supervision item to answer for, follow unranked (rank 0)."""
    ordered = sorted(scores, key=lambda s: (not s.ranked, -(s.total or 0), s.unit))
    previous, position = None, 0
    for index, score in enumerate(ordered, start=1):
        if not score.ranked:
            score.rank = 0
            continue
        if score.total != previous:
            position = index
            previous = score.total
        score.rank = position
    return ordered


def weights_text(data: "ReviewData") -> str:
    return "，".join(f"{label}{getattr(data.weights, name)}%" for name, label in COMPONENTS)


def review_title(data: "ReviewData") -> str:
    from .compose import scope_name

    return f"{data.quarter_label}{scope_name(data.plan_title)}工作讲评"


def _score(value: float | None) -> str:
    return "—" if value is None else f"{value:.1f}".rstrip("0").rstrip(".")


def commentary(data: "ReviewData", count: int = 3) -> list[str]:
    """A short 讲评 from the ranking: the top units praised, the bottom ones reminded of
    where they lost points, and the units not ranked."""
    ranked = [u for u in data.units if u.ranked]
    lines = []
    if not ranked:
        return ["本季度尚无可计分排名的单位。"]
    top = ranked[:count]
    lines.append(
        "综合得分位居前列的是"
        + "、".join(f"{full_width(u.unit)}（{_score(u.total)}分）" for u in top)
        + "，报送及时、推进有力，予以表扬。"
    )
    bottom = [u for u in ranked[-count:] if u not in top]
    if bottom:
        parts = []
        for u in reversed(bottom):
            scored = [(u.score(name), label) for name, label in COMPONENTS if u.score(name) is not None]
            worst = min(scored)[1] if scored else "各项"
            parts.append(f"{full_width(u.unit)}（{_score(u.total)}分，{worst}失分较多）")
        lines.append("得分靠后的是" + "、".join(parts) + "，请对照评分明细查找差距、限期改进。")
    apart = [u.unit for u in data.units if not u.ranked]
    if apart:
        lines.append(f"{full_width('、'.join(apart))}本季度没有负责任务、关联指标或督办事项，不参与排名。")
    return lines


def supervision_counts(plan: Plan, start: dt.date, end: dt.date) -> dict[str, tuple[int, int]]:
    """Per lead unit: supervision items of the plan due in the quarter, and those closed by
    their deadline."""
    from luoshi.supervision.choices import ItemState
    from luoshi.supervision.models import SupervisionItem

    counts: dict[str, list[int]] = defaultdict(lambda: [0, 0])
    items = SupervisionItem.objects.filter(
        Q(part__plan__series=plan.series) | Q(task__plan__series=plan.series),
        lead_unit__organisation_id=plan.organisation_id,
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

    day = dt.timedelta(days=1)
    spans = spans_due_in(plan, schedule, span.start - 2 * day, as_of - day)
    judged = as_of
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
