"""/api/v1/tasks: tasks with their status, filterable like the task list page."""

import datetime as dt

from django.db.models import Q
from ninja import Query, Router, Schema

from luoshi.plans.permissions import get_task_for, visible_tasks
from luoshi.reporting import board as boards
from luoshi.reporting.permissions import visible_reports

from ..schemas import ErrorOut, TaskOut, TaskPage
from .common import actor, as_of_or_today, plan_of
from .reports import report_json

router = Router(tags=["任务"])


class TaskFilters(Schema):
    plan: int | None = None
    campaign: str | None = None
    unit: str | None = None
    status: str | None = None
    cadence: str | None = None
    q: str | None = None
    as_of: dt.date | None = None
    offset: int = 0
    limit: int = 100


@router.get(
    "", response={200: TaskPage, 404: ErrorOut}, summary="任务列表（可按攻坚、单位、状态、周期、关键词筛选）"
)
def list_tasks(request, filters: Query[TaskFilters]):
    act = actor(request)
    plan = plan_of(filters.plan)
    tasks = visible_tasks(act).filter(plan=plan)
    if filters.campaign:
        tasks = tasks.filter(part__key=filters.campaign)
    if filters.unit:
        tasks = tasks.filter(task_units__unit__name=filters.unit)
    if filters.q:
        tasks = tasks.filter(
            Q(title__icontains=filters.q) | Q(text__icontains=filters.q) | Q(section__sid=filters.q)
        )
    ids = set(tasks.values_list("pk", flat=True))
    rows = [r for r in boards.status_of(plan, as_of_or_today(filters.as_of)).rows if r.task_id in ids]
    if filters.status:
        rows = [r for r in rows if r.status == filters.status]
    if filters.cadence:
        rows = [r for r in rows if r.cadence == filters.cadence]
    limit = max(1, min(filters.limit, 1000))
    offset = max(0, filters.offset)
    return {
        "count": len(rows),
        "offset": offset,
        "limit": limit,
        "items": [r.as_json() for r in rows[offset : offset + limit]],
    }


class TaskDetailOut(TaskOut):
    text: str
    reports: list[dict]


@router.get("/{task_id}", response={200: TaskDetailOut, 404: ErrorOut}, summary="任务详情与各期报送")
def task_detail(request, task_id: int, as_of: dt.date | None = None):
    act = actor(request)
    task = get_task_for(act, task_id)
    row = next(r for r in boards.status_of(task.plan, as_of_or_today(as_of)).rows if r.task_id == task.pk)
    reports = (
        visible_reports(act)
        .filter(task=task, is_current=True)
        .select_related("task__section", "unit", "period")
        .prefetch_related("target_values")
        .order_by("-period__end", "unit__order")
    )
    return {**row.as_json(), "text": task.text, "reports": [report_json(r) for r in reports]}
