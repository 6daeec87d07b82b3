"""Who may read which report and do what with it: the read accessors every page and the
API use, and the write predicates the services check (PermissionDenied) and the pages
show as buttons.

=================  ======  ========  =========  ========  ======  ========  ======
action             coord.  office¹   reporter²  head²     leader  verifier  system
=================  ======  ========  =========  ========  ======  ========  ======
read               all     see³      own unit⁴  own unit⁴ all     all       all
fill in, submit    –       –         yes        yes       –       –         yes
approve 审核        yes⁵    –         –          yes       –       –         yes
accept 审定         yes     yes       –          –         –       –         yes
return 退回         yes     yes       –          yes⁶      –       –         yes
revise 修订         –       –         yes        yes       –       –         yes
plan milestones    yes     yes       lead⁷      lead⁷     –       –         yes
=================  ======  ========  =========  ========  ======  ========  ======

1. A task-force office only for the campaigns it runs (工作专班办公室设在本单位).
2. Only the reports of the user's own unit.
3. Its own unit's reports, and the reports on its campaigns' tasks once handed in
   (submitted, approved, accepted, returned).
4. In any state; on the tasks the unit leads also the cooperators' contributions once
   handed in. Never another unit's draft.
5. The coordinator (and the system) may approve in the head's stead; where the policy
   asks for no head approval the coordinator accepts directly, so the page offers no
   approve button beside accept.
6. A head returns a submitted report of its unit; an office (or the coordinator) returns
   one that is ready for it: approved, or submitted when no head approval is asked.
7. The units leading the task.

Organisations: every reader sees only the reports of its organisation's plans and those
below it; the coordinator's approve, accept, return and correct, and its milestones, hold
in its own organisation (below it only with ``manages_below``): a city's coordinator reads
its districts' reports and acts on none of them unless granted more.

The states in which each action is open are written here too (``OPEN_STATES``,
``ready_for_office``); the services raise a ``ReportingError`` naming the state when
asked to act out of turn, and ``PermissionDenied`` when the actor may not act at all.
"""

from django.core.exceptions import PermissionDenied
from django.db.models import Q, QuerySet
from django.http import Http404

from luoshi.accounts.choices import Role
from luoshi.accounts.permissions import BELOW_READ_ONLY, Actor, scoped
from luoshi.plans.choices import TaskRole
from luoshi.plans.models import Plan, Task, TaskUnit

from .choices import DeliveryState, ReportState
from .models import ReminderDelivery, Report

# states in which a report has left its unit and others may read it
HANDED_IN = (ReportState.SUBMITTED, ReportState.APPROVED, ReportState.ACCEPTED, ReportState.RETURNED)
COOPERATOR_VISIBLE = (ReportState.SUBMITTED, ReportState.APPROVED, ReportState.ACCEPTED)
# states in which the unit may still edit, add evidence and submit
OPEN_STATES = (ReportState.DRAFT, ReportState.RETURNED)


def head_approval_of(plan: Plan) -> bool:
    """Whether the plan's policy sends a submitted report to the unit head first."""
    from .policy import Schedule

    return Schedule.of(plan).policy.head_approval


def ready_for_office(head_approval: bool) -> tuple[str, ...]:
    """States in which the office may accept or return: approved, or submitted when no
    head approves."""
    if head_approval:
        return (ReportState.APPROVED,)
    return (ReportState.SUBMITTED, ReportState.APPROVED)


# ---------------------------------------------------------------- reading


def visible_reports(actor: Actor) -> QuerySet[Report]:
    """Reports the actor may read (every revision)."""
    reports = scoped(Report.objects.all(), actor, "task__plan__organisation")
    if actor.reads_all:
        return reports
    if actor.role == Role.OFFICE and actor.unit_id:
        return reports.filter(
            Q(unit_id=actor.unit_id) | Q(task__part_id__in=actor.office_part_ids(), state__in=HANDED_IN)
        )
    if actor.in_unit:
        led = TaskUnit.objects.filter(unit_id=actor.unit_id, role=TaskRole.LEAD).values("task_id")
        return reports.filter(
            Q(unit_id=actor.unit_id)
            | Q(task_id__in=led, role=TaskRole.COOPERATOR, state__in=COOPERATOR_VISIBLE)
        )
    return reports.none()


def get_report_for(actor: Actor, pk, *, write: bool = False) -> Report:
    """One report the actor may read (404 alike for a missing one and one it may not see);
    ``write`` also requires that it may edit it (403)."""
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


