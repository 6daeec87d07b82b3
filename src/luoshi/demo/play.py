"""The demo's year: plausible reports on the seed plan up to a demo date.

Deterministic (a fixed random seed), so every view
has something to show: most units on time, some late, a few missing, some reports
returned and fixed, the latest ones still in review, some tasks lagging with reasons.
"""

import datetime as dt
import random
from dataclasses import dataclass, field
from decimal import Decimal

from django.db import transaction
from django.utils import timezone

from luoshi.plans.choices import TaskRole, UnitKind
from luoshi.plans.models import Plan, Target, Task
from luoshi.reporting import kept
from luoshi.reporting.choices import ReportState
from luoshi.reporting.models import Period, Report, ReportTransition, TargetValue
from luoshi.reporting.policy import Schedule, ensure_period
from luoshi.reporting.status import expected_progress, target_is_direct
from luoshi.reporting.values import measure_kind
from luoshi.reporting.workdays import add_workdays

DEMO_TODAY = dt.date(2025, 7, 15)

PROBLEMS = [
    "用地指标未落实，项目供地滞后",
    "上级资金尚未到位，配套资金缺口较大",
    "项目前期手续办理滞后，环评批复未下达",
    "企业投资意愿不足，签约项目落地慢",
    "专业技术人员不足，推进力量薄弱",
    "涉及多部门协调，审批链条较长",
]
PROGRESS_TEXTS = [
    "已召开专题调度会，明确责任分工和时间节点，各项工作按计划推进。",
    "完成现场踏勘和方案比选，正在组织专家评审。",
    "已与相关企业对接洽谈，形成初步合作意向。",
    "开展专项督导一次，发现问题均已交办整改。",
    "完成阶段性目标任务，相关台账资料已归档。",
]
NEXT_STEPS = ["加快推进项目建设，确保按期完成。", "加强部门协同，抓好问题整改。", "做好资金申报和要素保障。"]
RETURN_REASONS = [
    "进度数据与佐证材料不符，请核实后重报",
    "本期进展过于笼统，请补充具体数据",
    "未上传佐证材料",
]


@dataclass
class PlayResult:
    reports: int = 0
    late: int = 0
    missing: int = 0
    returned: int = 0
    in_review: int = 0
    skipped: bool = False


@dataclass
class _Rows:
    """Rows to insert in bulk: reports with their history and figures."""

    reports: list = field(default_factory=list)
    transitions: list = field(default_factory=list)  # (report index, from, to, at, reason)
    values: list = field(default_factory=list)  # (report index, target id, value)


def at(day: dt.date, hour: int = 10, minute: int = 0) -> dt.datetime:
    """A moment of a day in the configured time zone."""
    return timezone.make_aware(dt.datetime.combine(day, dt.time(hour, minute)))


@transaction.atomic
def play_year(plan: Plan, until: dt.date = DEMO_TODAY, seed: int = 2025) -> PlayResult:
    """Report every due period of every task up to ``until`` (skipped if reports exist).

    The rows are what the reporting services would have written over those months
    (reports, each transition with its time and reason, target values), inserted in bulk
    so the demo is ready in seconds.
    """
    result = PlayResult()
    if Report.objects.filter(task__plan=plan).exists():
        result.skipped = True
        return result
    rng = random.Random(seed)
    schedule = Schedule.of(plan)
    tasks = list(Task.objects.filter(plan=plan).select_related("part").prefetch_related("task_units__unit"))
    targets: dict[int, list[Target]] = {}
    for target in Target.objects.filter(plan=plan):
        targets.setdefault(target.section_id, []).append(target)
    unit_ids = sorted({tu.unit_id for task in tasks for tu in task.task_units.all()})
    # most units report on time, a few are habitually late, a few stop in the last period
    habit = {unit_id: "late" if rng.random() < 0.12 else "prompt" for unit_id in unit_ids}
    load: dict[int, int] = {}
    for task in tasks:
        for task_unit in task.task_units.all():
            load[task_unit.unit_id] = load.get(task_unit.unit_id, 0) + 1
    for unit_id in rng.sample([u for u in unit_ids if load[u] <= 6], k=2):
        habit[unit_id] = "absent"  # two small units have not reported the latest period
    periods: dict[tuple[str, str], Period] = {}
    rows = _Rows()
    for task in tasks:
        stalled = rng.random() < 0.1  # blocked tasks that have barely moved
        pace = Decimal(str(round(rng.uniform(0.05, 0.2) if stalled else rng.uniform(0.55, 1.35), 2)))
        finished_early = rng.random() < 0.05
        problem = rng.choice(PROBLEMS)
        start, deadline = schedule.start(task.start), schedule.deadline(task.deadline)
        cadence = schedule.task_cadence(task)
        spans = [s for s in schedule.task_spans(cadence, start, deadline) if schedule.due(s) <= until]
        for index, span in enumerate(spans):
            if (span.cadence, span.key) not in periods:
                periods[(span.cadence, span.key)] = ensure_period(span)
            expected = expected_progress(start, deadline, span.end)
            progress = min(Decimal(100), (expected * pace).quantize(Decimal("1")))
            if finished_early and index >= len(spans) - 2:
                progress = Decimal(100)
            has_lead = any(tu.role == TaskRole.LEAD for tu in task.task_units.all())
            story = _Story(rng, span, schedule.due(span), until, last=index == len(spans) - 1)
            for task_unit in task.task_units.all():
                if task_unit.unit.kind == UnitKind.GROUP:
                    continue  # a group phrase has nobody to report
                lead = task_unit.role == TaskRole.LEAD or not has_lead
                facts = dict(
                    progress=progress, problem=problem if pace < Decimal("0.8") and lead else "", lead=lead
                )
                index = story.play(
                    result, rows, task, task_unit, periods[(span.cadence, span.key)], habit, facts
                )
                if lead and index is not None:
                    for target_id, value in _values(rng, targets.get(task.section_id, []), pace).items():
                        rows.values.append((index, target_id, value))
    _insert(rows)
    kept.rebuild(plan)
    return result


