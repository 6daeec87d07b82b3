"""工作台: what is due, what came back and why, what waits for me, my supervision items."""

from django.contrib.auth.decorators import login_required
from django.shortcuts import render

from luoshi.accounts.choices import Role
from luoshi.core import clock
from luoshi.reporting.choices import ReportState
from luoshi.reporting.models import Message

from .. import board as boards
from ..features import enabled
from ..permissions import reads_all, visible_reports, visible_tasks
from ..plans import current_plan
from ..workspace import due_items
from .common import actor_of
from .review import review_queue


@login_required
def workspace(request):
    actor = actor_of(request)
    plan = current_plan(request)
    today = clock.today()
    context = {"plan": plan, "due": [], "returned": [], "queue": [], "board": None, "supervision": []}
    if plan is not None:
        if actor.role in (Role.REPORTER, Role.HEAD):
            context["due"] = due_items(actor, plan, today)
            context["returned"] = (
                visible_reports(actor)
                .filter(unit_id=actor.unit_id, state=ReportState.RETURNED, is_current=True, task__plan=plan)
                .select_related("task__section", "period")
                .order_by("due")
            )
        if actor.role in (Role.HEAD, Role.OFFICE, Role.COORDINATOR):
            context["queue"] = review_queue(actor, plan)[:20]
        if actor.role in (Role.OFFICE, Role.COORDINATOR, Role.LEADER, Role.VERIFIER):
            task_ids = (
                None
                if reads_all(actor)
                else set(visible_tasks(actor).filter(plan=plan).values_list("pk", flat=True))
            )
            context["board"] = boards.board_for(plan, today, task_ids=task_ids)
    context["supervision"] = my_supervision_items(request.user) if enabled("web:supervision") else []
    context["messages_list"] = Message.objects.filter(user=request.user, read_at=None)[:8]
    return render(request, "web/workspace.html", context)


def my_supervision_items(user):
    """Open supervision items for the user's unit (or all it may see), when supervision exists."""
    from .supervision import items_for_workspace

    return items_for_workspace(user)
