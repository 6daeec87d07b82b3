"""工作台: what is due, what came back and why, what waits for me, my supervision items."""

from django.contrib.auth.decorators import login_required
from django.shortcuts import render

from luoshi.core import clock
from luoshi.plans.permissions import can_import_plan, run_task_ids
from luoshi.reporting import board as boards
from luoshi.reporting.choices import ReportState
from luoshi.reporting.due import due_items
from luoshi.reporting.models import Message
from luoshi.reporting.permissions import can_fill, can_review, can_see_overview, visible_reports

from ..features import enabled
from ..plans import current_plan
from .common import actor_of
from .review import review_queue


@login_required
def workspace(request):
    actor = actor_of(request)
    plan = current_plan(request)
    today = clock.today()
    context = {
        "plan": plan,
        "due": [],
        "returned": [],
        "queue": [],
        "board": None,
        "supervision": [],
        "can_fill": can_fill(actor),
        "can_import_plan": can_import_plan(actor),
        "board_scope": "全局" if actor.reads_all else "本专班",
    }
    if plan is not None:
        if can_fill(actor):
            context["due"] = due_items(actor, plan, today)
            context["returned"] = (
                visible_reports(actor)
                .filter(unit_id=actor.unit_id, state=ReportState.RETURNED, is_current=True, task__plan=plan)
                .select_related("task__section", "period")
                .order_by("due")
            )
        if can_review(actor):
            context["queue"] = review_queue(actor, plan)[:20]
        if can_see_overview(actor):
            context["board"] = boards.board_for(plan, today, task_ids=run_task_ids(actor, plan))
    context["supervision"] = my_supervision_items(request.user) if enabled("web:supervision") else []
    context["messages_list"] = Message.objects.filter(user=request.user, read_at=None)[:8]
    return render(request, "web/workspace.html", context)


def my_supervision_items(user):
    """Open supervision items for the user's unit (or all it may see), when supervision exists."""
    from .supervision import items_for_workspace

    return items_for_workspace(user)
