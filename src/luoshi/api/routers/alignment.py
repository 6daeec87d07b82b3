"""/api/v1 对标: a lower organisation's plan matched to a plan above it — the suggestions
and decisions per task (GET /plans/{id}/alignment), asking the matcher for suggestions
(POST /plans/{id}/alignment/suggest), confirming or rejecting one
(POST /task-links/{id}/confirm|reject), setting a task's counterpart by hand, or 无对应
(PUT /tasks/{id}/alignment). The rules: plans.permissions (can_see_alignment,
can_suggest_alignment, can_align)."""

from django.core.exceptions import PermissionDenied
from django.http import Http404
from ninja import Field, Router, Schema

from luoshi.plans import alignment_services as services
from luoshi.plans.models import Plan, Task, TaskLink
from luoshi.plans.permissions import can_see_alignment, get_task_for, visible_tasks

from ..schemas import ERRORS, WRITE_ERRORS, Strict
from .common import actor

plan_router = Router(tags=["对标"])
link_router = Router(tags=["对标"])
task_router = Router(tags=["对标"])


class LinkOut(Schema):
    id: int
    upper_task: int
    upper_section: str
    upper_title: str
    upper_text: str
    score: float | None
    rank: int | None
    state: str = Field(description="suggested 建议 / confirmed 已确认 / rejected 已驳回")


class AlignedTaskOut(Schema):
    task: int
    section: str
    title: str
    text: str
    state: str = Field(description="待确认 / 已确认 / 无对应")
    suggests_none: bool = Field(description="建议无对应：候选的相似度都低于阈值")
    links: list[LinkOut]


class AlignmentOut(Schema):
    lower_plan: int
    upper_plan: int | None = Field(description="上级方案；本组织的上级组织没有方案时为空")
    upper_plans: list[int] = Field(description="可对标的上级方案（近者在前）")
    tasks: list[AlignedTaskOut]


class SuggestIn(Strict):
    upper: int | None = Field(None, description="上级方案编号（默认最近一级上级组织的最新方案）")


class SuggestOut(Schema):
    lower_plan: int
    upper_plan: int
    created: int
    updated: int
    removed: int
    kept: int = Field(description="已确认、已定无对应或已分解而未改动的任务数")
    none: int = Field(description="建议无对应的任务数")


class SetIn(Strict):
    upper_plan: int = Field(description="上级方案编号")
    upper_task: int | None = Field(description="上级任务编号；null 表示无对应")


def link_json(link: TaskLink) -> dict:
    return {
        "id": link.pk,
        "upper_task": link.upper_id,
        "upper_section": link.upper.section.sid,
        "upper_title": link.upper.title,
        "upper_text": link.upper.text,
        "score": link.score,
        "rank": link.rank,
        "state": link.state,
    }


def row_json(row) -> dict:
    return {
        "task": row.task.pk,
        "section": row.task.section.sid,
        "title": row.task.title,
        "text": row.task.text,
        "state": row.state,
        "suggests_none": row.suggests_none,
        "links": [link_json(link) for link in row.links],
    }


def _lower_plan(act, plan_id: int) -> Plan:
    plan = Plan.objects.select_related("organisation").filter(pk=plan_id).first()
    if plan is None or not act.sees_org(plan.organisation.path):
        raise Http404(f"没有编号为 {plan_id} 的方案，或无权查看")
    if not can_see_alignment(act, plan):
        raise PermissionDenied("对标供综合协调组、专班办公室、领导和核查员查看")
    return plan


def _upper_plan(lower: Plan, upper_id: int | None) -> Plan:
    choices = services.upper_plans_for(lower)
    if upper_id is None:
        if not choices:
            raise services.AlignmentError(f"“{lower.organisation.name}”的上级组织还没有导入方案，无从对标")
        return choices[0]
    upper = next((p for p in choices if p.pk == upper_id), None)
    if upper is None:
        plan = Plan.objects.filter(pk=upper_id).first()
        if plan is None:
            raise services.AlignmentError(f"upper：没有编号为 {upper_id} 的方案")
        services.check_pair(lower, plan)
        raise services.AlignmentError(f"upper：方案 {upper_id} 不是上级方案的最新版本")
    return upper


