"""/api/v1/projects: major projects (重大项目) as the page shows them — the list, one
project with its history, weekly updates (每周调度), biweekly reconciliation (双周对账),
the 四比四提高 rates and the ledger workbook — through the projects services and
``projects/permissions.py``."""

import datetime as dt
from decimal import Decimal
from typing import Annotated, Literal

from django.db.models import Q
from django.http import HttpResponse
from ninja import Query, Router, Schema, Status
from pydantic import Field

from luoshi.core import clock
from luoshi.projects import figures, services
from luoshi.projects.choices import ReconField
from luoshi.projects.models import Project
from luoshi.projects.permissions import can_manage, can_update, get_project_for, visible_projects
from luoshi.projects.rates import RATE_LABELS

from ..paging import CursorPage, Listing, paginate
from ..schemas import ERRORS, WRITE_ERRORS, Strict
from ..versioning import matching, tagged
from .common import actor
from .kit import XLSX, Id, Name, Text, download, file_response

router = Router(tags=["重大项目"])

# 万元, at most 11 digits before the point: a difference of two still fits the columns (14, 2)
Money = Annotated[Decimal, Field(max_digits=13, decimal_places=2, allow_inf_nan=False)]
Percent = Annotated[Decimal, Field(max_digits=5, decimal_places=2, allow_inf_nan=False)]
WeekKey = Annotated[str, Field(pattern=r"^20\d\d-W\d{1,2}$", description="调度周，如 2025-W28")]
FortnightKey = Annotated[str, Field(pattern=r"^20\d\d-F\d{1,2}$", description="对账双周，如 2025-F14")]


class ProjectOut(Schema):
    id: int
    code: str
    name: str
    year: int
    owner_unit: str
    campaign: str | None
    task: int | None
    total_investment: float
    annual_planned_investment: float
    annual_completed_investment: float
    funds_applied: float
    funds_won: float
    funds_allocated: float
    funds_paid: float
    planned_start: dt.date | None
    planned_completion: dt.date | None
    actual_start: dt.date | None
    actual_completion: dt.date | None
    physical_progress: float
    updated_at: dt.datetime


class ProjectChangeOut(Schema):
    action: str
    action_label: str
    actor: str
    at: dt.datetime
    reason: str
    changes: dict[str, list]


class ProjectDetailOut(ProjectOut):
    can_update: bool = Field(description="当前用户能否报送每周调度")
    can_reconcile: bool = Field(description="当前用户能否录入双周对账")
    history: list[ProjectChangeOut]


class ProjectUpdateOut(Schema):
    id: int
    source: str
    source_label: str
    week: str
    reported_on: dt.date
    state: str
    state_label: str
    reporter: str | None
    progress_text: str
    problems: str
    annual_completed_investment: float
    funds_applied: float
    funds_won: float
    funds_allocated: float
    funds_paid: float
    actual_start: dt.date | None
    actual_completion: dt.date | None
    physical_progress: float


class ReconciliationLineOut(Schema):
    field: str
    label: str
    reported: float
    confirmed: float
    difference: float
    flagged: bool


class ReconciliationOut(Schema):
    id: int
    fortnight: str
    start: dt.date
    end: dt.date
    state: str
    state_label: str
    note: str
    confirmed_at: dt.datetime
    lines: list[ReconciliationLineOut]


class ProjectRatesOut(Schema):
    projects: int
    funds_applied: float
    funds_won: float
    funding_rate: float | None
    planned_starts: int
    started: int
    start_rate: float | None
    funds_allocated: float
    funds_paid: float
    payment_rate: float | None
    annual_planned_investment: float
    annual_completed_investment: float
    completion_rate: float | None
    mean_progress: float | None


class ProjectRatesReportOut(Schema):
    as_of: dt.date
    labels: dict[str, str]
    overall: ProjectRatesOut
    groups: dict[str, ProjectRatesOut] = Field(description="按 by 分组（责任单位或攻坚）的四率；未分组时为空")


