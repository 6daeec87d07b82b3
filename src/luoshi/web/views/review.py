"""审核: the unit head's and the task-force office's queue; approve, accept, return."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db.models import Q
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from luoshi.accounts.choices import Role
from luoshi.accounts.permissions import Actor
from luoshi.audit.services import note
from luoshi.reporting import services
from luoshi.reporting.choices import ReportState
from luoshi.reporting.policy import Schedule
from luoshi.reporting.services import ReportingError

from ..forms import ReturnForm
from ..permissions import get_report_for, review_actions, visible_reports
from ..plans import current_plan
from .common import actor_of, safe_next


def review_queue(actor: Actor, plan):
    """Reports waiting for this actor: a head's unit's submitted reports; an office's (and
    the coordinator's) reports ready to accept."""
    head_approval = Schedule.of(plan).policy.head_approval
    reports = visible_reports(actor).filter(task__plan=plan, is_current=True)
    if actor.role == Role.HEAD:
        reports = reports.filter(unit_id=actor.unit_id, state=ReportState.SUBMITTED)
    elif actor.role in (Role.OFFICE, Role.COORDINATOR):
        ready = Q(state=ReportState.APPROVED)
        if not head_approval:
            ready |= Q(state=ReportState.SUBMITTED)
        reports = reports.filter(ready)
        if actor.role == Role.OFFICE:
            reports = reports.filter(task__part_id__in=actor.office_part_ids())
    else:
        return []
    return list(
        reports.select_related("task__section", "task__part", "unit", "period").order_by(
            "due", "task__section__order", "unit__order"
        )
    )


@login_required
def queue(request):
    actor = actor_of(request)
    if actor.role not in (Role.HEAD, Role.OFFICE, Role.COORDINATOR):
        raise PermissionDenied("审核页面供单位负责人、专班办公室和综合协调组使用")
    plan = current_plan(request)
    reports = review_queue(actor, plan) if plan else []
    campaign = request.GET.get("campaign") or ""
    if campaign:
        reports = [r for r in reports if r.task.part.key == campaign]
    head_approval = Schedule.of(plan).policy.head_approval if plan else True
    rows = [(r, review_actions(actor, r, head_approval=head_approval)) for r in reports]
    return render(
        request,
        "web/review.html",
        {"plan": plan, "rows": rows, "campaign": campaign, "return_form": ReturnForm()},
    )


def _act(request, pk, verb):
    actor = actor_of(request)
    report = get_report_for(actor, pk)
    form = ReturnForm(request.POST)
    form.is_valid()
    reason = form.cleaned_data.get("reason", "")
    try:
        if verb == "approve":
            services.approve_report(actor, report)
            done = "已审核通过，报送专班办公室"
        elif verb == "accept":
            services.accept_report(actor, report)
            done = "已审定"
        else:
            services.return_report(actor, report, reason)
            done = "已退回填报单位"
    except ReportingError as exc:
        if request.htmx:
            report.refresh_from_db()
            return _row(request, actor, report, error=str(exc))
        messages.error(request, str(exc))
        return redirect(safe_next(request, f"/reports/{pk}/"))
    note(request, f"{verb}_report", report, reason=reason)
    report.refresh_from_db()
    if request.htmx:
        return _row(request, actor, report, done=done)
    messages.success(request, f"{done}：{report.task.section.sid} {report.unit.name} {report.period.label}")
    return redirect(safe_next(request, "/review/"))


def _row(request, actor, report, done="", error=""):
    head_approval = Schedule.of(report.task.plan).policy.head_approval
    return render(
        request,
        "web/partials/review_row.html",
        {
            "r": report,
            "acts": review_actions(actor, report, head_approval=head_approval),
            "done": done,
            "error": error,
            "return_form": ReturnForm(),
        },
    )


@login_required
@require_POST
def approve(request, pk: int):
    return _act(request, pk, "approve")


@login_required
@require_POST
def accept(request, pk: int):
    return _act(request, pk, "accept")


@login_required
@require_POST
def return_(request, pk: int):
    return _act(request, pk, "return")
