"""/api/v1/supervision: 督查督办 items as the pages show them — the list with its filters,
one item's loop with the steps the user may take, 交办, 批示, 升级 and the evidence files —
through the supervision services and ``supervision/permissions.py``."""

import datetime as dt
from typing import Literal

from django.db.models import Q
from django.http import FileResponse, Http404, HttpResponse
from django.urls import reverse
from ninja import File, Form, Query, Router, Schema, Status
from ninja.files import UploadedFile
from pydantic import Field

from luoshi.core import clock, limits
from luoshi.core.evidence import EvidenceFile
from luoshi.plans.lookups import find_unit
from luoshi.plans.models import Part
from luoshi.plans.permissions import get_task_for
from luoshi.reporting.permissions import get_report_for
from luoshi.supervision import services
from luoshi.supervision.choices import OPEN_STATES, ItemState, Level, Source
from luoshi.supervision.models import SupervisionItem
from luoshi.supervision.permissions import allowed_actions, get_item_for, visible_items
from luoshi.supervision.services import SupervisionError
from luoshi.supervision.status import deadline_status, overdue_days

from ..paging import CursorPage, Listing, paginate
from ..schemas import ERRORS, WRITE_ERRORS, Strict
from ..versioning import matching, tagged
from .common import actor, plan_of
from .kit import OCTET, Id, Name, Text, file_response

router = Router(tags=["督查督办"])

StepName = Literal["accept", "feedback", "check", "close", "return"]


class ItemEvidenceOut(Schema):
    id: int
    name: str
    size: int
    sha256: str
    step: int
    uploaded_at: dt.datetime
    url: str


class ItemOut(Schema):
    id: int
    title: str
    source: str
    source_label: str
    level: str
    level_label: str
    state: str
    state_label: str
    lead_unit: str
    deadline: dt.date
    deadline_status: str
    overdue_days: int
    campaign: str | None
    task: int | None
    section: str | None
    closed_at: dt.datetime | None
    updated_at: dt.datetime


class ItemStepOut(Schema):
    id: int
    action: str
    action_label: str
    from_state: str
    to_state: str
    from_level: str
    to_level: str
    actor: str
    actor_unit: str
    at: dt.datetime
    comment: str
    evidence: list[ItemEvidenceOut]


class ItemDetailOut(ItemOut):
    content: str
    measures: str
    cooperating_units: list[str]
    report: int | None
    parent: int | None
    ledger: int | None
    ledger_number: str
    created_at: dt.datetime
    actions: list[str] = Field(description="当前用户现在可以办理的步骤（与事项页面的按钮一致）")
    steps: list[ItemStepOut]
    evidence: list[ItemEvidenceOut]


class ItemFilters(Schema):
    state: str = Field("open", max_length=20, description="open（未办结，默认）、all 或某一状态")
    level: Level | None = None
    source: Source | None = None
    overdue: bool = False
    lead_unit: Name | None = Field(None, description="牵头单位名称")
    task: Id | None = None
    q: Name | None = Field(None, description="事项或内容中的词")


class ItemCreateIn(Strict):
    content: Text
    lead_unit: Name = Field(description="牵头单位名称（或别名）")
    deadline: dt.date
    source: Source
    level: Level = Level.NORMAL
    cooperating_units: list[Name] = Field(default_factory=list, max_length=100)
    title: Name = ""
    measures: Text = ""
    task: Id | None = None
    campaign: Name | None = Field(None, description="攻坚编号（如 附件1）；给了 task 时可省略")
    plan: Id | None = Field(None, description="攻坚所属方案，默认最新方案")
    comment: Text = ""


class InstructionIn(Strict):
    """批示: exactly one of task, report, item."""

    text: Text
    task: Id | None = None
    report: Id | None = None
    item: Id | None = None
    lead_unit: Name | None = Field(None, description="默认：任务的牵头单位、报告的单位或事项的牵头单位")
    deadline: dt.date | None = Field(None, description="默认：今天起五个工作日")
    level: Level = Level.NORMAL


class ItemStepIn(Schema):
    action: StepName = Field(
        description="accept 签收、feedback 反馈、check 核查、close 销号、return 退回重办"
    )
    comment: Text = Field("", description="办理情况、核查意见或退回原因（反馈和退回必填）")


class ItemEscalateIn(Strict):
    reason: Text = ""


# ---------------------------------------------------------------- presenting


def _evidence_json(item_id: int, evidence) -> dict:
    return {
        "id": evidence.pk,
        "name": evidence.name,
        "size": evidence.size,
        "sha256": evidence.sha256,
        "step": evidence.transition_id,
        "uploaded_at": evidence.created_at,
        "url": reverse("api:supervision_evidence", args=[item_id, evidence.pk]),
    }


