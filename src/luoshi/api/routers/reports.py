"""/api/v1/reports: read the reports one may see; write through the reporting services."""

from django.http import FileResponse, Http404
from django.urls import reverse
from ninja import Router

from luoshi.plans.models import Unit
from luoshi.plans.permissions import get_task_for
from luoshi.reporting import revisions, services
from luoshi.reporting.permissions import get_report_for, visible_reports
from luoshi.reporting.services import ReportData, ReportingError

from ..schemas import CorrectionIn, ErrorOut, ReasonIn, ReportIn, ReportOut
from .common import actor, plan_of

router = Router(tags=["进度报告"])

ERRORS = {400: ErrorOut, 403: ErrorOut, 404: ErrorOut}


def report_json(report) -> dict:
    return {
        "id": report.pk,
        "task": report.task_id,
        "section": report.task.section.sid,
        "unit": report.unit.name,
        "period": report.period.key,
        "period_label": report.period.label,
        "role": report.role,
        "revision": report.revision,
        "state": report.state,
        "state_label": report.get_state_display(),
        "due": report.due,
        "progress": None if report.progress is None else float(report.progress),
        "progress_text": report.progress_text,
        "problems": report.problems,
        "next_steps": report.next_steps,
        "coordination": report.coordination,
        "return_reason": report.return_reason,
        "submitted_at": report.submitted_at,
        "target_values": {str(v.target_id): float(v.value) for v in report.target_values.all()},
        "evidence": [
            {
                "id": e.pk,
                "name": e.name,
                "size": e.size,
                "sha256": e.sha256,
                "url": reverse("api:report_evidence", args=[report.pk, e.pk]),
            }
            for e in report.evidence.all()
        ],
    }


def _one(act, pk):
    return get_report_for(act, pk)


@router.get("", response={200: list[ReportOut], 404: ErrorOut}, summary="可查看的进度报告")
def list_reports(
    request,
    plan: int | None = None,
    period: str | None = None,
    state: str | None = None,
    unit: str | None = None,
):
    act = actor(request)
    reports = visible_reports(act).filter(task__plan=plan_of(plan), is_current=True)
    if period:
        reports = reports.filter(period__key=period)
    if state:
        reports = reports.filter(state=state)
    if unit:
        reports = reports.filter(unit__name=unit)
    reports = reports.select_related("task__section", "unit", "period").prefetch_related(
        "target_values", "evidence"
    )
    return [
        report_json(r)
        for r in reports.order_by("period__start", "task__section__order", "unit__order")[:2000]
    ]


@router.get("/{report_id}", response={200: ReportOut, **ERRORS}, summary="一份进度报告")
def get_report(request, report_id: int):
    return report_json(_one(actor(request), report_id))


@router.get(
    "/{report_id}/evidence/{evidence_id}",
    response={200: None, 404: ErrorOut},
    url_name="report_evidence",
    summary="下载进度报告的一份佐证材料",
)
def report_evidence(request, report_id: int, evidence_id: int):
    report = _one(actor(request), report_id)
    evidence = report.evidence.filter(pk=evidence_id).first()
    if evidence is None:
        raise Http404("没有这个佐证材料")
    return FileResponse(evidence.file.open("rb"), as_attachment=True, filename=evidence.name)


@router.post("", response={200: ReportOut, **ERRORS}, summary="保存本单位的进度报告（草稿），可同时提交")
def save_report(request, payload: ReportIn):
    act = actor(request)
    task = get_task_for(act, payload.task)
    if not act.unit_id:
        raise ReportingError("当前用户不属于任何单位，不能填报", "unit")
    unit = Unit.objects.get(pk=act.unit_id)
    data = ReportData(
        progress=payload.progress,
        progress_text=payload.progress_text,
        problems=payload.problems,
        next_steps=payload.next_steps,
        coordination=payload.coordination,
        target_values=dict(payload.target_values),
    )
    report = services.save_draft(act, task, unit, payload.period, data)
    if payload.submit:
        report = services.submit_report(act, report)
    return report_json(get_report_for(act, report.pk))


@router.post("/{report_id}/submit", response={200: ReportOut, **ERRORS}, summary="提交")
def submit(request, report_id: int):
    act = actor(request)
    services.submit_report(act, get_report_for(act, report_id, write=True))
    return report_json(_one(act, report_id))


@router.post("/{report_id}/approve", response={200: ReportOut, **ERRORS}, summary="单位负责人审核通过")
def approve(request, report_id: int):
    act = actor(request)
    services.approve_report(act, _one(act, report_id))
    return report_json(_one(act, report_id))


@router.post("/{report_id}/accept", response={200: ReportOut, **ERRORS}, summary="专班办公室审定")
def accept(request, report_id: int):
    act = actor(request)
    services.accept_report(act, _one(act, report_id))
    return report_json(_one(act, report_id))


@router.post("/{report_id}/return", response={200: ReportOut, **ERRORS}, summary="退回（须写明原因）")
def return_report(request, report_id: int, payload: ReasonIn):
    act = actor(request)
    services.return_report(act, _one(act, report_id), payload.reason)
    return report_json(_one(act, report_id))


@router.post(
    "/{report_id}/correct",
    response={200: ReportOut, **ERRORS},
    summary="更正已审定的报告（专班办公室；保留原版本，须写明原因）",
)
def correct(request, report_id: int, payload: CorrectionIn):
    act = actor(request)
    fields = payload.model_dump(exclude_unset=True)
    reason = fields.pop("reason", "")
    new = revisions.correct_report(act, _one(act, report_id), reason=reason, **fields)
    return report_json(_one(act, new.pk))
