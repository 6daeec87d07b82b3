"""/api/v1/bulletins: 通报 as the page offers them — the list, drafting a 月通报 (and a
季讲评), editing and issuing a draft, its Word file, the 旬调度 and 季讲评 files, the
讲评 weights — and the check of a file against the issued ones (``luoshi bulletin verify``),
through the bulletins services and ``bulletins/permissions.py``."""

import datetime as dt
from typing import Annotated, Literal

from django.core.exceptions import PermissionDenied
from django.http import HttpResponse
from django.urls import reverse
from ninja import File, Query, Router, Schema, Status
from ninja.files import UploadedFile
from pydantic import Field

from luoshi.bulletins import documents, services
from luoshi.bulletins.choices import Kind, State
from luoshi.bulletins.lookups import BulletinError, review_weights
from luoshi.bulletins.models import Bulletin
from luoshi.bulletins.permissions import (
    can_issue,
    can_read_bulletins,
    can_set_weights,
    get_bulletin_for,
    visible_bulletins,
)
from luoshi.core import limits

from ..paging import CursorPage, Listing, paginate
from ..schemas import ERRORS, WRITE_ERRORS, Strict
from ..versioning import matching, tagged
from .common import actor, plan_of
from .kit import DOCX, XLSX, Id, Name, Text, download, file_response

router = Router(tags=["通报"])

Month = Annotated[str, Field(pattern=r"^20\d\d-(0?[1-9]|1[0-2])$", description="月份，如 2025-06")]
Quarter = Annotated[str, Field(pattern=r"^20\d\dQ[1-4]$", description="季度，如 2025Q2")]
PeriodKey = Annotated[
    str, Field(pattern=r"^20\d\d-\d{1,2}-[1-3]$", description="旬，如 2025-07-1（7月上旬）")
]
Title = Name
Format = Literal["docx", "xlsx"]

EITHER_FILE = {
    "responses": {
        200: {
            "description": "Word（format=docx）或 Excel（format=xlsx）文件",
            "content": {
                DOCX: {"schema": {"type": "string", "format": "binary"}},
                XLSX: {"schema": {"type": "string", "format": "binary"}},
            },
        }
    }
}


class BulletinOut(Schema):
    id: int
    plan: int
    campaign: str | None
    kind: str
    kind_label: str
    state: str
    state_label: str
    period: str
    month: dt.date
    as_of: dt.date
    year: int
    number: int | None
    title: str
    corrects: int | None
    issued_at: dt.datetime | None
    sha256: str
    content_hash: str
    file_url: str
    updated_at: dt.datetime


class BulletinStepOut(Schema):
    action: str
    action_label: str
    from_state: str
    to_state: str
    actor: str
    at: dt.datetime
    note: str


class BulletinDetailOut(BulletinOut):
    overview: str
    campaigns_text: str
    lagging_text: str
    next_steps: str
    data: dict
    can_edit: bool = Field(description="当前用户能否修改、印发（草稿且有权）")
    steps: list[BulletinStepOut]


class BulletinFilters(Schema):
    kind: Kind | None = None
    state: State | None = None
    campaign: Name | None = Field(None, description="攻坚编号，如 附件1；plan-wide 只列全方案的")
    month: Month | None = None


class BulletinCreateIn(Strict):
    month: Month
    campaign: Name | None = Field(None, description="只通报一个攻坚：编号或标题中的词；不填为全方案")
    plan: Id | None = Field(None, description="默认最新方案")


class ReviewCreateIn(Strict):
    quarter: Quarter
    plan: Id | None = None


class BulletinEditIn(Strict):
    title: Title | None = None
    overview: Text | None = None
    campaigns_text: Text | None = None
    lagging_text: Text | None = None
    next_steps: Text | None = None


class BulletinIssueIn(Strict):
    next_steps: Text | None = Field(None, description="与页面一致：印发前一并保存的下步工作要求")


class BulletinRefreshIn(Strict):
    rewrite_text: bool = Field(False, description="按新数字重写文字（会覆盖已修改的文字）")


class BulletinCorrectIn(Strict):
    reason: Text = ""


class ReviewWeightsIn(Strict):
    timeliness: int = Field(ge=0, le=100)
    progress: int = Field(ge=0, le=100)
    targets: int = Field(ge=0, le=100)
    supervision: int = Field(ge=0, le=100)


class ReviewWeightsOut(Schema):
    plan: int
    timeliness: int
    progress: int
    targets: int
    supervision: int
    can_set: bool


class BulletinVerifyOut(Schema):
    genuine: bool = Field(description="是否为本系统印发的原件")
    message: str


# ---------------------------------------------------------------- presenting


