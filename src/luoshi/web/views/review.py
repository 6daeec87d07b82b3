"""审核: the unit head's and the task-force office's queue; approve, accept, return."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect, render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from luoshi.accounts.permissions import Actor
from luoshi.audit.services import note
from luoshi.reporting import services
from luoshi.reporting.permissions import (
    awaiting_review,
    can_review,
    get_report_for,
    head_approval_of,
    review_actions,
    reviews_as_head,
)
from luoshi.reporting.services import ReportingError

from ..forms import ReturnForm
from ..plans import current_plan
from .common import actor_of, safe_next


def review_queue(actor: Actor, plan):
    """Reports waiting for this actor (``reporting.permissions.awaiting_review``), in the
    order they fall due."""
    return list(
        awaiting_review(actor, plan)
        .select_related("task__section", "task__part", "unit", "period")
        .order_by("due", "task__section__order", "unit__order")
    )


@never_cache
@login_required
def queue(request):
    actor = actor_of(request)
    if not can_review(actor):
        raise PermissionDenied("审核页面供单位负责人、专班办公室和综合协调组使用")
    plan = current_plan(request)
    reports = review_queue(actor, plan) if plan else []
    campaign = request.GET.get("campaign") or ""
    if campaign:
        reports = [r for r in reports if r.task.part.key == campaign]
    head_approval = head_approval_of(plan) if plan else True
    rows = [(r, review_actions(actor, r, head_approval=head_approval)) for r in reports]
    return render(
        request,
        "web/review.html",
        {
            "plan": plan,
            "rows": rows,
            "campaign": campaign,
            "return_form": ReturnForm(),
            "head_queue": reviews_as_head(actor),
            "head_approval": head_approval,
        },
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
    return render(
        request,
        "web/partials/review_row.html",
        {
            "r": report,
            "acts": review_actions(actor, report),
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
