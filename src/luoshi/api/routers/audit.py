"""/api/v1/audit: the audit log, read only and only by those ``audit/permissions.py``
lets read it (as the admin shows it): the rows with filters, one row, and the check of
the hash chain (``luoshi audit verify``)."""

import datetime as dt

from django.http import Http404
from django.utils import timezone
from ninja import Query, Router, Schema
from pydantic import Field

from luoshi.audit.choices import AuditAction
from luoshi.audit.models import AuditLog
from luoshi.audit.permissions import check_read_audit, visible_audit
from luoshi.audit.services import verify_chain

from ..paging import CursorPage, Listing, paginate
from ..schemas import ERRORS
from .common import actor
from .kit import Id, Name

router = Router(tags=["审计日志"])


class AuditRowOut(Schema):
    sequence: int
    at: dt.datetime
    username: str
    address: str
    ip: str | None
    user_agent: str
    method: str
    path: str
    status_code: int | None
    action: str
    action_label: str
    operation: str
    object_type: str
    object_id: str
    object_repr: str
    changes: dict
    summary: dict
    organisation: int | None = Field(description="操作者所属组织的编号（校验规则 2 计入校验值）")
    hash_version: int = Field(
        description="校验规则：1 不含所属组织（早先的记录），2 含所属组织（docs/audit.md）"
    )
    prev_hash: str
    hash: str


class AuditChainOut(Schema):
    ok: bool = Field(description="链是否完整（没有被修改、删除或调换顺序的记录）")
    checked: int = Field(description="已校验的记录条数")
    last_hash: str = Field(description="最后一条完好记录的校验值（可记在库外作锚点）")
    problem: str = Field(description="第一处问题的中文说明；完整时为空")
    sequence: int | None = Field(description="出问题的记录序号")


class AuditFilters(Schema):
    action: AuditAction | None = None
    username: Name | None = None
    operation: Name | None = Field(None, description="操作名中的词，如 提交报告")
    object_type: Name | None = Field(None, description="对象类型，如 reporting.report")
    object_id: Name | None = None
    address: Name | None = Field(None, description="来源地址（IP 或 cli:用户）")
    since: dt.date | None = Field(None, description="从这一天起（含）")
    until: dt.date | None = Field(None, description="到这一天止（含）")


def row_json(row: AuditLog) -> dict:
    return {
        "sequence": row.sequence,
        "at": row.at,
        "username": row.username,
        "address": row.address,
        "ip": row.ip,
        "user_agent": row.user_agent,
        "method": row.method,
        "path": row.path,
        "status_code": row.status_code,
        "action": row.action,
        "action_label": row.get_action_display(),
        "operation": row.operation,
        "object_type": row.object_type,
        "object_id": row.object_id,
        "object_repr": row.object_repr,
        "changes": row.changes if isinstance(row.changes, dict) else {"value": row.changes},
        "summary": row.summary if isinstance(row.summary, dict) else {"value": row.summary},
        "organisation": row.organisation_id,
        "hash_version": row.hash_version,
        "prev_hash": row.prev_hash,
        "hash": row.hash,
    }


# days outside these bounds filter nothing (and stay clear of the calendar's ends)
EARLIEST, LATEST = dt.date(1900, 1, 1), dt.date(9000, 1, 1)


def _day_start(day: dt.date) -> dt.datetime:
    return dt.datetime.combine(day, dt.time.min, tzinfo=timezone.get_current_timezone())


@router.get("", response={200: list[AuditRowOut], **ERRORS}, summary="审计日志（最新在前，可筛选）")
@paginate(CursorPage)
def list_rows(request, filters: Query[AuditFilters]):
    act = actor(request)
    check_read_audit(act)
    rows = visible_audit(act)
    for name in ("action", "username", "object_type", "object_id", "address"):
        value = getattr(filters, name)
        if value:
            rows = rows.filter(**{name: value})
    if filters.operation:
        rows = rows.filter(operation__contains=filters.operation)
    if filters.since and filters.since > EARLIEST:
        rows = rows.filter(at__gte=_day_start(filters.since))
    if filters.until and filters.until < LATEST:
        rows = rows.filter(at__lt=_day_start(filters.until + dt.timedelta(days=1)))
    return Listing(rows, ("-sequence",), row_json)


@router.get(
    "/verify",
    response={200: AuditChainOut, **ERRORS},
    summary="校验审计日志的哈希链（同 luoshi audit verify）",
)
def verify(request):
    check_read_audit(actor(request))
    report = verify_chain()
    return {
        "ok": report.ok,
        "checked": report.checked,
        "last_hash": report.last_hash,
        "problem": report.problem,
        "sequence": report.row.sequence if report.row is not None else None,
    }


@router.get("/{sequence}", response={200: AuditRowOut, **ERRORS}, summary="一条审计记录（按序号）")
def get_row(request, sequence: Id):
    act = actor(request)
    check_read_audit(act)
    row = visible_audit(act).filter(sequence=sequence).first()
    if row is None:
        raise Http404(f"没有第 {sequence} 条审计记录")
    return row_json(row)
