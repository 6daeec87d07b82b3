"""填报: the report form (progress, texts, target values, evidence), save and submit."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import redirect, render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from luoshi.accounts.permissions import unit_of
from luoshi.audit.services import note
from luoshi.core import clock, limits
from luoshi.plans.choices import TaskRole
from luoshi.reporting import revisions, services
from luoshi.reporting.due import due_items
from luoshi.reporting.models import Report, ReportTransition
from luoshi.reporting.permissions import (
    can_correct,
    can_edit_report,
    can_fill,
    can_revise,
    get_report_for,
    review_actions,
    visible_reports,
)
from luoshi.reporting.policy import Schedule
from luoshi.reporting.services import ReportingError

from ..forms import CorrectForm, EvidenceForm, ReportForm, ReturnForm, ReviseForm
from ..plans import current_plan
from .common import actor_of


@login_required
def fill(request):
    """The unit's list of what to report, with the Excel round trip for the whole unit."""
    actor = actor_of(request)
    if not can_fill(actor):
        raise PermissionDenied("填报页面供单位填报员和单位负责人使用")
    plan = current_plan(request)
    items = due_items(actor, plan, clock.today()) if plan else []
    periods = sorted({(i.span.key, i.span.label) for i in items})
    from ..features import module_available

    return render(
        request,
        "web/fill.html",
        {
            "plan": plan,
            "items": items,
            "periods": periods,
            "excel": module_available("luoshi.reporting.excel"),
        },
    )


def _form_for(task, role, data=None, initial=None, targets=None):
    if targets is None:
        targets = services.task_targets(task)
    return ReportForm(data, initial=initial, targets=targets, lead=role == TaskRole.LEAD)


def _initial(report: Report) -> dict:
    initial = {
        "progress": "" if report.progress is None else f"{report.progress.normalize():f}",
        "progress_text": report.progress_text,
        "problems": report.problems,
        "next_steps": report.next_steps,
        "coordination": report.coordination,
    }
    for value in report.target_values.all():
        initial[f"target_{value.target_id}"] = f"{value.value.normalize():f}"
    return initial


@never_cache
@login_required
def new_report(request, task_id: int, period_key: str):
    """The form for a task and period not yet reported; saving creates the draft."""
    actor = actor_of(request)
    task = services.task_for_filing(actor, task_id, period_key)
    if not can_fill(actor):
        raise PermissionDenied("只有单位填报员可以填报")
    unit = unit_of(actor)
    if services.reporting_role(task, unit) is None:
        raise Http404("本单位不是该任务的责任单位")
    try:
        filing = services.filing_for(task, unit, period_key)
    except ReportingError as exc:
        raise Http404(str(exc)) from None
    if filing.report_id is not None:
        return redirect("web:report", pk=filing.report_id)
    form = _form_for(task, filing.role, request.POST or None, targets=filing.task_targets())
    if request.method == "POST" and form.is_valid():
        response = _write(request, actor, filing, form)
        if response:
            return response
    context = _side_context(actor, task, unit, filing.period, filing.role, None)
    context.update({"form": form, "editable": True, "report": None})
    # a refused post keeps the form, with its messages, under a 4xx status
    return render(request, "web/report.html", context, status=400 if request.method == "POST" else 200)


def _write(request, actor, filing, form):
    """Save the draft and, when asked, submit it (one transaction): a redirect, or None
    with the service's refusal added to the form."""
    submit = request.POST.get("action") == "submit"
    try:
        report = services.file_report(actor, filing, form.report_data(), submit=submit)
    except ReportingError as exc:
        form.add_service_error(exc)
        return None
    note(request, "save_draft", report)
    if submit:
        note(request, "submit_report", report)
        messages.success(request, f"已提交：{filing.task.section.sid} {filing.period.label}")
        return redirect("web:workspace")
    messages.success(request, "草稿已保存。")
    return redirect("web:report", pk=report.pk)


def _side_context(actor, task, unit, period, role, report):
    """What the reporter sees beside the form: the task, the due date, the cooperators'
    parts (for the lead), the unit's previous report, the history."""
    schedule = Schedule.of(task.plan)
    from luoshi.reporting.periods import span_for_key

    due = report.due if report else schedule.due(span_for_key(period.key))
    cooperators = []
    if role == TaskRole.LEAD:
        cooperators = (
            visible_reports(actor)
            .filter(task=task, period=period, is_current=True, role=TaskRole.COOPERATOR)
            .exclude(unit=unit)
            .select_related("unit")
        )
    previous = (
        visible_reports(actor)
        .filter(task=task, unit=unit, is_current=True, period__end__lt=period.start)
        .select_related("period")
        .order_by("-period__end")
        .first()
    )
    return {
        "task": task,
        "unit": unit,
        "period": period,
        "role": role,
        "due": due,
        "days_left": (due - clock.today()).days,
        "leads": [tu.unit.name for tu in task.task_units.all() if tu.role == TaskRole.LEAD],
        "cooperator_names": [tu.unit.name for tu in task.task_units.all() if tu.role == TaskRole.COOPERATOR],
        "cooperators": cooperators,
        "previous": previous,
        # where a submitted report goes next, as the plan's policy says
        "head_approval": schedule.policy.head_approval,
        "submit_to": "单位负责人审核" if schedule.policy.head_approval else "工作专班办公室审定",
    }