def bulletin_json(bulletin) -> dict:
    return {
        "id": bulletin.pk,
        "plan": bulletin.plan_id,
        "campaign": bulletin.campaign.key if bulletin.campaign_id else None,
        "kind": bulletin.kind,
        "kind_label": bulletin.get_kind_display(),
        "state": bulletin.state,
        "state_label": bulletin.get_state_display(),
        "period": bulletin.period_key,
        "month": bulletin.month,
        "as_of": bulletin.as_of,
        "year": bulletin.year,
        "number": bulletin.number,
        "title": bulletin.title,
        "corrects": bulletin.corrects_id,
        "issued_at": bulletin.issued_at,
        "sha256": bulletin.sha256,
        "content_hash": bulletin.content_hash,
        "file_url": reverse("api:bulletin_file", args=[bulletin.pk]),
        "updated_at": bulletin.updated_at,
    }


def detail_json(act, bulletin) -> dict:
    """The bulletin as ``act`` sees it (its ETag is the digest of this)."""
    bulletin = get_bulletin_for(act, bulletin.pk)
    return {
        **bulletin_json(bulletin),
        "overview": bulletin.overview,
        "campaigns_text": bulletin.campaigns_text,
        "lagging_text": bulletin.lagging_text,
        "next_steps": bulletin.next_steps,
        "data": bulletin.data,
        "can_edit": can_issue(act, bulletin),
        "steps": [
            {
                "action": step.action,
                "action_label": step.get_action_display(),
                "from_state": step.from_state,
                "to_state": step.to_state,
                "actor": step.actor_name,
                "at": step.created_at,
                "note": step.reason,
            }
            for step in bulletin.transitions.order_by("created_at", "pk")
        ],
    }


def _matching(request, act, bulletin_id: int):
    """The bulletin locked and checked against If-Match, in the transaction of the write."""
    return matching(
        request,
        Bulletin,
        bulletin_id,
        load=lambda: get_bulletin_for(act, bulletin_id, write=True),
        present=lambda bulletin: detail_json(act, bulletin),
    )


def _readers_only(act) -> None:
    if not can_read_bulletins(act):
        raise PermissionDenied("通报供综合协调组、专班办公室和领导查看")


def _document(make, *args) -> bytes:
    """A 旬调度 or 季讲评 file; a period its calendar does not know is bad input (400)."""
    try:
        return make(*args)
    except BulletinError:
        raise
    except ValueError as exc:
        raise BulletinError(str(exc), "period") from None


# ---------------------------------------------------------------- reading


@router.get(
    "", response={200: list[BulletinOut], **ERRORS}, summary="通报列表（综合协调组、专班办公室、领导）"
)
@paginate(CursorPage)
def list_bulletins(request, filters: Query[BulletinFilters]):
    act = actor(request)
    _readers_only(act)
    bulletins = visible_bulletins(act)
    if filters.kind:
        bulletins = bulletins.filter(kind=filters.kind)
    if filters.state:
        bulletins = bulletins.filter(state=filters.state)
    if filters.campaign == "plan-wide":
        bulletins = bulletins.filter(campaign__isnull=True)
    elif filters.campaign:
        bulletins = bulletins.filter(campaign__key=filters.campaign.strip())
    if filters.month:
        year, month = filters.month.split("-")
        bulletins = bulletins.filter(month=dt.date(int(year), int(month), 1))
    return Listing(bulletins, ("-month", "-pk"), bulletin_json)


@router.get(
    "/dispatch",
    response={200: None, **ERRORS},
    summary="旬调度表（Excel）或一页纸摘要（Word）",
    openapi_extra=EITHER_FILE,
)
def dispatch_file(
    request, period: PeriodKey, format: Format = "xlsx", campaign: Name | None = None, plan: Id | None = None
):
    act = actor(request)
    chosen = plan_of(plan, actor(request))
    make = documents.dispatch_xlsx if format == "xlsx" else documents.dispatch_docx
    content = _document(make, act, chosen, period, campaign or None)
    return download(content, f"旬调度表-{period}.{format}", XLSX if format == "xlsx" else DOCX)


@router.get(
    "/review",
    response={200: None, **ERRORS},
    summary="季讲评（Word 或 Excel），按当前权重计分排名",
    openapi_extra=EITHER_FILE,
)
def review_file(request, quarter: Quarter, format: Format = "docx", plan: Id | None = None):
    act = actor(request)
    chosen = plan_of(plan, actor(request))
    make = documents.review_docx if format == "docx" else documents.review_xlsx
    content = _document(make, act, chosen, quarter)
    return download(content, f"季讲评-{quarter}.{format}", DOCX if format == "docx" else XLSX)


@router.get("/review-weights", response={200: ReviewWeightsOut, **ERRORS}, summary="季讲评的四项权重")
def get_weights(request, plan: Id | None = None):
    act = actor(request)
    _readers_only(act)
    chosen = plan_of(plan, actor(request))
    weights = review_weights(chosen)
    return _weights_json(act, chosen, weights)


def _weights_json(act, plan, weights) -> dict:
    return {
        "plan": plan.pk,
        "timeliness": weights.timeliness,
        "progress": weights.progress,
        "targets": weights.targets,
        "supervision": weights.supervision,
        "can_set": can_set_weights(act),
    }


