"""Excel round trip for a whole unit: download the period's template, upload it filled."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from luoshi.audit.services import note
from luoshi.core import limits
from luoshi.plans.models import Unit
from luoshi.reporting.permissions import can_fill
from luoshi.reporting.services import ReportingError

from ..forms import UploadForm
from ..plans import current_plan
from .common import actor_of, attachment


def _unit_actor(request):
    actor = actor_of(request)
    if not can_fill(actor):
        raise PermissionDenied("Excel 填报供单位填报员和单位负责人使用")
    return actor, Unit.objects.get(pk=actor.unit_id)


@login_required
def template(request):
    from luoshi.reporting.excel import build_template

    actor, unit = _unit_actor(request)
    plan = current_plan(request)
    period = request.GET.get("period", "")
    try:
        data = build_template(plan, unit, period)
    except (ReportingError, ValueError) as exc:
        messages.error(request, str(exc))
        return redirect("web:fill")
    return attachment(data, f"{unit.name}-{period}-填报模板.xlsx")


@login_required
@require_POST
def upload(request):
    from luoshi.reporting.excel import UploadError, import_workbook

    actor, _unit = _unit_actor(request)
    form = UploadForm(request.POST, request.FILES)
    if not form.is_valid():
        messages.error(request, "请选择填好的 Excel 模板。")
        return redirect("web:fill")
    upload = form.cleaned_data["file"]
    try:
        data = limits.read_upload(upload)
    except limits.LimitError as exc:
        return render(
            request, "web/excel_errors.html", {"problems": [str(exc)], "name": upload.name}, status=400
        )
    try:
        result = import_workbook(actor, data, submit=bool(request.POST.get("submit")))
    except UploadError as exc:
        return render(
            request, "web/excel_errors.html", {"problems": exc.lines(), "name": upload.name}, status=400
        )
    except ReportingError as exc:
        return render(
            request, "web/excel_errors.html", {"problems": [str(exc)], "name": upload.name}, status=400
        )
    note(request, "excel_upload", result.period, file=upload.name, rows=len(result.rows))
    messages.success(request, result.summary())
    return redirect("web:fill")