def item_json(item, today: dt.date) -> dict:
    return {
        "id": item.pk,
        "title": item.title,
        "source": item.source,
        "source_label": item.get_source_display(),
        "level": item.level,
        "level_label": item.get_level_display(),
        "state": item.state,
        "state_label": item.get_state_display(),
        "lead_unit": item.lead_unit.name,
        "deadline": item.deadline,
        "deadline_status": deadline_status(item, today),
        "overdue_days": overdue_days(item, today),
        "campaign": item.part.key if item.part_id else None,
        "task": item.task_id,
        "section": item.task.section.sid if item.task_id else None,
        "closed_at": item.closed_at,
        "updated_at": item.updated_at,
    }


def item_detail_json(act, item) -> dict:
    """The item as its page shows it to ``act`` (its ETag is the digest of this)."""
    item = get_item_for(act, item.pk)  # fresh, and still visible
    steps = list(item.transitions.order_by("created_at", "pk").prefetch_related("evidence"))
    files = [_evidence_json(item.pk, e) for step in steps for e in step.evidence.all()]
    return {
        **item_json(item, clock.today()),
        "content": item.content,
        "measures": item.measures,
        "cooperating_units": list(
            item.cooperating_units.order_by("order", "name").values_list("name", flat=True)
        ),
        "report": item.report_id,
        "parent": item.parent_id,
        "ledger": item.ledger_id,
        "ledger_number": item.ledger_number,
        "created_at": item.created_at,
        "actions": [str(a) for a in allowed_actions(act, item)],
        "steps": [
            {
                "id": step.pk,
                "action": step.action,
                "action_label": step.get_action_display(),
                "from_state": step.from_state,
                "to_state": step.to_state,
                "from_level": step.from_level,
                "to_level": step.to_level,
                "actor": step.actor_name,
                "actor_unit": step.actor_unit,
                "at": step.created_at,
                "comment": step.reason,
                "evidence": [_evidence_json(item.pk, e) for e in step.evidence.all()],
            }
            for step in steps
        ],
        "evidence": files,
    }


def _matching(request, act, item_id: int, *, write: bool = False):
    """The item locked and checked against If-Match, in the transaction of the write."""
    return matching(
        request,
        SupervisionItem,
        item_id,
        load=lambda: get_item_for(act, item_id, write=write),
        present=lambda item: item_detail_json(act, item),
    )


def _org_of(target) -> int:
    """The organisation of what a 批示 is about: its task's plan's, else the item's."""
    task = getattr(target, "task", None) if not hasattr(target, "plan_id") else target
    return task.plan.organisation_id if task is not None else target.lead_unit.organisation_id


def _unit(name: str | None, field: str, label: str, org_id: int | None = None):
    """The unit named, in the registry of ``org_id`` (the task's organisation; default the
    install's first)."""
    if name is None or not name.strip():
        return None
    unit = find_unit(name, org_id)
    if unit is None:
        raise SupervisionError(f"{label}：找不到单位“{name.strip()}”（请用单位名录中的名称或别名）", field)
    return unit


# ---------------------------------------------------------------- reading


@router.get(
    "",
    response={200: list[ItemOut], **ERRORS},
    summary="督办事项列表（可按状态、级别、来源、逾期、单位筛选）",
)
@paginate(CursorPage)
def list_items(request, filters: Query[ItemFilters]):
    act = actor(request)
    items = visible_items(act).select_related("task__section")
    if filters.state == "open":
        items = items.filter(state__in=OPEN_STATES)
    elif filters.state in ItemState.values:
        items = items.filter(state=filters.state)
    elif filters.state != "all":
        choices = "、".join(["open", "all", *ItemState.values])
        raise SupervisionError(f"state：状态“{filters.state}”无效，可选：{choices}", "state")
    if filters.level:
        items = items.filter(level=filters.level)
    if filters.source:
        items = items.filter(source=filters.source)
    if filters.overdue:
        items = items.filter(state__in=OPEN_STATES, deadline__lt=clock.today())
    if filters.lead_unit:
        unit = _unit(filters.lead_unit, "lead_unit", "lead_unit", act.org_id)
        items = items.filter(lead_unit=unit)
    if filters.task:
        items = items.filter(task_id=filters.task)
    if filters.q:
        items = items.filter(Q(title__icontains=filters.q) | Q(content__icontains=filters.q))
    today = clock.today()
    return Listing(items, ("deadline", "pk"), lambda item: item_json(item, today))


