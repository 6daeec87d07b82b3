"""/api/v1/imports: 方案导入 through the API, the same steps and services as the page —
upload (parse and keep for review), the review with its dry run, the clerk's fixes (unit
names, group phrases, targets), then confirm or discard. ``dry_run`` on upload parses and
shows what importing would do without keeping anything. Only who may import plans
(plans.permissions.check_import_plan): the coordinator."""

from django.db import transaction
from ninja import Field, File, Form, Router, UploadedFile

from luoshi.core import limits
from luoshi.plans.choices import ImportState
from luoshi.plans.findings import group_names, missing, target_rows, unclear, unit_names
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
from luoshi.plans.models import PendingImport
from luoshi.plans.permissions import check_import_plan, get_import_for, visible_imports
from luoshi.plans.reading import plan_from_bytes
from luoshi.plans.services import import_org_id
from luoshi.plans.validation import PlanError

from ..paging import CursorPage, Listing, paginate
from ..schemas import ERRORS, WRITE_ERRORS, ImportListOut, ImportOut, Strict
from .common import actor

router = Router(tags=["方案导入"])


def _result_json(result) -> dict:
    return {
        "plan": result.plan.pk,
        "version": result.plan.version,
        "created": result.created,
        "diff": labelled_diff(result.diff()),
    }


def review_json(act, plan_data: dict, groups: dict, pending: PendingImport | None = None) -> dict:
    """What the review page shows: counts, unit names to settle, group phrases, doubtful
    targets, what was not found, and the dry run against the current version."""
    error, result = "", None
    org_id = pending.organisation_id if pending else import_org_id(act)
    try:
        result = dry_run(act, plan_data, groups=groups, organisation=org_id)
    except PlanError as exc:
        error = str(exc)
    previous = previous_version(plan_data, org_id)
    units = unit_names(plan_data, plan_data.get("warnings") or [], org_id)
    gone = missing(plan_data)
    return {
        "id": pending.pk if pending else None,
        "source_name": pending.source_name if pending else "",
        "state": pending.state if pending else "dry_run",
        "title": plan_data.get("title") or "",
        "previous_version": previous.version if previous else None,
        "counts": {
            "parts": len(plan_data.get("parts") or []),
            "tasks": len(plan_data.get("tasks") or []),
            "targets": len(plan_data.get("targets") or []),
        },
        "units_to_check": [
            {"name": u.name, "tasks": u.tasks, "match": u.match, "how": u.how, "suspicious": u.suspicious}
            for u in units
            if not u.settled
        ],
        "groups": [
            {"name": g.name, "tasks": g.tasks, "units": g.units, "how": g.how}
            for g in group_names(plan_data, groups, org_id)
        ],
        "doubtful_targets": [
            {"index": r.index, "target": r.target, "reasons": r.reasons}
            for r in target_rows(plan_data)
            if r.reasons
        ],
        "unclear": unclear(plan_data),
        "missing": {
            "tasks": gone.tasks,
            "figures": [list(f) for f in gone.figures],
            "task_forces": gone.task_forces,
        },
        "renames": dict(pending.renames or {}) if pending else {},
        "dry_run": None if result is None else _result_json(result),
        "error": error,
    }


def _pending(act, import_id: int) -> PendingImport:
    check_import_plan(act)
    return get_import_for(act, import_id)


def _open(act, import_id: int) -> PendingImport:
    pending = _pending(act, import_id)
    if pending.state != ImportState.PENDING:
        raise PlanError(f"这次导入已{pending.get_state_display()}，不能再修改")
    return pending


def _review(act, pending: PendingImport) -> dict:
    if pending.state == ImportState.CONFIRMED:
        return {
            **review_json(act, fixed_plan(pending), pending.groups or {}, pending),
            "dry_run": None,
            "result": labelled_diff(pending.result),
        }
    return review_json(act, fixed_plan(pending), pending.groups or {}, pending)


@router.get("", response={200: list[ImportListOut], **ERRORS}, summary="最近的方案导入（新的在前；分页）")
@paginate(CursorPage)
def list_imports(request):
    act = actor(request)
    check_import_plan(act)
    imports = visible_imports(act).select_related("plan")
    return Listing(
        imports,
        ("-created_at",),
        lambda p: {
            "id": p.pk,
            "source_name": p.source_name,
            "state": p.state,
            "state_label": p.get_state_display(),
            "created_at": p.created_at,
            "plan": p.plan_id,
            "version": p.plan.version if p.plan else None,
        },
    )


@router.post(
    "",
    response={200: ImportOut, **WRITE_ERRORS},
    summary="上传方案文件（.docx/.pdf/.txt/.html 或方案 JSON；multipart 字段 file）；dry_run=true 只看导入会带来什么，不保存",
)
def upload(request, file: File[UploadedFile], dry_run: Form[bool] = False):
    act = actor(request)
    check_import_plan(act)
    name, data = file.name or "plan", limits.read_upload(file)
    if dry_run:
        return review_json(act, plan_from_bytes(data, name), {})
    return _review(act, stage_import(act, name, data))


@router.get(
    "/{import_id}", response={200: ImportOut, **ERRORS}, summary="待确认的导入：核对内容与试导入的结果"
)
def review(request, import_id: int):
    act = actor(request)
    return _review(act, _pending(act, import_id))


class TargetFixIn(Strict):
    subject: str
    op: str = Field(description=">=、>、<=、<、=")
    value: str
    unit: str = ""


class FixesIn(Strict):
    renames: dict[str, str] | None = Field(None, description="方案中的单位名称 → 名录中的单位名称")
    groups: dict[str, str] | None = Field(
        None, description="单位群体 → 对应单位（用“、”分隔；空为不承担报送）"
    )
    targets: dict[int, TargetFixIn] | None = Field(None, description="指标序号（从 0 起）→ 更正后的指标")


@router.post(
    "/{import_id}/fixes",
    response={200: ImportOut, **WRITE_ERRORS},
    summary="更正单位名称、单位群体对应和指标，再看试导入结果",
)
def fix(request, import_id: int, payload: FixesIn):
    act = actor(request)
    with transaction.atomic():
        pending = _open(act, import_id)
        if payload.renames is not None:
            set_renames(act, pending, {**(pending.renames or {}), **payload.renames})
        if payload.groups is not None:
            set_groups(act, pending, payload.groups)
        for index, target in (payload.targets or {}).items():
            errors = set_target_fix(act, pending, index, target.model_dump())
            if errors:
                raise PlanError(f"第 {index + 1} 个指标：" + "；".join(errors.values()))
    return _review(act, pending)


class ConfirmIn(Strict):
    dry_run: bool = Field(False, description="true：只看导入会带来什么，不导入")


@router.post(
    "/{import_id}/confirm",
    response={200: ImportOut, **WRITE_ERRORS},
    summary="确认导入（带更正）；dry_run=true 只试导入",
)
def confirm(request, import_id: int, payload: ConfirmIn):
    act = actor(request)
    pending = _open(act, import_id)
    if payload.dry_run:
        return _review(act, pending)
    confirm_import(act, pending)
    return _review(act, pending)


@router.post("/{import_id}/discard", response={200: ImportOut, **WRITE_ERRORS}, summary="放弃这次导入")
def discard(request, import_id: int):
    act = actor(request)
    pending = _open(act, import_id)
    discard_import(act, pending)
    return _review(act, pending)