def _insert(rows: _Rows) -> None:
    saved = Report.objects.bulk_create(rows.reports, batch_size=500)
    ReportTransition.objects.bulk_create(
        [
            ReportTransition(report=saved[i], from_state=old, to_state=new, created_at=at, reason=reason)
            for i, old, new, at, reason in rows.transitions
        ],
        batch_size=1000,
    )
    TargetValue.objects.bulk_create(
        [
            TargetValue(report=saved[i], target_id=target_id, value=value)
            for i, target_id, value in rows.values
        ],
        batch_size=1000,
    )


@dataclass
class _Story:
    """How one period went: when each unit handed in, and what review made of it."""

    rng: random.Random
    span: object
    due: dt.date
    until: dt.date
    last: bool

    def play(self, result, rows, task, task_unit, period, habit, facts) -> int | None:
        """Add the unit's report (and its history) to ``rows``; its index, or None if missing."""
        rng = self.rng
        kind = habit[task_unit.unit_id]
        if kind == "absent" and self.last or rng.random() < 0.015:
            result.missing += 1
            return None
        late = kind == "late" and rng.random() < 0.5 or rng.random() < 0.02
        day = (
            add_workdays(self.due, rng.randint(1, 3))
            if late
            else rng.choice([self.due, add_workdays(self.span.end, 1)])
        )
        day = min(day, self.until)
        submitted = at(day, rng.randint(9, 16), rng.randint(0, 59))
        report = Report(
            task_id=task.pk,
            unit_id=task_unit.unit_id,
            period=period,
            role=TaskRole.LEAD if facts["lead"] else TaskRole.COOPERATOR,
            due=self.due,
            progress=facts["progress"] if facts["lead"] else None,
            progress_text=rng.choice(PROGRESS_TEXTS)
            if facts["lead"]
            else f"配合牵头单位：{rng.choice(PROGRESS_TEXTS)}",
            problems=facts["problem"],
            next_steps=rng.choice(NEXT_STEPS),
            coordination="请区财政局协调配套资金" if facts["problem"] and rng.random() < 0.3 else "",
            submitted_at=submitted,
        )
        index = len(rows.reports)
        rows.reports.append(report)
        result.reports += 1
        result.late += int(day > self.due)
        history = [
            ("", ReportState.DRAFT, submitted - dt.timedelta(minutes=30), ""),
            (ReportState.DRAFT, ReportState.SUBMITTED, submitted, ""),
        ]
        review = at(min(add_workdays(day, 1), self.until), 10)
        state = ReportState.SUBMITTED
        if self.last and rng.random() < 0.35:
            result.in_review += 1
            if rng.random() < 0.5:
                history.append((state, ReportState.APPROVED, review, ""))
                state = ReportState.APPROVED
        else:
            history.append((state, ReportState.APPROVED, review, ""))
            state = ReportState.APPROVED
            if rng.random() < 0.08:
                reason = rng.choice(RETURN_REASONS)
                history.append((state, ReportState.RETURNED, review + dt.timedelta(hours=5), reason))
                state = ReportState.RETURNED
                report.return_reason = reason
                result.returned += 1
                if not self.last:
                    fixed = review + dt.timedelta(days=1)
                    history += [
                        (ReportState.RETURNED, ReportState.SUBMITTED, fixed, ""),
                        (ReportState.SUBMITTED, ReportState.APPROVED, fixed + dt.timedelta(hours=2), ""),
                    ]
                    state = ReportState.APPROVED
                    report.return_reason = ""
            if state == ReportState.APPROVED:
                accepted = history[-1][2] + dt.timedelta(hours=4)
                history.append((state, ReportState.ACCEPTED, accepted, ""))
                state = ReportState.ACCEPTED
                report.accepted_at = accepted
        report.state = state
        rows.transitions += [(index, old, new, at, reason) for old, new, at, reason in history]
        return index


def _values(rng, targets: list[Target], pace: Decimal) -> dict:
    values = {}
    for target in targets:
        if target.op == ">" and target.value == 0:
            value = Decimal(rng.choice([0, 1]))
        elif target_is_direct(op=target.op, unit=target.unit, subject=target.subject or target.text):
            value = target.value * Decimal(str(round(rng.uniform(0.8, 1.1), 2)))
        else:
            value = target.value * min(pace, Decimal("1.3")) * Decimal(str(round(rng.uniform(0.35, 0.6), 2)))
        if measure_kind(target.unit) == "count" or target.op == ">" and target.value == 0:
            value = value.quantize(Decimal("1"))
        else:
            value = value.quantize(Decimal("0.01"))
        values[target.pk] = str(max(value, Decimal(0)))
    return values
