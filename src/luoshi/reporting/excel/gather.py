"""Gather a template (STYLE 15, step one): the tasks a unit reports on in a period,
their targets and what the unit has already filled in."""

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal

from luoshi.core import clock
from luoshi.plans import lookups as plan_lookups
from luoshi.plans.models import Plan, Target, Task, TaskUnit, Unit
from luoshi.plans.units import normalize_name

from ..choices import REPORTED_STATES
from ..models import Period, Report, TargetValue
from ..periods import PeriodSpan, span_for_key
from ..policy import Schedule
from ..services import ReportingError


@dataclass
class DueTask:
    """A task the unit reports on in the period, with its current report if any."""

    task: Task
    role: str
    targets: list[Target]
    report: Report | None = None
    values: dict[int, Decimal] = field(default_factory=dict)  # target id → reported value

    @property
    def reported(self) -> bool:
        return self.report is not None and self.report.state in REPORTED_STATES


@dataclass
class TemplateData:
    """Everything a unit's template for one period shows."""

    plan: Plan
    unit: Unit
    span: PeriodSpan
    due: dt.date
    tasks: list[DueTask]
    generated_at: dt.datetime

    @property
    def target_count(self) -> int:
        return sum(len(t.targets) for t in self.tasks)

    @property
    def filename(self) -> str:
        return f"{self.unit.name}-{self.span.label}-进度填报.xlsx"


def find_unit(name: str, org_id: int | None = None) -> Unit:
    """A unit by its name, an alias, a spelling with the bracket elsewhere, or its short
    name, in an organisation's registry (default the install's first)."""
    if not normalize_name(name or ""):
        raise ReportingError("请指明单位", "unit")
    unit = plan_lookups.find_unit(name, org_id)
    if unit is None:
        raise ReportingError(f"单位名录中没有“{name}”（luoshi units 列出全部单位）", "unit")
    return unit


def _span(period_key: str) -> PeriodSpan:
    try:
        return span_for_key(str(period_key or ""))
    except ValueError as exc:
        raise ReportingError(str(exc), "period") from None


def is_due(schedule: Schedule, task: Task, span: PeriodSpan) -> bool:
    cadence = schedule.task_cadence(task)
    if cadence != span.cadence:
        return False
    spans = schedule.task_spans(cadence, schedule.start(task.start), schedule.deadline(task.deadline))
    return any(s.key == span.key for s in spans)


def due_tasks(plan: Plan, unit: Unit, span: PeriodSpan, schedule: Schedule | None = None) -> list[DueTask]:
    """Tasks of ``plan`` where ``unit`` leads or cooperates whose cadence is the period's and
    whose time from start to deadline overlaps it, in the plan's order."""
    schedule = schedule or Schedule.of(plan)
    roles = (
        TaskUnit.objects.filter(task__plan=plan, unit=unit)
        .select_related("task__section", "task__part")
        .order_by("task__section__order", "task_id")
    )
    due = [DueTask(tu.task, tu.role, []) for tu in roles if is_due(schedule, tu.task, span)]
    targets: dict[int, list[Target]] = {}
    for target in Target.objects.filter(section_id__in={d.task.section_id for d in due}).select_related(
        "section"
    ):
        targets.setdefault(target.section_id, []).append(target)
    for item in due:
        item.targets = sorted(targets.get(item.task.section_id, []), key=lambda t: (t.order, t.pk))
    period = Period.objects.filter(cadence=span.cadence, key=span.key).first()
    if period and due:
        reports = {
            r.task_id: r
            for r in Report.objects.filter(
                period=period, unit=unit, is_current=True, task_id__in=[d.task.pk for d in due]
            )
        }
        values: dict[int, dict[int, Decimal]] = {}
        for report_id, target_id, value in TargetValue.objects.filter(
            report_id__in=[r.pk for r in reports.values()]
        ).values_list("report_id", "target_id", "value"):
            values.setdefault(report_id, {})[target_id] = value
        for item in due:
            item.report = reports.get(item.task.pk)
            if item.report:
                item.values = values.get(item.report.pk, {})
    return due


def gather_template(plan: Plan, unit: Unit, period_key: str) -> TemplateData:
    """The unit's due tasks for the period, with what it has already filled in."""
    span = _span(period_key)
    if span.start > clock.today():
        raise ReportingError(f"{span.label} 尚未开始，不能提前填报", "period")
    schedule = Schedule.of(plan)
    tasks = due_tasks(plan, unit, span, schedule)
    if not tasks:
        raise ReportingError(
            f"{unit.name} 在 {span.label} 没有需要填报的任务（不是任何任务的牵头或配合单位，"
            f"或相关任务不按{span.cadence.label}调度、不在实施期内）",
            "period",
        )
    return TemplateData(plan, unit, span, schedule.due(span), tasks, clock.now())
