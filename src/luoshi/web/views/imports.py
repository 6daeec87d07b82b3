"""方案导入: upload a plan document, review the parse, fix unit names, confirm; the
result shows what changed against the previous version."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import get_object_or_404, redirect, render

from luoshi.audit.services import note
from luoshi.plans.choices import ImportState
from luoshi.plans.imports import (
    apply_renames,
    confirm_import,
    discard_import,
    dry_run,
    previous_version,
    set_renames,
    stage_import,
    unclear,
    unit_names,
)
from luoshi.plans.models import PendingImport, Unit
from luoshi.plans.permissions import check_import_plan
from luoshi.plans.services import MAX_SOURCE_BYTES
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
        if upload.size > MAX_SOURCE_BYTES:
            form.add_error("file", f"文件超过 {MAX_SOURCE_BYTES // 1024 // 1024} MB")
        else:
            try:
                pending = stage_import(actor_of(request), upload.name, upload.read())
            except PlanError as exc:
                form.add_error("file", str(exc))
            else:
                note(request, "parse_plan", pending, file=upload.name)
                return redirect("web:import_review", pk=pending.pk)
    recent = PendingImport.objects.select_related("plan", "created_by")[:10]
    return render(request, "web/import_upload.html", {"form": form, "recent": recent})


@login_required
def review(request, pk: int):
    _check(request)
    pending = get_object_or_404(PendingImport, pk=pk)
    if pending.state == ImportState.CONFIRMED:
        return redirect("web:import_result", pk=pk)
    if request.method == "POST":
        renames = {
            key[len("rename:") :]: value.strip()
            for key, value in request.POST.items()
            if key.startswith("rename:") and value.strip()
        }
        set_renames(actor_of(request), pending, renames)
        action = request.POST.get("action")
        if action == "discard":
            discard_import(actor_of(request), pending)
            messages.success(request, "已放弃本次导入。")
            return redirect("web:import")
        if action == "confirm":
            return _confirm(request, pending)
        messages.success(request, "单位名称修正已应用，请核对下方结果。")
        return redirect("web:import_review", pk=pk)
    fixed = apply_renames(pending.plan_data, pending.renames)
    error = ""
    result = None
    try:
        result = dry_run(actor_of(request), fixed)
    except PlanError as exc:
        error = str(exc)
    nodes = tree(fixed)
    return render(
        request,
        "web/import_review.html",
        {
            "pending": pending,
            "plan_data": fixed,
            "nodes": nodes,
            "units": unit_names(pending.plan_data, pending.plan_data.get("warnings") or []),
            "registry": Unit.objects.order_by("order", "name").values_list("name", flat=True),
            "renames": pending.renames,
            "unclear": unclear(fixed),
            "result": result,
            "error": error,
            "previous": previous_version(fixed),
            "counts": {
                "parts": len(fixed.get("parts") or []),
                "tasks": len(fixed.get("tasks") or []),
                "targets": len(fixed.get("targets") or []),
                "units": len(
                    {
                        n
                        for t in fixed.get("tasks") or []
                        for n in t.get("leads", []) + t.get("cooperators", [])
                    }
                ),
            },
        },
    )


def _confirm(request, pending):
    try:
        result = confirm_import(actor_of(request), pending)
    except PlanError as exc:
        messages.error(request, str(exc))
        return redirect("web:import_review", pk=pending.pk)
    note(request, "import_plan", result.plan, version=result.plan.version, renames=pending.renames)
    request.session["luoshi_plan"] = result.plan.pk
    return redirect("web:import_result", pk=pending.pk)


@login_required
def result(request, pk: int):
    _check(request)
    pending = get_object_or_404(PendingImport, pk=pk, state=ImportState.CONFIRMED)
    return render(request, "web/import_result.html", {"pending": pending, "diff": pending.result})
