"""/api/v1/tasks: tasks with their light as of a date, filterable like the task list page;
a task's detail, targets with their actual values, and milestones (施工图)."""

import datetime as dt
from typing import Annotated

from django.http import HttpResponse
from ninja import Field, FilterLookup, FilterSchema, Query, Router, Schema

from luoshi.plans.breakdown import assign_units, upper_link
from luoshi.plans.lookups import find_unit
from luoshi.plans.permissions import get_task_for, visible_tasks
from luoshi.reporting import board as boards
from luoshi.reporting.permissions import visible_reports
from luoshi.reporting.rollup import task_rollup
from luoshi.reporting.status import Status

from ..paging import CursorPage, Listing, paginate
from ..schemas import ERRORS, TaskOut
from ..versioning import tagged
from .common import actor, as_of_or_today, plan_of
from .reports import report_json

router = Router(tags=["任务"])

LAGGING = (Status.LAGGING, Status.SERIOUS)


class TaskFilters(FilterSchema):
    """What the task list page filters by; the light and the cadence are judged as of ``date``."""

    campaign: Annotated[str | None, FilterLookup("part__key")] = Field(None, description="攻坚编号，如 附件1")
    section: Annotated[str | None, FilterLookup(["section__sid", "section__sid__startswith"])] = Field(
        None, description="条目编号，或其前缀（附件1/一 列出其下各项）"
    )
    q: Annotated[str | None, FilterLookup(["title__icontains", "text__icontains", "section__sid"])] = Field(
        None, description="关键词（标题、内容或条目编号）"
    )


class TaskLight(Schema):
    """The filters judged on the status engine's rows rather than in the database."""

    plan: int | None = Field(None, description="方案编号（默认最新导入的方案的最新版本）")
    unit: str | None = Field(None, description="责任单位（名称、别名或简称）")
    status: Status | None = Field(None, description="灯色（状态）")
    lagging: bool | None = Field(None, description="true：只列滞后和严重滞后的任务；false：其余")
    cadence: str | None = Field(None, description="调度周期")
    date: dt.date | None = Field(None, description="按哪一天的状态（默认今天）")
    as_of: dt.date | None = Field(None, description="同 date（旧名）")


def task_rows(act, plan, tasks, day: dt.date):
    """The status engine's rows of these tasks as of ``day``, each with its sort key."""
    order = dict(tasks.values_list("pk", "section__order"))
    rows = [r for r in boards.status_of(plan, day).rows if r.task_id in order]
    return rows, order


@router.get(
    "",
    response={200: list[TaskOut], **ERRORS},
    summary="任务列表（分页；可按攻坚、条目、单位、灯色、滞后、周期、关键词筛选）",
)
@paginate(CursorPage)
def list_tasks(
    request,
    filters: Query[TaskFilters],
    light: Query[TaskLight],
):
    act = actor(request)
    chosen = plan_of(light.plan, actor(request))
    tasks = filters.filter(visible_tasks(act).filter(plan=chosen))
    if light.unit:
        found = find_unit(light.unit, chosen.organisation_id)
        tasks = tasks.filter(task_units__unit=found) if found else tasks.none()
    rows, order = task_rows(act, chosen, tasks.distinct(), as_of_or_today(light.date or light.as_of))
    if light.status:
        rows = [r for r in rows if r.status == light.status]
    if light.lagging is not None:
        rows = [r for r in rows if (r.status in LAGGING) == light.lagging]
    if light.cadence:
        rows = [r for r in rows if r.cadence == light.cadence]
    return Listing(rows, lambda r: (order[r.task_id], r.task_id), lambda r: r.as_json())


class TaskDetailOut(TaskOut):
    text: str
    reports: list[dict]
    milestones: list[dict]
    targets: list[dict]
    lower_parts: dict | None = Field(
        None, description="下级分解（同 GET /tasks/{task_id}/parts）；无下级分解时为空"
    )
    upper_task: int | None = Field(None, description="由上级方案分解下达时：上级任务编号")