@router.post(
    "/instructions",
    response={201: ItemDetailOut, **ERRORS},
    summary="批示：对任务、报告或督办事项作出批示，转为督办事项",
)
def instruct(request, payload: InstructionIn, response: HttpResponse):
    act = actor(request)
    given = [name for name in ("task", "report", "item") if getattr(payload, name) is not None]
    if len(given) != 1:
        raise SupervisionError("请指定且只指定一个批示对象：task、report 或 item", "target")
    if payload.task is not None:
        target = get_task_for(act, payload.task)
    elif payload.report is not None:
        target = get_report_for(act, payload.report)
    else:
        target = get_item_for(act, payload.item)
    item = services.instruct(
        act,
        target,
        payload.text,
        lead_unit=_unit(payload.lead_unit, "lead_unit", "lead_unit", _org_of(target)),
        deadline=payload.deadline,
        level=payload.level,
    )
    return Status(201, tagged(response, item_detail_json(act, item)))


@router.get(
    "/{item_id}",
    response={200: ItemDetailOut, **ERRORS},
    summary="一个督办事项：流转记录、佐证材料、可办理的步骤",
)
def get_item(request, item_id: Id, response: HttpResponse):
    act = actor(request)
    return tagged(response, item_detail_json(act, get_item_for(act, item_id)))


@router.get(
    "/{item_id}/evidence", response={200: list[ItemEvidenceOut], **ERRORS}, summary="一个督办事项的佐证材料"
)
def list_evidence(request, item_id: Id):
    item = get_item_for(actor(request), item_id)
    return [_evidence_json(item.pk, e) for e in item.evidence.order_by("created_at", "pk")]


@router.get(
    "/{item_id}/evidence/{evidence_id}",
    response={200: None, **ERRORS},
    url_name="supervision_evidence",
    summary="下载一份佐证材料",
    openapi_extra=file_response("佐证材料文件", OCTET),
)
def download_evidence(request, item_id: Id, evidence_id: Id):
    item = get_item_for(actor(request), item_id)
    evidence = item.evidence.filter(pk=evidence_id).first()
    if evidence is None:
        raise Http404("没有这个佐证材料")
    return FileResponse(evidence.file.open("rb"), as_attachment=True, filename=evidence.name)


# ---------------------------------------------------------------- writing


@router.post("", response={201: ItemDetailOut, **ERRORS}, summary="交办督办事项")
def create_item(request, payload: ItemCreateIn, response: HttpResponse):
    act = actor(request)
    task = get_task_for(act, payload.task) if payload.task else None
    part = None
    if payload.campaign:
        plan = task.plan if task else plan_of(payload.plan, actor(request))
        part = Part.objects.filter(plan=plan, key=payload.campaign.strip()).first()
        if part is None:
            raise SupervisionError(f"campaign：方案中没有攻坚“{payload.campaign.strip()}”", "campaign")
    org_id = task.plan.organisation_id if task else (part.plan.organisation_id if part else act.org_id)
    lead = _unit(payload.lead_unit, "lead_unit", "lead_unit", org_id)
    if lead is None:
        raise SupervisionError("lead_unit：请指定牵头单位", "lead_unit")
    cooperating = [
        _unit(name, "cooperating_units", "cooperating_units", org_id) for name in payload.cooperating_units
    ]
    item = services.create_item(
        act,
        content=payload.content,
        lead_unit=lead,
        deadline=payload.deadline,
        source=payload.source,
        level=payload.level,
        cooperating_units=[u for u in cooperating if u is not None],
        title=payload.title,
        measures=payload.measures,
        task=task,
        part=part,
        comment=payload.comment,
    )
    return Status(201, tagged(response, item_detail_json(act, item)))


@router.post(
    "/{item_id}/steps",
    response={200: ItemDetailOut, **WRITE_ERRORS},
    summary="办理一步：签收（accept）、反馈（feedback）、核查（check）、销号（close）、退回重办（return），可附佐证材料",
)
def take_step(
    request,
    item_id: Id,
    response: HttpResponse,
    form: Form[ItemStepIn],
    files: File[list[UploadedFile]] = None,
):
    act = actor(request)
    get_item_for(act, item_id, write=True)
    uploads = [EvidenceFile(f.name or "未命名", limits.read_upload(f)) for f in files or []]
    with _matching(request, act, item_id, write=True) as item:
        services.take_step(act, item, form.action, form.comment, uploads)
    return tagged(response, item_detail_json(act, item))


@router.post(
    "/{item_id}/escalate",
    response={200: ItemDetailOut, **WRITE_ERRORS},
    summary="升级督办（一般 → 重点 → 挂牌督办），须写明原因",
)
def escalate(request, item_id: Id, payload: ItemEscalateIn, response: HttpResponse):
    act = actor(request)
    with _matching(request, act, item_id) as item:
        services.escalate_item(act, item, payload.reason)
    return tagged(response, item_detail_json(act, item))