@plan_router.get(
    "/{plan_id}/alignment",
    response={200: AlignmentOut, **ERRORS},
    summary="对标：本方案各项任务的上级对应任务（建议、已确认、无对应）",
)
def get_alignment(request, plan_id: int, upper: int | None = None):
    act = actor(request)
    lower = _lower_plan(act, plan_id)
    choices = services.upper_plans_for(lower)
    chosen = _upper_plan(lower, upper) if (upper is not None or choices) else None
    tasks = (
        visible_tasks(act)
        .filter(plan=lower)
        .select_related("part", "section", "plan")
        .order_by("section__order")
    )
    rows = services.alignment_rows(lower, chosen, tasks) if chosen else []
    return {
        "lower_plan": lower.pk,
        "upper_plan": chosen.pk if chosen else None,
        "upper_plans": [p.pk for p in choices],
        "tasks": [row_json(r) for r in rows],
    }


@plan_router.post(
    "/{plan_id}/alignment/suggest",
    response={200: SuggestOut, **WRITE_ERRORS},
    summary="生成对标建议（每项任务相似度前三名；已确认、已定无对应的任务不改动，重复调用不重复建议）",
)
def suggest(request, plan_id: int, payload: SuggestIn):
    act = actor(request)
    lower = _lower_plan(act, plan_id)
    result = services.suggest_alignment(act, lower, _upper_plan(lower, payload.upper))
    return {
        "lower_plan": lower.pk,
        "upper_plan": result.upper.pk,
        "created": result.created,
        "updated": result.updated,
        "removed": result.removed,
        "kept": result.kept,
        "none": result.none,
    }


def _link(act, link_id: int) -> TaskLink:
    link = (
        TaskLink.objects.select_related("lower__plan__organisation", "upper__plan", "upper__section")
        .filter(pk=link_id, lower__in=visible_tasks(act))
        .first()
    )
    if link is None or not act.sees_org(link.lower.plan.organisation.path):
        raise Http404(f"没有编号为 {link_id} 的任务关联，或无权查看")
    return link


@link_router.post(
    "/{link_id}/confirm",
    response={200: LinkOut, **WRITE_ERRORS},
    summary="确认对标（该任务对同一上级方案的其他关联改为已驳回）",
)
def confirm(request, link_id: int):
    act = actor(request)
    return link_json(services.confirm_link(act, _link(act, link_id)))


@link_router.post("/{link_id}/reject", response={200: LinkOut, **WRITE_ERRORS}, summary="驳回对标建议")
def reject(request, link_id: int):
    act = actor(request)
    return link_json(services.reject_link(act, _link(act, link_id)))


@task_router.put(
    "/{task_id}/alignment",
    response={200: AlignedTaskOut, **WRITE_ERRORS},
    summary="设定任务的上级对应任务（更正建议），或无对应（upper_task 为 null）",
)
def set_alignment(request, task_id: int, payload: SetIn):
    act = actor(request)
    task = get_task_for(act, task_id)
    if not act.sees_org(task.plan.organisation.path):
        raise Http404("没有这项任务，或无权查看")
    upper = _upper_plan(task.plan, payload.upper_plan)
    upper_task = None
    if payload.upper_task is not None:
        upper_task = Task.objects.filter(pk=payload.upper_task).select_related("plan", "section").first()
        if upper_task is None:
            raise services.AlignmentError(f"upper_task：没有编号为 {payload.upper_task} 的任务")
    services.set_link(act, task, upper, upper_task)
    (row,) = services.alignment_rows(task.plan, upper, [task])
    return row_json(row)
