"""对标: a lower organisation's plan beside a plan above it, each task with the matcher's
three candidates; the coordinator (or a campaign's office) confirms, rejects or corrects."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from luoshi.accounts.permissions import Actor
from luoshi.plans import alignment_services as services
from luoshi.plans.alignment_services import AlignmentError
from luoshi.plans.models import Plan, Task, TaskLink
from luoshi.plans.permissions import can_align, can_see_alignment, can_suggest_alignment, visible_tasks

from .common import actor_of, int_or_none

NONE = "无对应"


def _plan_for(actor: Actor, pk) -> Plan:
    """The lower plan: 404 where the actor does not see its organisation, 403 where it may
    not open the 对标 page."""
    plan = Plan.objects.select_related("organisation").filter(pk=pk).first()
    if plan is None or not actor.sees_org(plan.organisation.path):
        raise Http404("没有这个方案，或无权查看")
    if not can_see_alignment(actor, plan):
        raise PermissionDenied("对标页面供综合协调组、专班办公室、领导和核查员使用")
    return plan


def _upper_for(lower: Plan, value) -> Plan | None:
    choices = services.upper_plans_for(lower)
    wanted = int_or_none(value)
    return next((p for p in choices if p.pk == wanted), choices[0] if choices else None)


def _link_for(actor: Actor, pk) -> TaskLink:
    link = (
        TaskLink.objects.select_related("lower__plan__organisation", "upper__plan")
        .filter(pk=pk, lower__in=visible_tasks(actor))
        .first()
    )
    if link is None or not actor.sees_org(link.lower.plan.organisation.path):
        raise Http404("没有这条对标关联，或无权查看")
    return link


def _row(request, actor, lower, upper, task, *, done="", error=""):
    (row,) = services.alignment_rows(lower, upper, [task])
    return render(
        request,
        "web/partials/align_row.html",
        {
            "row": row,
            "upper": upper,
            "lower": lower,
            "can_decide": can_align(actor, task),
            "done": done,
            "error": error,
        },
    )


@never_cache
@login_required
def align(request, pk: int):
    actor = actor_of(request)
    lower = _plan_for(actor, pk)
    upper = _upper_for(lower, request.GET.get("upper"))
    tasks = (
        visible_tasks(actor)
        .filter(plan=lower)
        .select_related("part", "section", "plan")
        .order_by("section__order")
    )
    rows = services.alignment_rows(lower, upper, tasks) if upper else []
    decided = sum(1 for r in rows if r.state != "待确认")
    return render(
        request,
        "web/align.html",
        {
            "lower": lower,
            "upper": upper,
            "uppers": services.upper_plans_for(lower),
            "rows": [(r, can_align(actor, r.task)) for r in rows],
            "decided": decided,
            "upper_tasks": Task.objects.filter(plan=upper).select_related("section") if upper else [],
            "can_suggest": can_suggest_alignment(actor, lower),
            "none_label": NONE,
        },
    )


@login_required
@require_POST
def suggest(request, pk: int):
    actor = actor_of(request)
    lower = _plan_for(actor, pk)
    upper = _upper_for(lower, request.POST.get("upper"))
    if upper is None:
        messages.error(request, "没有可对标的上级方案")
        return redirect("web:align", pk=lower.pk)
    try:
        result = services.suggest_alignment(actor, lower, upper)
    except AlignmentError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(
            request,
            f"已生成对标建议：新增 {result.created} 条；已确认或已定无对应的 {result.kept} 项任务未改动",
        )
    return redirect(reverse("web:align", args=[lower.pk]) + f"?upper={upper.pk}")


def _decide(request, pk: int, verb: str):
    actor = actor_of(request)
    link = _link_for(actor, pk)
    lower, upper = link.lower.plan, link.upper.plan
    try:
        if verb == "confirm":
            services.confirm_link(actor, link)
            done = "已确认"
        else:
            services.reject_link(actor, link)
            done = "已驳回"
    except AlignmentError as exc:
        if request.htmx:
            return _row(request, actor, lower, upper, link.lower, error=str(exc))
        messages.error(request, str(exc))
        done = ""
    if request.htmx:
        return _row(request, actor, lower, upper, link.lower, done=done)
    if done:
        messages.success(request, f"{done}：{link.lower.section.sid} → {link.upper.section.sid}")
    return redirect(reverse("web:align", args=[lower.pk]) + f"?upper={upper.pk}#align-{link.lower_id}")


@login_required
@require_POST
def confirm(request, pk: int):
    return _decide(request, pk, "confirm")


@login_required
@require_POST
def reject(request, pk: int):
    return _decide(request, pk, "reject")


@login_required
@require_POST
def set_upper(request, pk: int, task_id: int):
    """Correct a task's counterpart: another upper task (by its 条目编号 or title, as the
    list offers them), or 无对应."""
    actor = actor_of(request)
    lower = _plan_for(actor, pk)
    task = visible_tasks(actor).filter(plan=lower, pk=task_id).select_related("plan", "section").first()
    if task is None:
        raise Http404("没有这项任务，或无权查看")
    upper = _upper_for(lower, request.POST.get("upper"))
    chosen = (request.POST.get("upper_task") or "").strip()
    error, done = "", ""
    if upper is None:
        error = "没有可对标的上级方案"
    elif not chosen:
        error = "请填写上级任务的条目编号，或选“无对应”"
    else:
        upper_task = None
        if chosen != NONE:
            sid = chosen.split(" ", 1)[0]
            upper_task = (
                Task.objects.filter(plan=upper, section__sid=sid).select_related("plan", "section").first()
            )
            if upper_task is None:
                error = f"上级方案中没有条目“{chosen}”，请从列表中选择"
        if not error:
            try:
                services.set_link(actor, task, upper, upper_task)
                done = f"已改为 {upper_task.section.sid}" if upper_task else "已定为无对应"
            except AlignmentError as exc:
                error = str(exc)
    if request.htmx and upper is not None:
        return _row(request, actor, lower, upper, task, done=done, error=error)
    if error:
        messages.error(request, error)
    else:
        messages.success(request, f"{task.section.sid}：{done}")
    suffix = f"?upper={upper.pk}" if upper else ""
    return redirect(reverse("web:align", args=[lower.pk]) + suffix + f"#align-{task.pk}")
