"""/api/v1/reports: read the reports one may see; write through the reporting services."""

import datetime as dt
from typing import Annotated

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import BigIntegerField, CharField, DateTimeField, DecimalField, Value
from django.http import FileResponse, Http404, HttpResponse
from django.urls import reverse
from ninja import Field, File, FilterLookup, FilterSchema, Query, Router, UploadedFile

from luoshi.accounts.permissions import unit_of
from luoshi.core import limits
from luoshi.reporting import revisions, services
from luoshi.reporting.choices import ReportState
from luoshi.reporting.models import Evidence, Report, TargetValue
from luoshi.reporting.permissions import get_report_for, visible_reports
from luoshi.reporting.services import ReportData

from ..paging import CursorPage, Listing, paginate
from ..schemas import (
    ERRORS,
    WRITE_ERRORS,
    CorrectionIn,
    EvidenceOut,
    ReasonIn,
    ReportIn,
    ReportOut,
    ReportUpdateIn,
)
from ..versioning import if_match_doc, matching, require_match, tagged
from .common import actor, plan_of

router = Router(tags=["进度报告"])


def report_json(report, values=None, evidence=None) -> dict:
    """A report as the API shows it; ``values`` (target id → value) and ``evidence`` where
    already known, else read."""
    if values is None:
        values = {v.target_id: v.value for v in report.target_values.all()}
    if evidence is None:
        evidence = report.evidence.all()
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
        "submitted_at": _utc(report.submitted_at),
        "target_values": {str(target_id): float(value) for target_id, value in values.items()},
        "evidence": [_evidence_json(report.pk, e) for e in evidence],
    }


def _utc(moment):
    """A moment in UTC, as it is read from the database: the same text (and ETag) whether
    the report was just written or read again."""
    return None if moment is None else moment.astimezone(dt.UTC)


def _one(act, pk):
    return get_report_for(act, pk)


class ReportFilters(FilterSchema):
    period: Annotated[str | None, FilterLookup("period__key")] = Field(
        None, description="周期编号，如 2025-07-1"
    )
    state: Annotated[ReportState | None, FilterLookup("state")] = Field(None, description="报告状态")
    unit: Annotated[str | None, FilterLookup("unit__name")] = Field(None, description="填报单位名称")
    task: Annotated[int | None, FilterLookup("task_id")] = Field(None, description="任务编号")


@router.get("", response={200: list[ReportOut], **ERRORS}, summary="可查看的进度报告（当前版本，分页）")
@paginate(CursorPage)
def list_reports(request, filters: Query[ReportFilters], plan: int | None = None):
    act = actor(request)
    reports = filters.filter(
        visible_reports(act).filter(task__plan=plan_of(plan, actor(request)), is_current=True)
    )
    reports = reports.select_related("task__section", "unit", "period").prefetch_related(
        "target_values", "evidence"
    )
    return Listing(reports, ("period__start", "task__section__order", "unit__order"), report_json)


@router.get("/{report_id}", response={200: ReportOut, **ERRORS}, summary="一份进度报告")
def get_report(request, response: HttpResponse, report_id: int):
    return tagged(response, report_json(_one(actor(request), report_id)))


