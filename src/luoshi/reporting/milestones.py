"""A task's dated steps (施工图): added by hand, or scheduled back from the deadline
(倒排工期), and marked done."""

import datetime as dt

from django.db import transaction

from luoshi.accounts.permissions import Actor
from luoshi.audit.choices import AuditAction
from luoshi.audit.services import diff, record_change, snapshot
from luoshi.core import clock
from luoshi.plans.models import Task

from . import permissions
from .models import Milestone
from .policy import Schedule
from .services import ReportingError
from .workdays import subtract_workdays


@transaction.atomic
def add_milestone(actor: Actor, task: Task, title: str, due_date: dt.date) -> Milestone:
    permissions.check_plan_task(actor, task)
    if not (title or "").strip():
        raise ReportingError("节点名称不能为空", "title")
    schedule = Schedule.of(task.plan)
    deadline = schedule.deadline(task.deadline)
    if due_date > deadline:
        raise ReportingError(f"节点日期 {due_date} 晚于任务完成时限 {deadline}", "due_date")
    milestone = Milestone.objects.create(
        task=task, title=title.strip(), due_date=due_date, order=task.milestones.count()
    )
    record_change(actor, "新增任务节点", milestone, diff({}, snapshot(milestone)), action=AuditAction.CREATE)
    return milestone


@transaction.atomic
def change_milestone(
    actor: Actor, milestone: Milestone, *, title: str | None = None, due_date: dt.date | None = None
) -> Milestone:
    """Rename a milestone or move its date (not later than the task's deadline)."""
    permissions.check_plan_task(actor, milestone.task)
    before = snapshot(milestone, ("title", "due_date"))
    if title is not None:
        if not title.strip():
            raise ReportingError("节点名称不能为空", "title")
        milestone.title = title.strip()
    if due_date is not None:
        deadline = Schedule.of(milestone.task.plan).deadline(milestone.task.deadline)
        if due_date > deadline:
            raise ReportingError(f"节点日期 {due_date} 晚于任务完成时限 {deadline}", "due_date")
        milestone.due_date = due_date
    changes = diff(before, snapshot(milestone, ("title", "due_date")))
    if changes:
        milestone.save()
        record_change(actor, "修改任务节点", milestone, changes)
    return milestone


@transaction.atomic
def reverse_schedule(actor: Actor, task: Task, titles: list[str]) -> list[Milestone]:
    """倒排工期: the last step on the deadline, the others spread evenly back to the start,
    each moved back to a working day. Replaces the task's milestones not yet done."""
    permissions.check_plan_task(actor, task)
    titles = [t.strip() for t in titles if t and t.strip()]
    if not titles:
        raise ReportingError("请至少列出一个节点", "titles")
    schedule = Schedule.of(task.plan)
    start, deadline = schedule.start(task.start), schedule.deadline(task.deadline)
    span = (deadline - start).days
    if span < len(titles):
        raise ReportingError(f"实施期只有 {span} 天，排不下 {len(titles)} 个节点", "titles")
    dropped = [str(m) for m in task.milestones.filter(done=False)]
    task.milestones.filter(done=False).delete()
    milestones = []
    for index, title in enumerate(titles, start=1):
        day = start + dt.timedelta(days=round(span * index / len(titles)))
        day = subtract_workdays(day + dt.timedelta(days=1), 1)  # the working day on or before
        milestones.append(Milestone(task=task, title=title, due_date=day, order=index))
    milestones = Milestone.objects.bulk_create(milestones)
    record_change(
        actor,
        "倒排工期",
        task,
        {"milestones": [dropped, [f"{m.title} {m.due_date}" for m in milestones]]},
    )
    return milestones


@transaction.atomic
def complete_milestone(actor: Actor, milestone: Milestone, done_on: dt.date | None = None) -> Milestone:
    permissions.check_plan_task(actor, milestone.task)
    before = snapshot(milestone, ("done", "done_on"))
    milestone.done = True
    milestone.done_on = done_on or clock.today()
    milestone.save()
    record_change(actor, "完成任务节点", milestone, diff(before, snapshot(milestone, ("done", "done_on"))))
    return milestone
