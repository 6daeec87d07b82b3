"""What a unit has to report and when (工作台, 填报): per task, the period due next and
any earlier period still not handed in, with the due date and the days left."""

import datetime as dt
from dataclasses import dataclass

from luoshi.accounts.permissions import Actor
from luoshi.plans.choices import TaskRole
from luoshi.plans.models import Plan, Task, TaskUnit

from .models import Report
from .periods import PeriodSpan
from .policy import Schedule
from .rollup import carried_pairs

MAX_OVERDUE_PER_TASK = 2


@dataclass
class DueItem:
    task: Task
    role: str
    span: PeriodSpan
    due: dt.date
    today: dt.date
    report: Report | None

    @property
    def days_left(self) -> int:
        return (self.due - self.today).days

    @property
    def handed_in(self) -> bool:
        return self.report is not None and self.report.is_reported

    @property
    def overdue(self) -> bool:
        return not self.handed_in and self.due < self.today

    @property
    def is_lead(self) -> bool:
        return self.role == TaskRole.LEAD


def due_items(actor: Actor, plan: Plan, today: dt.date) -> list[DueItem]:
    """For each task of the actor's unit in the plan: the period due next (open now) and
    the latest periods past due and not handed in; overdue first, then by due date."""
    if not actor.unit_id:
        return []
    schedule = Schedule.of(plan)
    roles = (
        TaskUnit.objects.filter(unit_id=actor.unit_id, task__plan=plan)
        .select_related("task__part", "task__section")
        .order_by("task__section__order")
    )
    carried = carried_pairs(plan=plan)  # a lower organisation's task carries these
    if carried:
        roles = roles.exclude(task_id__in=[task for task, unit in carried if unit == actor.unit_id])
    reports = {
        (r.task_id, r.period.key): r
        for r in Report.objects.filter(
            unit_id=actor.unit_id, task__plan=plan, is_current=True
        ).select_related("period")
    }
    dues: dict[str, dt.date] = {}

    def due_of(span: PeriodSpan) -> dt.date:
        if span.key not in dues:
            dues[span.key] = schedule.due(span)
        return dues[span.key]

    items = []
    for role in roles:
        task = role.task
        spans = schedule.task_spans(
            schedule.task_cadence(task), schedule.start(task.start), schedule.deadline(task.deadline)
        )
        overdue, upcoming = [], None
        for span in spans:
            if span.start > today:
                break
            due = due_of(span)
            report = reports.get((task.pk, span.key))
            if due >= today:
                upcoming = DueItem(task, role.role, span, due, today, report)
                break
            if report is None or not report.is_reported:
                overdue.append(DueItem(task, role.role, span, due, today, report))
        items += overdue[-MAX_OVERDUE_PER_TASK:]
        if upcoming:
            items.append(upcoming)
    items.sort(key=lambda i: (not i.overdue, i.handed_in, i.due, i.task.section.order))
    return items