@router.get(
    "/{report_id}/evidence/{evidence_id}",
    response={200: None, **ERRORS},
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
    if not act.unit_id:  # a coordinator, leader or verifier files nothing: a right, not a field
        raise PermissionDenied("当前用户不属于任何单位，不能填报进度报告（只有单位填报员、负责人可以填报）")
    task = services.task_for_filing(act, payload.task, payload.period)
    unit = unit_of(act)
    data = ReportData(
        progress=payload.progress,
        progress_text=payload.progress_text,
        problems=payload.problems,
        next_steps=payload.next_steps,
        coordination=payload.coordination,
        target_values=dict(payload.target_values),
    )
    report = services.file_report(
        act, services.filing_for(task, unit, payload.period), data, submit=payload.submit
    )
    if report.filed_values is not None:  # a new report: all it holds is what was just written
        return report_json(report, report.filed_values, [])
    return report_json(get_report_for(act, report.pk))


def _evidence_json(report_id: int, e) -> dict:
    return {
        "id": e.pk,
        "name": e.name,
        "size": e.size,
        "sha256": e.sha256,
        "uploaded_at": e.created_at,
        "url": reverse("api:report_evidence", args=[report_id, e.pk]),
    }


@router.get(
    "/{report_id}/evidence",
    response={200: list[EvidenceOut], **ERRORS},
    summary="一份进度报告的佐证材料（分页）",
)
@paginate(CursorPage)
def list_evidence(request, report_id: int):
    report = _one(actor(request), report_id)
    return Listing(report.evidence.all(), ("created_at",), lambda e: _evidence_json(report.pk, e))


@router.post(
    "/{report_id}/evidence",
    openapi_extra=if_match_doc(),
    response={200: EvidenceOut, **WRITE_ERRORS},
    summary="上传佐证材料（本单位尚未提交或被退回的报告；multipart 表单字段 file）",
)
def upload_evidence(request, report_id: int, file: File[UploadedFile]):
    act = actor(request)
    with matching(
        request,
        Report,
        report_id,
        load=lambda: get_report_for(act, report_id, write=True),
        present=report_json,
    ) as report:
        # the size is known before the file is read (Django keeps a large one on disk)
        kept = services.add_evidence(act, report, file.name or "", limits.read_upload(file))
    return _evidence_json(report_id, kept)


@router.patch(
    "/{report_id}",
    openapi_extra=if_match_doc(),
    response={200: ReportOut, **WRITE_ERRORS},
    summary="修改本单位的草稿或被退回的报告（只改所给的字段）",
)
def update_report(request, response: HttpResponse, report_id: int, payload: ReportUpdateIn):
    act = actor(request)
    given = payload.model_dump(exclude_unset=True)
    with matching(
        request,
        Report,
        report_id,
        load=lambda: get_report_for(act, report_id, write=True),
        present=report_json,
    ) as report:
        data = ReportData(
            progress=given.get("progress", report.progress),
            progress_text=given.get("progress_text", report.progress_text),
            problems=given.get("problems", report.problems),
            next_steps=given.get("next_steps", report.next_steps),
            coordination=given.get("coordination", report.coordination),
            target_values=dict(given.get("target_values") or {}),
        )
        services.save_draft(act, report.task, report.unit, report.period, data)
    return tagged(response, report_json(_one(act, report_id)))


def _step(request, response, report_id: int, step, *, write: bool = False) -> dict:
    """One step of the workflow on a report, checked against If-Match in one transaction."""
    act = actor(request)
    with matching(
        request,
        Report,
        report_id,
        load=lambda: get_report_for(act, report_id, write=write),
        present=report_json,
    ) as report:
        done = step(act, report)
    return tagged(response, report_json(_one(act, done.pk)))


@router.post(
    "/{report_id}/submit",
    openapi_extra=if_match_doc(),
    response={200: ReportOut, **WRITE_ERRORS},
    summary="提交",
)
def submit(request, response: HttpResponse, report_id: int):
    """Through the one submission service (``file_report``, as the page and the upload):
    the report read once with its row locked, checked against If-Match only when one is
    sent, and shown from what was written with its values and files in one more query."""
    act = actor(request)
    with transaction.atomic():
        report = services.report_for_submission(act, report_id)
        if request.headers.get("If-Match") is not None:
            require_match(request, report_json(report))
        report = services.submit_report(act, report)
    return tagged(response, report_json(report, *_values_and_evidence(report)))


def _values_and_evidence(report) -> tuple[dict, list]:
    """A report's target values (target id → value) and its evidence files, in one query."""
    null = {name: Value(None, output_field=kind) for name, kind in NULLS.items()}
    values = (
        TargetValue.objects.filter(report=report)
        .order_by()
        .values_list(
            Value("v"), "target_id", "value", null["name"], null["sha256"], null["size"], null["created_at"]
        )
    )
    files = (
        Evidence.objects.filter(report=report)
        .order_by()
        .values_list(Value("e"), "pk", null["value"], "name", "sha256", "size", "created_at")
    )
    found: dict = {}
    evidence = []
    for kind, number, value, name, sha256, size, created_at in values.union(files, all=True):
        if kind == "v":
            found[number] = value
        else:
            evidence.append(
                Evidence(pk=number, report=report, name=name, sha256=sha256, size=size, created_at=created_at)
            )
    evidence.sort(key=lambda e: (e.created_at, e.pk))
    return found, evidence


NULLS = {
    "name": CharField(),
    "sha256": CharField(),
    "size": BigIntegerField(),
    "created_at": DateTimeField(),
    "value": DecimalField(max_digits=20, decimal_places=4),
}


@router.post(
    "/{report_id}/approve",
    openapi_extra=if_match_doc(),
    response={200: ReportOut, **WRITE_ERRORS},
    summary="单位负责人审核通过",
)
def approve(request, response: HttpResponse, report_id: int):
    return _step(request, response, report_id, services.approve_report)


@router.post(
    "/{report_id}/accept",
    openapi_extra=if_match_doc(),
    response={200: ReportOut, **WRITE_ERRORS},
    summary="专班办公室审定",
)
def accept(request, response: HttpResponse, report_id: int):
    return _step(request, response, report_id, services.accept_report)


@router.post(
    "/{report_id}/return",
    openapi_extra=if_match_doc(),
    response={200: ReportOut, **WRITE_ERRORS},
    summary="退回（须写明原因）",
)
def return_report(request, response: HttpResponse, report_id: int, payload: ReasonIn):
    return _step(request, response, report_id, lambda act, r: services.return_report(act, r, payload.reason))


@router.post(
    "/{report_id}/correct",
    openapi_extra=if_match_doc(),
    response={200: ReportOut, **WRITE_ERRORS},
    summary="更正已审定的报告（专班办公室；保留原版本，须写明原因）",
)
def correct(request, response: HttpResponse, report_id: int, payload: CorrectionIn):
    fields = payload.model_dump(exclude_unset=True)
    reason = fields.pop("reason", "")
    return _step(
        request,
        response,
        report_id,
        lambda act, r: revisions.correct_report(act, r, reason=reason, **fields),
    )


@router.post(
    "/{report_id}/revise",
    openapi_extra=if_match_doc(),
    response={200: ReportOut, **WRITE_ERRORS},
    summary="修订已审定的报告（本单位；新开一版草稿，须写明原因）",
)
def revise(request, response: HttpResponse, report_id: int, payload: ReasonIn):
    return _step(request, response, report_id, lambda act, r: revisions.revise_report(act, r, payload.reason))
