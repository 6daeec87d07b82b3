"""/api/v1/milestones and /api/v1/tasks/{id}/milestones: a task's dated steps (施工图),
laid out by whoever may plan the task (reporting.permissions.can_plan_task)."""

import datetime as dt

from django.http import Http404, HttpResponse
from ninja import Field, Router

from luoshi.plans.permissions import get_task_for
from luoshi.reporting import milestones as services
from luoshi.reporting.models import Milestone

from ..paging import CursorPage, Listing, paginate
from ..schemas import ERRORS, WRITE_ERRORS, MilestoneOut, Strict
from ..versioning import if_match_doc, matching, tagged
from .common import actor
from .tasks import milestone_json

router = Router(tags=["任务节点"])
task_router = Router(tags=["任务节点"])


class MilestoneIn(Strict):
    title: str = Field(description="节点名称")
    due_date: dt.date = Field(description="计划完成日期（不晚于任务完成时限）")


class MilestoneChangeIn(Strict):
    title: str | None = None
    due_date: dt.date | None = None


class ReverseScheduleIn(Strict):
    titles: list[str] = Field(description="节点名称，依次排到完成时限（倒排工期）；替换尚未完成的节点")


class CompleteIn(Strict):
    done_on: dt.date | None = Field(None, description="实际完成日期（默认今天）")


@task_router.get(
    "/{task_id}/milestones", response={200: list[MilestoneOut], **ERRORS}, summary="任务的节点（分页）"
)
@paginate(CursorPage)
def list_milestones(request, task_id: int):
    task = get_task_for(actor(request), task_id)
    return Listing(task.milestones.all(), ("due_date", "order"), milestone_json)


@task_router.post("/{task_id}/milestones", response={200: MilestoneOut, **WRITE_ERRORS}, summary="新增节点")
def add_milestone(request, response: HttpResponse, task_id: int, payload: MilestoneIn):
    act = actor(request)
    milestone = services.add_milestone(act, get_task_for(act, task_id), payload.title, payload.due_date)
    return tagged(response, milestone_json(milestone))


@task_router.post(
    "/{task_id}/milestones/reverse-schedule",
    response={200: list[MilestoneOut], **WRITE_ERRORS},
    summary="倒排工期：按所列节点从完成时限倒排，替换尚未完成的节点",
)
def reverse_schedule(request, task_id: int, payload: ReverseScheduleIn):
    act = actor(request)
    return [
        milestone_json(m) for m in services.reverse_schedule(act, get_task_for(act, task_id), payload.titles)
    ]


def _load(act, milestone_id: int) -> Milestone:
    milestone = Milestone.objects.filter(pk=milestone_id).first()
    if milestone is None:
        raise Http404("没有这个节点，或无权查看")
    milestone.task = get_task_for(act, milestone.task_id)
    return milestone


@router.get("/{milestone_id}", response={200: MilestoneOut, **ERRORS}, summary="一个节点")
def get_milestone(request, response: HttpResponse, milestone_id: int):
    return tagged(response, milestone_json(_load(actor(request), milestone_id)))


@router.patch(
    "/{milestone_id}",
    openapi_extra=if_match_doc(),
    response={200: MilestoneOut, **WRITE_ERRORS},
    summary="修改节点名称或日期",
)
def change_milestone(request, response: HttpResponse, milestone_id: int, payload: MilestoneChangeIn):
    act = actor(request)
    with matching(
        request, Milestone, milestone_id, load=lambda: _load(act, milestone_id), present=milestone_json
    ) as milestone:
        services.change_milestone(act, milestone, **payload.model_dump(exclude_unset=True))
    return tagged(response, milestone_json(_load(act, milestone_id)))


@router.post(
    "/{milestone_id}/complete",
    openapi_extra=if_match_doc(),
    response={200: MilestoneOut, **WRITE_ERRORS},
    summary="标记节点完成",
)
def complete_milestone(request, response: HttpResponse, milestone_id: int, payload: CompleteIn):
    act = actor(request)
    with matching(
        request, Milestone, milestone_id, load=lambda: _load(act, milestone_id), present=milestone_json
    ) as milestone:
        services.complete_milestone(act, milestone, payload.done_on)
    return tagged(response, milestone_json(_load(act, milestone_id)))