class PartsOut(Schema):
    """An upper task's parts from the organisations below (``reporting.rollup``)."""

    task: int
    own: dict = Field(description="本级责任单位及其进度、状态（与下级分列，不相加）")
    parts: list[dict] = Field(description="各下级组织：下级任务、状态、进度、序时进度、最近报送")
    figures: list[dict] = Field(description="指标：各下级数值、合计、按周期的累计合计")
    reported: int = Field(description="已有报送的下级个数")
    unsummed: int = Field(description="未计入任何合计的下级报告个数")
    unsummed_text: str = Field(description="如：未汇总：2 个下级报告")


class AssignIn(Schema):
    leads: list[str] = Field(description="牵头单位（本级单位名录中的名称）")
    cooperators: list[str] = Field(default_factory=list, description="配合单位")


class AssignOut(Schema):
    task: int
    leads: list[str]
    cooperators: list[str]


def milestone_json(m) -> dict:
    return {
        "id": m.pk,
        "task": m.task_id,
        "title": m.title,
        "due_date": m.due_date,
        "done": m.done,
        "done_on": m.done_on,
        "order": m.order,
    }


@router.get(
    "/{task_id}", response={200: TaskDetailOut, **ERRORS}, summary="任务详情：状态、各期报送、节点、指标"
)
def task_detail(
    request, response: HttpResponse, task_id: int, date: dt.date | None = None, as_of: dt.date | None = None
):
    act = actor(request)
    task = get_task_for(act, task_id)
    day = as_of_or_today(date or as_of)
    row = next(r for r in boards.status_of(task.plan, day).rows if r.task_id == task.pk)
    reports = (
        visible_reports(act)
        .filter(task=task, is_current=True)
        .select_related("task__section", "unit", "period")
        .prefetch_related("target_values", "evidence")
        .order_by("-period__end", "unit__order")
    )
    return tagged(
        response,
        {
            **row.as_json(),
            "text": task.text,
            "reports": [report_json(r) for r in reports],
            "milestones": [milestone_json(m) for m in task.milestones.all()],
            "targets": [t.as_json() for t in boards.targets_of(task.plan, day) if t.sid == task.section.sid],
            "lower_parts": rollup.as_json() if (rollup := task_rollup(task, row, day)) else None,
            "upper_task": link.upper_id if (link := upper_link(task)) else None,
        },
    )


@router.get(
    "/{task_id}/parts",
    response={200: PartsOut, **ERRORS},
    summary="下级分解：各下级组织的进展与指标合计（不重复计算）",
)
def task_parts(
    request, response: HttpResponse, task_id: int, date: dt.date | None = None, as_of: dt.date | None = None
):
    """Each lower organisation's part of the task: its linked task's light, progress, 序时进度
    and latest report; the targets summed across organisations (cumulative by period);
    ``unsummed_text`` counts the lower reports no total takes (text only). A task without
    lower parts answers with empty lists."""
    act = actor(request)
    task = get_task_for(act, task_id)
    day = as_of_or_today(date or as_of)
    row = next(r for r in boards.status_of(task.plan, day).rows if r.task_id == task.pk)
    rollup = task_rollup(task, row, day)
    if rollup is None:
        return {
            "task": task.pk,
            "own": {},
            "parts": [],
            "figures": [],
            "reported": 0,
            "unsummed": 0,
            "unsummed_text": "",
        }
    return tagged(response, rollup.as_json())


@router.put(
    "/{task_id}/units",
    response={200: AssignOut, **ERRORS},
    summary="为上级分解下达的任务分配本级责任单位（本级综合协调组）",
)
def assign_task_units(request, task_id: int, payload: AssignIn):
    act = actor(request)
    task = get_task_for(act, task_id)
    task = assign_units(act, task, payload.leads, payload.cooperators)
    return {
        "task": task.pk,
        "leads": [u.name for u in task.leads()],
        "cooperators": [u.name for u in task.cooperators()],
    }