class ProjectFilters(Schema):
    owner_unit: Name | None = Field(None, description="责任单位名称")
    campaign: Name | None = Field(None, description="攻坚编号，如 附件1")
    q: Name | None = Field(None, description="项目编号或名称中的词")


class ProjectUpdateIn(Strict):
    week: WeekKey
    annual_completed_investment: Money | None = None
    funds_applied: Money | None = None
    funds_won: Money | None = None
    funds_allocated: Money | None = None
    funds_paid: Money | None = None
    actual_start: dt.date | None = None
    actual_completion: dt.date | None = None
    physical_progress: Percent | None = None
    progress_text: Text = ""
    problems: Text = ""


class ReconciliationIn(Strict):
    fortnight: FortnightKey
    confirmed: dict[ReconField, Money] = Field(description="财政确认数：指标 → 万元")
    note: Text = ""


# ---------------------------------------------------------------- presenting


def _number(value) -> float | None:
    return None if value is None else float(value)


def project_json(project) -> dict:
    return {
        "id": project.pk,
        "code": project.code,
        "name": project.name,
        "year": project.year,
        "owner_unit": project.owner_unit.name,
        "campaign": project.part.key if project.part_id else None,
        "task": project.task_id,
        **{
            name: float(getattr(project, name))
            for name in (
                "total_investment",
                "annual_planned_investment",
                "annual_completed_investment",
                "funds_applied",
                "funds_won",
                "funds_allocated",
                "funds_paid",
                "physical_progress",
            )
        },
        "planned_start": project.planned_start,
        "planned_completion": project.planned_completion,
        "actual_start": project.actual_start,
        "actual_completion": project.actual_completion,
        "updated_at": project.updated_at,
    }


def project_detail_json(act, project) -> dict:
    """The project as ``act`` sees it (its ETag is the digest of this)."""
    project = get_project_for(act, project.pk)
    return {
        **project_json(project),
        "can_update": can_update(act, project),
        "can_reconcile": can_manage(act, project),
        "history": [
            {
                "action": change.action,
                "action_label": change.get_action_display(),
                "actor": change.actor_name,
                "at": change.created_at,
                "reason": change.reason,
                "changes": change.changes,
            }
            for change in project.changes.order_by("created_at", "pk")
        ],
    }


def _matching(request, act, project_id: int, *, write: bool = False):
    """The project locked and checked against If-Match, in the transaction of the write."""
    return matching(
        request,
        Project,
        project_id,
        load=lambda: get_project_for(act, project_id, write=write),
        present=lambda project: project_detail_json(act, project),
    )


def update_json(update) -> dict:
    return {
        "id": update.pk,
        "source": update.source,
        "source_label": update.get_source_display(),
        "week": update.period_key,
        "reported_on": update.reported_on,
        "state": update.state,
        "state_label": update.get_state_display(),
        "reporter": (update.reporter.get_full_name() or update.reporter.get_username())
        if update.reporter
        else None,
        "progress_text": update.progress_text,
        "problems": update.problems,
        **{
            name: float(getattr(update, name))
            for name in (
                "annual_completed_investment",
                "funds_applied",
                "funds_won",
                "funds_allocated",
                "funds_paid",
                "physical_progress",
            )
        },
        "actual_start": update.actual_start,
        "actual_completion": update.actual_completion,
    }


def reconciliation_json(recon) -> dict:
    return {
        "id": recon.pk,
        "fortnight": recon.period_key,
        "start": recon.period_start,
        "end": recon.period_end,
        "state": recon.state,
        "state_label": recon.get_state_display(),
        "note": recon.note,
        "confirmed_at": recon.confirmed_at,
        "lines": [
            {
                "field": line.field,
                "label": line.get_field_display(),
                "reported": float(line.reported),
                "confirmed": float(line.confirmed),
                "difference": float(line.difference),
                "flagged": line.flagged,
            }
            for line in recon.lines.all()
        ],
    }


def rates_json(rates) -> dict:
    return {
        name: (float(value) if isinstance(value, Decimal) else value) for name, value in vars(rates).items()
    }