def awaiting_review(actor: Actor, plan: Plan) -> QuerySet[Report]:
    """The plan's current reports waiting for this actor: a head's unit's submitted
    reports; an office's (and the coordinator's) reports ready to accept."""
    reports = visible_reports(actor).filter(task__plan=plan, is_current=True)
    if not actor.acts_in(plan.organisation_id):
        return reports.none()
    if actor.role == Role.HEAD:
        return reports.filter(unit_id=actor.unit_id, state=ReportState.SUBMITTED)
    if actor.role in (Role.OFFICE, Role.COORDINATOR):
        reports = reports.filter(state__in=ready_for_office(head_approval_of(plan)))
        if actor.role == Role.OFFICE:
            reports = reports.filter(task__part_id__in=actor.office_part_ids())
        return reports
    return reports.none()


# ---------------------------------------------------------------- who, whatever the state


def is_reporter_of(actor: Actor, unit_id: int | None) -> bool:
    """The system, or a reporter or head of the unit: fills in the unit's reports."""
    return actor.is_system or (actor.in_unit and actor.unit_id == unit_id)


def is_head_of(actor: Actor, report: Report) -> bool:
    """The system, the coordinator (where it acts: its organisation), or the head of the
    report's unit."""
    if actor.is_system:
        return True
    if actor.role == Role.COORDINATOR:
        return actor.acts_in(report.task.plan.organisation_id)
    return actor.role == Role.HEAD and actor.unit_id == report.unit_id


def is_office_of(actor: Actor, report: Report) -> bool:
    """The system, the coordinator (where it acts), or the office of the report's campaign."""
    if actor.is_system:
        return True
    if actor.role == Role.COORDINATOR:
        return actor.acts_in(report.task.plan.organisation_id)
    return actor.role == Role.OFFICE and report.task.part_id in actor.office_part_ids()


def check_reporter(actor: Actor, unit_id: int | None) -> None:
    if not is_reporter_of(actor, unit_id):
        raise PermissionDenied("只能填报本单位的任务")


def _below(actor: Actor, org_id: int) -> None:
    """A coordinator refused only because the object is below its organisation hears so."""
    if actor.role == Role.COORDINATOR and not actor.acts_in(org_id):
        raise PermissionDenied(BELOW_READ_ONLY)


def check_head(actor: Actor, report: Report) -> None:
    _below(actor, report.task.plan.organisation_id)
    if not is_head_of(actor, report):
        raise PermissionDenied("只有本单位负责人可以审核本单位的报告")


def check_office(actor: Actor, report: Report) -> None:
    _below(actor, report.task.plan.organisation_id)
    if not is_office_of(actor, report):
        raise PermissionDenied("只有该攻坚的工作专班办公室可以审定报告")


def returns_as_head(actor: Actor, report: Report) -> bool:
    """A return by the unit head (of a submitted report) rather than by the office."""
    return report.state == ReportState.SUBMITTED and actor.role == Role.HEAD


# ---------------------------------------------------------------- the predicates


def can_fill(actor: Actor) -> bool:
    """Fill in reports at all (the 填报 page, the unit's Excel round trip)."""
    return actor.in_unit


def can_review(actor: Actor) -> bool:
    """Have a review queue (the 审核 page)."""
    return actor.role in (Role.HEAD, Role.OFFICE, Role.COORDINATOR)


def reviews_as_head(actor: Actor) -> bool:
    """A head's queue holds its unit's submitted reports; the others' what is ready to accept."""
    return actor.role == Role.HEAD


def can_edit_report(actor: Actor, report: Report) -> bool:
    """The reporter (or head) of the report's own unit, while the report is open."""
    return (
        actor.in_unit
        and actor.unit_id == report.unit_id
        and report.is_current
        and report.state in OPEN_STATES
    )


def can_submit(actor: Actor, report: Report) -> bool:
    return is_reporter_of(actor, report.unit_id) and report.is_current and report.state in OPEN_STATES


def can_approve(actor: Actor, report: Report) -> bool:
    return report.is_current and report.state == ReportState.SUBMITTED and is_head_of(actor, report)


def can_accept(actor: Actor, report: Report, *, head_approval: bool | None = None) -> bool:
    if head_approval is None:
        head_approval = head_approval_of(report.task.plan)
    return (
        report.is_current and report.state in ready_for_office(head_approval) and is_office_of(actor, report)
    )


def can_return(actor: Actor, report: Report, *, head_approval: bool | None = None) -> bool:
    if not report.is_current:
        return False
    if returns_as_head(actor, report):
        return is_head_of(actor, report)
    return can_accept(actor, report, head_approval=head_approval)