@never_cache
@login_required
def report(request, pk: int):
    """One report: the form while the unit may edit it, else the report with the review
    actions the viewer may take."""
    actor = actor_of(request)
    report = get_report_for(actor, pk)
    editable = can_edit_report(actor, report)
    if request.method == "POST":
        if not editable:
            raise PermissionDenied("只能修改本单位尚未提交的报告")
        return _save(request, actor, report)
    form = _form_for(report.task, report.role, initial=_initial(report)) if editable else None
    return _render_report(request, actor, report, form, editable)


def _render_report(request, actor, report, form, editable, return_form=None, status=200, correct_form=None):
    task = report.task
    context = _side_context(actor, task, report.unit, report.period, report.role, report)
    context.update(
        {
            "report": report,
            "form": form,
            "editable": editable,
            "evidence_form": EvidenceForm(),
            "return_form": return_form or ReturnForm(),
            "revise_form": ReviseForm(),
            "actions": review_actions(actor, report, head_approval=context["head_approval"]),
            "can_revise": can_revise(actor, report),
            "can_correct": can_correct(actor, report),
            "correct_form": correct_form or CorrectForm.for_report(report),
            "transitions": ReportTransition.objects.filter(report__task=task, report__unit=report.unit)
            .filter(report__period=report.period)
            .select_related("actor", "report")
            .order_by("created_at", "pk"),
            "values": report.target_values.select_related("target"),
            "evidence": report.evidence.all(),
        }
    )
    return render(request, "web/report.html", context, status=status)


def _save(request, actor, report):
    task = report.task
    form = _form_for(task, report.role, request.POST)
    if form.is_valid():
        filing = services.filing_for(task, report.unit, report.period, targets=form.targets)
        response = _write(request, actor, filing, form)
        if response:
            return response
    report.refresh_from_db()
    return _render_report(request, actor, report, form, True, status=400)


@login_required
@require_POST
def add_evidence(request, pk: int):
    actor = actor_of(request)
    report = get_report_for(actor, pk, write=True)
    form = EvidenceForm(request.POST, request.FILES)
    if not form.is_valid():
        messages.error(request, "请选择要上传的文件。")
        return redirect("web:report", pk=pk)
    upload = form.cleaned_data["file"]
    try:
        evidence = services.add_evidence(actor, report, upload.name, limits.read_upload(upload))
    except (ReportingError, limits.LimitError) as exc:
        messages.error(request, str(exc))
    else:
        note(request, "add_evidence", report, file=evidence.name, sha256=evidence.sha256)
        messages.success(request, f"已上传佐证材料：{evidence.name}")
    return redirect("web:report", pk=pk)


@login_required
def evidence_file(request, pk: int, evidence_id: int):
    """Download an evidence file of a report the user may read."""
    from django.http import FileResponse

    actor = actor_of(request)
    report = get_report_for(actor, pk)
    evidence = report.evidence.filter(pk=evidence_id).first()
    if evidence is None:
        raise Http404("没有这份佐证材料")
    return FileResponse(evidence.file.open("rb"), as_attachment=True, filename=evidence.name)


@login_required
@require_POST
def revise(request, pk: int):
    actor = actor_of(request)
    report = get_report_for(actor, pk)
    form = ReviseForm(request.POST)
    form.is_valid()
    try:
        new = revisions.revise_report(actor, report, form.cleaned_data.get("reason", ""))
    except ReportingError as exc:
        messages.error(request, str(exc))
        return redirect("web:report", pk=pk)
    note(request, "revise_report", new, reason=form.cleaned_data.get("reason", ""))
    messages.success(request, "已发起修订，请修改后重新提交。")
    return redirect("web:report", pk=new.pk)


@login_required
@require_POST
def correct(request, pk: int):
    """更正: the office corrects an accepted report; the accepted version is kept."""
    actor = actor_of(request)
    report = get_report_for(actor, pk)
    if not can_correct(actor, report):
        raise PermissionDenied("只有该攻坚的工作专班办公室可以更正已审定的报告")
    form = CorrectForm.for_report(report, request.POST)
    form.is_valid()
    fields = {name: form.cleaned_data.get(name, "") for name in form.fields if name != "reason"}
    try:
        new = revisions.correct_report(actor, report, reason=form.cleaned_data.get("reason", ""), **fields)
    except ReportingError as exc:
        form.add_error(None, str(exc))
        return _render_report(request, actor, report, None, False, status=400, correct_form=form)
    messages.success(request, f"已更正，原第{report.revision}版保留在历史中。")
    return redirect("web:report", pk=new.pk)