# ---------------------------------------------------------------- reading


@router.get(
    "", response={200: list[ProjectOut], **ERRORS}, summary="重大项目列表（可按责任单位、攻坚、关键词筛选）"
)
@paginate(CursorPage)
def list_projects(request, filters: Query[ProjectFilters]):
    projects = visible_projects(actor(request))
    if filters.owner_unit:
        projects = projects.filter(owner_unit__name=filters.owner_unit.strip())
    if filters.campaign:
        projects = projects.filter(part__key=filters.campaign.strip())
    if filters.q:
        projects = projects.filter(Q(code__icontains=filters.q) | Q(name__icontains=filters.q))
    return Listing(projects, ("code",), project_json)


@router.get(
    "/rates",
    response={200: ProjectRatesReportOut, **ERRORS},
    summary="四比四提高：当前用户可见项目的四率（与重大项目页一致）",
)
def project_rates(request, as_of: dt.date | None = None, by: Literal["unit", "campaign"] | None = None):
    act = actor(request)
    day = as_of or clock.today()
    return {
        "as_of": day,
        "labels": RATE_LABELS,
        "overall": rates_json(figures.project_rates(act, day)),
        "groups": {name: rates_json(r) for name, r in figures.project_rates(act, day, by).items()}
        if by
        else {},
    }


@router.get(
    "/ledger.xlsx",
    response={200: None, **ERRORS},
    summary="下载重大项目台账（项目台账、四比四提高、对账差异）",
    openapi_extra=file_response("重大项目台账", XLSX),
)
def project_ledger(request):
    today = clock.today()
    return download(
        figures.project_ledger_xlsx(actor(request), today), figures.project_ledger_name(today), XLSX
    )


@router.get("/{project_id}", response={200: ProjectDetailOut, **ERRORS}, summary="一个项目：数字与变动记录")
def get_project(request, project_id: Id, response: HttpResponse):
    act = actor(request)
    return tagged(response, project_detail_json(act, get_project_for(act, project_id)))


@router.get(
    "/{project_id}/updates",
    response={200: list[ProjectUpdateOut], **ERRORS},
    summary="一个项目的调度记录（最新在前）",
)
@paginate(CursorPage)
def list_updates(request, project_id: Id):
    project = get_project_for(actor(request), project_id)
    updates = project.updates.select_related("reporter")
    return Listing(updates, ("-reported_on", "-pk"), update_json)


@router.get(
    "/{project_id}/reconciliations",
    response={200: list[ReconciliationOut], **ERRORS},
    summary="一个项目的双周对账（最新在前）",
)
@paginate(CursorPage)
def list_reconciliations(request, project_id: Id):
    project = get_project_for(actor(request), project_id)
    recons = project.reconciliations.prefetch_related("lines")
    return Listing(recons, ("-period_start", "-pk"), reconciliation_json)


# ---------------------------------------------------------------- writing


@router.post(
    "/{project_id}/updates",
    response={201: ProjectUpdateOut, **WRITE_ERRORS},
    summary="每周调度：责任单位报送本周数字（同一周再报则替换）",
)
def submit_update(request, project_id: Id, payload: ProjectUpdateIn):
    act = actor(request)
    values = payload.model_dump(exclude={"week", "progress_text", "problems"}, exclude_none=True)
    with _matching(request, act, project_id, write=True) as project:
        update = services.submit_update(
            act, project, payload.week, values, progress_text=payload.progress_text, problems=payload.problems
        )
    return Status(201, update_json(update))


@router.post(
    "/{project_id}/reconciliations",
    response={201: ReconciliationOut, **WRITE_ERRORS},
    summary="双周对账：录入财政确认数，逐项比对（综合协调组办公室）",
)
def reconcile(request, project_id: Id, payload: ReconciliationIn):
    act = actor(request)
    confirmed = {str(k): v for k, v in payload.confirmed.items()}
    with _matching(request, act, project_id) as project:
        recon = services.reconcile(act, project, payload.fortnight, confirmed, payload.note)
    return Status(201, reconciliation_json(recon))
