"""方案导入: upload a plan document, review the parse, fix unit names, confirm; the
result shows what changed against the previous version."""

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.urls import reverse

from luoshi.audit.services import note
from luoshi.jobs.services import queue_plan_import
from luoshi.plans.choices import ImportState, TargetOp, UnitKind
from luoshi.plans.findings import (
    TargetRow,
    group_names,
    missing,
    name_counts,
    target_doubts,
    target_rows,
    unclear,
    unit_names,
)
from luoshi.plans.imports import (
    confirm_import,
    discard_import,
    dry_run,
    fixed_plan,
    labelled_diff,
    previous_version,
    set_groups,
    set_renames,
    set_target_fix,
    stage_import,
)
from luoshi.plans.models import Unit
from luoshi.plans.permissions import check_import_plan, get_import_for, visible_imports
from luoshi.plans.reading import check_source_size
from luoshi.plans.validation import PlanError

from ..forms import ImportUploadForm
from ..imports import tree
from .common import actor_of


def _check(request):
    check_import_plan(actor_of(request))


@login_required
def upload(request):
    _check(request)
    form = ImportUploadForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        try:
            check_source_size(upload.size, upload.name)
            if upload.size > settings.LUOSHI_IMPORT_INLINE_BYTES:
                # a large document is parsed by a job; the page follows it to the review
                job = queue_plan_import(actor_of(request), upload.name, upload.read())
                note(request, "queue_parse_plan", job, file=upload.name)
                return redirect("web:job", pk=job.pk)
            pending = stage_import(actor_of(request), upload.name, upload.read())
        except PlanError as exc:
            form.add_error("file", str(exc))
        else:
            note(request, "parse_plan", pending, file=upload.name)
            return redirect("web:import_review", pk=pending.pk)
    recent = visible_imports(actor_of(request)).select_related("plan", "created_by")[:10]
    # a refused file keeps the page, with its message, under a 4xx status
    status = 400 if form.errors else 200
    return render(request, "web/import_upload.html", {"form": form, "recent": recent}, status=status)


@login_required
def review(request, pk: int):
    _check(request)
    pending = get_import_for(actor_of(request), pk)
    if pending.state == ImportState.CONFIRMED:
        return redirect("web:import_result", pk=pk)
    if request.method == "POST":
        actor = actor_of(request)
        renames = {
            key[len("rename:") :]: value.strip()
            for key, value in request.POST.items()
            if key.startswith("rename:") and value.strip()
        }
        set_renames(actor, pending, renames)
        groups = {
            key[len("group:") :]: value for key, value in request.POST.items() if key.startswith("group:")
        }
        action = request.POST.get("action")
        if action == "discard":
            discard_import(actor, pending)
            messages.success(request, "已放弃本次导入。")
            return redirect("web:import")
        try:
            set_groups(actor, pending, groups)
        except PlanError as exc:
            messages.error(request, f"单位群体对应未保存：{exc}")
            return redirect("web:import_review", pk=pk)
        if action == "confirm":
            return _confirm(request, pending)
        messages.success(request, "单位名称和单位群体的修正已应用，请核对下方结果。")
        return redirect("web:import_review", pk=pk)
    return _review_page(request, pending)


def _review_page(request, pending, row_errors=None, status=200):
    fixed = fixed_plan(pending)
    error = ""
    result = None
    try:
        result = dry_run(
            actor_of(request), fixed, groups=pending.groups, organisation=pending.organisation_id
        )
    except PlanError as exc:
        error = str(exc)
    units = unit_names(pending.plan_data, pending.plan_data.get("warnings") or [], pending.organisation_id)
    rows = target_rows(fixed)
    if row_errors:
        for row in rows:
            if row.index == row_errors[0]:
                row.errors, row.raw = row_errors[1], row_errors[2]
    return render(
        request,
        "web/import_review.html",
        {
            "pending": pending,
            "plan_data": fixed,
            "nodes": tree(fixed),
            "units_ask": [u for u in units if not u.settled],
            "units_known": [u for u in units if u.settled],
            "groups": group_names(fixed, pending.groups or {}, pending.organisation_id),
            "registry": Unit.objects.filter(organisation_id=pending.organisation_id)
            .exclude(kind=UnitKind.GROUP)
            .order_by("order", "name")
            .values_list("name", flat=True),
            "renames": pending.renames,
            "unclear": unclear(fixed),
            "target_rows": rows,
            "doubtful": sum(1 for r in rows if r.reasons),
            "ops": TargetOp.choices,
            "missing": missing(fixed),
            "result": result,
            "diff": labelled_diff(result.diff()) if result else None,
            "error": error,
            "previous": previous_version(fixed, pending.organisation_id),
            "counts": {
                "parts": len(fixed.get("parts") or []),
                "tasks": len(fixed.get("tasks") or []),
                "targets": len(fixed.get("targets") or []),
                # every name in the clauses and the task forces (groups included), as
                # the clerk reads the plan: the seed's 44
                "units": len(name_counts(fixed)),
            },
        },
        status=status,
    )


@login_required
def target(request, pk: int, index: int):
    """Correct one target of the parse in place (subject, op, value, unit): the row comes
    back corrected, or with its errors in Chinese (HTTP 422, nothing kept)."""
    _check(request)
    pending = get_import_for(actor_of(request), pk, state=ImportState.PENDING)
    if request.method != "POST":
        return redirect("web:import_review", pk=pk)
    raw = {name: request.POST.get(name, "") for name in ("subject", "op", "value", "unit")}
    try:
        errors = set_target_fix(actor_of(request), pending, index, raw)
    except PlanError as exc:
        messages.error(request, str(exc))
        return redirect("web:import_review", pk=pk)
    if not request.htmx:
        if errors:
            return _review_page(request, pending, (index, errors, raw), status=422)
        messages.success(request, f"第 {index + 1} 个指标已更正。")
        return redirect(f"{reverse('web:import_review', args=[pk])}#targets")
    fixed = fixed_plan(pending)
    entry = fixed["targets"][index]
    row = TargetRow(
        index, entry, [] if entry.get("corrected") else target_doubts(entry), bool(entry.get("corrected"))
    )
    row.errors, row.raw = errors, raw if errors else {}
    return render(
        request,
        "web/partials/import_target_row.html",
        {"pending": pending, "row": row, "ops": TargetOp.choices, "saved": not errors},
        status=422 if errors else 200,
    )


def _confirm(request, pending):
    try:
        result = confirm_import(actor_of(request), pending)
    except PlanError as exc:
        messages.error(request, str(exc))
        return redirect("web:import_review", pk=pending.pk)
    note(
        request,
        "import_plan",
        result.plan,
        version=result.plan.version,
        renames=pending.renames,
        groups=pending.groups,
        targets=pending.target_fixes,
    )
    request.session["luoshi_plan"] = result.plan.pk
    return redirect("web:import_result", pk=pending.pk)


@login_required
def result(request, pk: int):
    _check(request)
    pending = get_import_for(actor_of(request), pk, state=ImportState.CONFIRMED)
    return render(
        request, "web/import_result.html", {"pending": pending, "diff": labelled_diff(pending.result)}
    )
