"""Who may see which task and report: the read accessors every page and the API use.

Writes are checked again by ``reporting.services`` (PermissionDenied). Two functions per
object type, as in the house style:

- ``visible_tasks(actor)`` / ``visible_reports(actor)`` scope every queryset;
- ``get_task_for(actor, pk)`` / ``get_report_for(actor, pk, write=False)`` fetch one object:
  404 for a missing one and for one the actor may not see alike, 403 when it may see but
  not write.

The rules:

- coordinator, leader and verifier see every task and every report;
- a task-force office sees the tasks of the campaigns it runs and its own unit's tasks,
  and the reports on them that have left their unit (submitted, approved, accepted,
  returned), plus its own unit's reports;
- a reporter or unit head sees the tasks its unit leads or cooperates on, its own unit's
  reports in any state, and, on the tasks its unit leads, the cooperators' contributions
  once handed in (the lead sees the cooperators' parts while writing); never another
  unit's draft;
- anyone else (no role, anonymous) sees nothing.
"""

from django.core.exceptions import PermissionDenied
from django.db.models import Q, QuerySet
from django.http import Http404

from luoshi.accounts.choices import Role
from luoshi.accounts.permissions import Actor
from luoshi.plans.choices import TaskRole
from luoshi.plans.models import Part, Plan, Task, TaskUnit
from luoshi.reporting.choices import ReportState
from luoshi.reporting.models import Report

READ_ALL = (Role.COORDINATOR, Role.LEADER, Role.VERIFIER)
UNIT_ROLES = (Role.REPORTER, Role.HEAD)
# states in which a report has left its unit and others may read it
HANDED_IN = (ReportState.SUBMITTED, ReportState.APPROVED, ReportState.ACCEPTED, ReportState.RETURNED)
COOPERATOR_VISIBLE = (ReportState.SUBMITTED, ReportState.APPROVED, ReportState.ACCEPTED)


def reads_all(actor: Actor) -> bool:
    return actor.is_system or actor.role in READ_ALL


def visible_tasks(actor: Actor) -> QuerySet[Task]:
    """Tasks the actor may see (of every plan version)."""
    tasks = Task.objects.all()
    if reads_all(actor):
        return tasks
    if actor.role == Role.OFFICE and actor.unit_id:
        parts = actor.office_part_ids()
        own = TaskUnit.objects.filter(unit_id=actor.unit_id).values("task_id")
        return tasks.filter(Q(part_id__in=parts) | Q(pk__in=own))
    if actor.role in UNIT_ROLES and actor.unit_id:
        return tasks.filter(pk__in=TaskUnit.objects.filter(unit_id=actor.unit_id).values("task_id"))
    return tasks.none()


def visible_parts(actor: Actor, plan: Plan) -> QuerySet[Part]:
    """Campaigns of a plan with at least one task the actor may see (all for readers of all)."""
    parts = Part.objects.filter(plan=plan)
    if reads_all(actor):
        return parts
    return parts.filter(pk__in=visible_tasks(actor).filter(plan=plan).values("part_id"))


def get_task_for(actor: Actor, pk) -> Task:
    task = visible_tasks(actor).select_related("plan", "part", "section").filter(pk=pk).first()
    if task is None:
        raise Http404("没有这项任务，或无权查看")
    return task


def visible_reports(actor: Actor) -> QuerySet[Report]:
    """Reports the actor may read (every revision)."""
    reports = Report.objects.all()
    if reads_all(actor):
        return reports
    if actor.role == Role.OFFICE and actor.unit_id:
        return reports.filter(
            Q(unit_id=actor.unit_id) | Q(task__part_id__in=actor.office_part_ids(), state__in=HANDED_IN)
        )
    if actor.role in UNIT_ROLES and actor.unit_id:
        led = TaskUnit.objects.filter(unit_id=actor.unit_id, role=TaskRole.LEAD).values("task_id")
        return reports.filter(
            Q(unit_id=actor.unit_id)
            | Q(task_id__in=led, role=TaskRole.COOPERATOR, state__in=COOPERATOR_VISIBLE)
        )
    return reports.none()


def can_edit_report(actor: Actor, report: Report) -> bool:
    """The reporter (or head) of the report's own unit, while the report is open."""
    return (
        actor.role in UNIT_ROLES
        and actor.unit_id == report.unit_id
        and report.is_current
        and report.state in (ReportState.DRAFT, ReportState.RETURNED)
    )


def get_report_for(actor: Actor, pk, *, write: bool = False) -> Report:
    """One report the actor may read; ``write`` also requires that it may edit it (403)."""
    report = (
        visible_reports(actor)
        .select_related("task__plan", "task__part", "task__section", "unit", "period")
        .filter(pk=pk)
        .first()
    )
    if report is None:
        raise Http404("没有这份报告，或无权查看")
    if write and not can_edit_report(actor, report):
        raise PermissionDenied("只能修改本单位尚未提交的报告")
    return report


def review_actions(actor: Actor, report: Report, *, head_approval: bool) -> list[str]:
    """What the actor may do to a report in review: approve, accept, return (the services
    check again)."""
    if not report.is_current:
        return []
    actions = []
    coordinator = actor.role == Role.COORDINATOR
    office = coordinator or (actor.role == Role.OFFICE and report.task.part_id in actor.office_part_ids())
    head = actor.role == Role.HEAD and actor.unit_id == report.unit_id
    if report.state == ReportState.SUBMITTED:
        if head or (coordinator and head_approval):
            actions.append("approve")
        if office and not head_approval:
            actions.append("accept")
        if head or office:
            actions.append("return")
    elif report.state == ReportState.APPROVED and office:
        actions += ["accept", "return"]
    return actions


def can_import_plans(actor: Actor) -> bool:
    return actor.is_system or actor.role == Role.COORDINATOR


def can_see_board(actor: Actor) -> bool:
    """The battle map: everyone signed in with a role (scoped to what each may see)."""
    return actor.is_system or actor.role is not None