@router.put(
    "/review-weights",
    response={200: ReviewWeightsOut, **ERRORS},
    summary="设置季讲评权重（综合协调组；四项之和为 100）",
)
def set_weights(request, payload: ReviewWeightsIn, plan: Id | None = None):
    act = actor(request)
    chosen = plan_of(plan, actor(request))
    weights = services.set_review_weights(act, chosen, **payload.model_dump())
    return _weights_json(act, chosen, weights)


@router.post(
    "/verify",
    response={200: BulletinVerifyOut, **ERRORS},
    summary="核验一份 Word 文件是否为印发的原件（同 luoshi bulletin verify；只在本人可查看的通报中核验）",
)
def verify(request, file: File[UploadedFile]):
    act = actor(request)
    if not can_read_bulletins(act):
        raise PermissionDenied("只有综合协调组、领导和工作专班办公室可以核验通报")
    genuine, message = documents.verify_file(limits.read_upload(file), visible_bulletins(act))
    return {"genuine": genuine, "message": message}


@router.post("/reviews", response={201: BulletinDetailOut, **ERRORS}, summary="生成季讲评草稿（全方案）")
def create_review(request, payload: ReviewCreateIn, response: HttpResponse):
    act = actor(request)
    bulletin = services.create_review_bulletin(act, plan_of(payload.plan, actor(request)), payload.quarter)
    return Status(201, tagged(response, detail_json(act, bulletin)))


@router.get(
    "/{bulletin_id}",
    response={200: BulletinDetailOut, **ERRORS},
    summary="一份通报：文字、统计数字、流转记录",
)
def get_bulletin(request, bulletin_id: Id, response: HttpResponse):
    act = actor(request)
    return tagged(response, detail_json(act, get_bulletin_for(act, bulletin_id)))


@router.get(
    "/{bulletin_id}/file",
    response={200: None, **ERRORS},
    url_name="bulletin_file",
    summary="通报的 Word 文件（已印发的为存档原件，草稿为预览）",
    openapi_extra=file_response("通报 Word 文件", DOCX),
)
def bulletin_file(request, bulletin_id: Id):
    act = actor(request)
    bulletin = get_bulletin_for(act, bulletin_id)
    return download(documents.bulletin_file(act, bulletin), f"{bulletin.title}.docx", DOCX)


# ---------------------------------------------------------------- writing


@router.post("", response={201: BulletinDetailOut, **ERRORS}, summary="生成月通报草稿（全方案或一个攻坚）")
def create_bulletin(request, payload: BulletinCreateIn, response: HttpResponse):
    act = actor(request)
    chosen = plan_of(payload.plan, actor(request))
    bulletin = services.create_bulletin(act, chosen, payload.month, payload.campaign or None)
    return Status(201, tagged(response, detail_json(act, bulletin)))


@router.patch(
    "/{bulletin_id}",
    response={200: BulletinDetailOut, **WRITE_ERRORS},
    summary="修改草稿的标题和文字（已印发的不能再改）",
)
def edit_bulletin(request, bulletin_id: Id, payload: BulletinEditIn, response: HttpResponse):
    act = actor(request)
    with _matching(request, act, bulletin_id) as bulletin:
        services.edit_bulletin(act, bulletin, **payload.model_dump(exclude_none=True))
    return tagged(response, detail_json(act, bulletin))


@router.post(
    "/{bulletin_id}/issue",
    response={200: BulletinDetailOut, **WRITE_ERRORS},
    summary="印发：编期号、生成并存档 Word 文件，此后不再改变",
)
def issue_bulletin(request, bulletin_id: Id, payload: BulletinIssueIn, response: HttpResponse):
    act = actor(request)
    with _matching(request, act, bulletin_id) as bulletin:
        if payload.next_steps is not None and payload.next_steps != bulletin.next_steps:
            bulletin = services.edit_bulletin(act, bulletin, next_steps=payload.next_steps)
        services.issue_bulletin(act, bulletin)
    return tagged(response, detail_json(act, bulletin))


@router.post(
    "/{bulletin_id}/refresh",
    response={200: BulletinDetailOut, **WRITE_ERRORS},
    summary="重新统计草稿的数字（已修改的文字保留，除非 rewrite_text）",
)
def refresh_bulletin(request, bulletin_id: Id, payload: BulletinRefreshIn, response: HttpResponse):
    act = actor(request)
    with _matching(request, act, bulletin_id) as bulletin:
        services.refresh_bulletin(act, bulletin, rewrite_text=payload.rewrite_text)
    return tagged(response, detail_json(act, bulletin))


@router.post(
    "/{bulletin_id}/correct",
    response={201: BulletinDetailOut, **ERRORS},
    summary="对已印发的通报发起更正：新草稿，重新统计，复制文字",
)
def correct_bulletin(request, bulletin_id: Id, payload: BulletinCorrectIn, response: HttpResponse):
    act = actor(request)
    issued = get_bulletin_for(act, bulletin_id, write=True)
    draft = services.correct_bulletin(act, issued, reason=payload.reason)
    return Status(201, tagged(response, detail_json(act, draft)))