def can_correct(actor: Actor, report: Report) -> bool:
    """更正 an accepted report (the current version): the office of its campaign or the
    coordinator."""
    return report.is_current and report.state == ReportState.ACCEPTED and is_office_of(actor, report)


def can_revise(actor: Actor, report: Report) -> bool:
    """Open a new revision of an accepted report: its own unit."""
    return (
        is_reporter_of(actor, report.unit_id) and report.is_current and report.state == ReportState.ACCEPTED
    )


def can_plan_task(actor: Actor, task: Task) -> bool:
    """Lay out a task's milestones (节点、倒排工期): the units leading it, the office of its
    campaign, the coordinator (where it acts), the system."""
    if actor.is_system:
        return True
    if actor.role == Role.COORDINATOR:
        return actor.acts_in(task.plan.organisation_id)
    if actor.role == Role.OFFICE and task.part_id in actor.office_part_ids():
        return True
    return (
        actor.in_unit
        and TaskUnit.objects.filter(task=task, unit_id=actor.unit_id, role=TaskRole.LEAD).exists()
    )


def check_plan_task(actor: Actor, task: Task) -> None:
    _below(actor, task.plan.organisation_id)
    if not can_plan_task(actor, task):
        raise PermissionDenied("只有牵头单位、专班办公室或综合协调组可以安排任务节点")


def review_actions(actor: Actor, report: Report, *, head_approval: bool | None = None) -> list[str]:
    """The review buttons of a report for this actor: approve, accept, return. Approve is
    left out where the actor may accept (one step instead of two)."""
    if head_approval is None:
        head_approval = head_approval_of(report.task.plan)
    accept = can_accept(actor, report, head_approval=head_approval)
    actions = []
    if not accept and can_approve(actor, report):
        actions.append("approve")
    if accept:
        actions.append("accept")
    if can_return(actor, report, head_approval=head_approval):
        actions.append("return")
    return actions


def can_see_overview(actor: Actor) -> bool:
    """The progress overview on the workspace (lights, lagging tasks, units not reported):
    whoever reads every task, and the task-force offices for their campaigns."""
    return actor.reads_all or actor.role == Role.OFFICE


def can_see_board(actor: Actor) -> bool:
    """The battle map: everyone signed in with a role (scoped to what each may see)."""
    return actor.is_system or actor.role is not None


def can_see_city_board(actor: Actor, org) -> bool:
    """The board of the organisations below ``org`` (各地挂图): who reads every task (the
    coordinator, leaders, verifiers) in ``org`` or an organisation above it; read-only."""
    return actor.reads_all and actor.sees_org(org.path)


# ---------------------------------------------------------------- notices' deliveries


def can_settle_deliveries(actor: Actor, org_id: int | None = None) -> bool:
    """Settle the deliveries in doubt (待核实: 重发 or 已送达) of the notices of an
    organisation (any, without ``org_id``): the coordinator (综合协调组) where it acts,
    the system."""
    if actor.is_system:
        return True
    return actor.role == Role.COORDINATOR and (org_id is None or actor.acts_in(org_id))


def settleable_deliveries(actor: Actor) -> QuerySet[ReminderDelivery]:
    """The notices' deliveries whose doubts this actor settles: its organisation's (and
    those below it with ``manages_below``)."""
    rows = ReminderDelivery.objects.all()
    if actor.is_system:
        return rows
    if not can_settle_deliveries(actor):
        return rows.none()
    rows = scoped(rows, actor, "reminder__organisation")
    return rows if actor.manages_below else rows.filter(reminder__organisation_id=actor.org_id)


def deliveries_in_doubt(actor: Actor) -> QuerySet[ReminderDelivery]:
    """The deliveries in doubt (待核实) whose doubts this actor settles, the latest first,
    with their notices (the office's list on 站内消息)."""
    return (
        settleable_deliveries(actor)
        .filter(state=DeliveryState.DOUBT)
        .select_related("reminder")
        .order_by("-sending_at", "-pk")
    )


def get_delivery_for(actor: Actor, pk) -> ReminderDelivery:
    """One delivery whose doubt the actor settles (404 alike for a missing one and another
    organisation's)."""
    delivery = settleable_deliveries(actor).select_related("reminder").filter(pk=pk).first()
    if delivery is None:
        raise Http404("没有这条提醒发送记录，或无权处理")
    return delivery


def check_settle_delivery(actor: Actor, delivery: ReminderDelivery) -> None:
    if not can_settle_deliveries(actor, delivery.reminder.organisation_id):
        raise PermissionDenied("只有该提醒所属组织的综合协调组可以核实发送结果")
