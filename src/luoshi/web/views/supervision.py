"""督办: supervision items the user may see, one item's loop, and the 批示 on a task.
The rules and writes are the supervision domain's; these pages only present them."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import FileResponse, Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from luoshi.accounts.permissions import actor_for
from luoshi.audit.services import note
from luoshi.core import clock, limits
from luoshi.plans.permissions import get_task_for

from .common import actor_of


def items_for_workspace(user, limit=10):
    """Open items the user's unit handles (or, for readers of all, the overdue ones first)."""
    from luoshi.supervision.choices import OPEN_STATES
    from luoshi.supervision.permissions import visible_items

    actor = actor_for(user)
    items = visible_items(actor).filter(state__in=OPEN_STATES)
    if actor.in_unit:
        items = items.filter(lead_unit_id=actor.unit_id) | items.filter(cooperating_units__pk=actor.unit_id)
    today = clock.today()
    return [
        {
            "title": item.title,
            "url": reverse("web:supervision_item", args=[item.pk]),
            "state": item.get_state_display(),
            "deadline": item.deadline,
            "overdue": item.deadline < today,
        }
        for item in items.distinct().order_by("deadline")[:limit]
    ]


@login_required
def item_list(request):
    from luoshi.supervision.choices import OPEN_STATES, ItemState, Level
    from luoshi.supervision.permissions import visible_items

    actor = actor_of(request)
    state = request.GET.get("state") or "open"
    items = visible_items(actor)
    if state == "open":
        items = items.filter(state__in=OPEN_STATES)
    elif state in ItemState.values:
        items = items.filter(state=state)
    if request.GET.get("level") in Level.values:
        items = items.filter(level=request.GET["level"])
    today = clock.today()
    if request.GET.get("overdue") == "1":
        items = items.filter(state__in=OPEN_STATES, deadline__lt=today)
    return render(
        request,
        "web/supervision_list.html",
        {
            "items": items.order_by("deadline", "pk")[:300],
            "state": state,
            "states": ItemState.choices,
            "levels": Level.choices,
            "today": today,
        },
    )


@login_required
def item_detail(request, pk: int):
    from luoshi.supervision.choices import Action
    from luoshi.supervision.permissions import allowed_actions, get_item_for

    actor = actor_of(request)
    item = get_item_for(actor, pk)
    if request.method == "POST":
        return _step(request, actor, item)
    transitions = list(item.transitions.order_by("created_at", "pk").prefetch_related("evidence"))
    feedback = next((t for t in reversed(transitions) if t.action == Action.FEEDBACK), None)
    return render(
        request,
        "web/supervision_item.html",
        {
            "item": item,
            "actions": [(a, Action(a).label) for a in allowed_actions(actor, item)],
            "transitions": transitions,
            # 核查 and 销号 are decided on the latest feedback and its files: shown beside the buttons
            "feedback": feedback,
            "today": clock.today(),
        },
    )


@login_required
def item_evidence(request, pk: int, evidence_id: int):
    """Download a file sent with a step of an item the user may see (404 otherwise)."""
    from luoshi.supervision.permissions import get_item_for

    item = get_item_for(actor_of(request), pk)
    evidence = item.evidence.filter(pk=evidence_id).first()
    if evidence is None:
        raise Http404("没有这个佐证材料")
    return FileResponse(evidence.file.open("rb"), as_attachment=True, filename=evidence.name)


def _step(request, actor, item):
    from luoshi.supervision.permissions import get_item_for
    from luoshi.supervision.services import EvidenceFile, SupervisionError, take_step

    item = get_item_for(actor, item.pk, write=True)
    action = request.POST.get("action", "")
    try:
        files = [EvidenceFile(f.name, limits.read_upload(f)) for f in request.FILES.getlist("files")]
        take_step(actor, item, action, request.POST.get("comment", ""), files)
    except (SupervisionError, limits.LimitError) as exc:
        messages.error(request, str(exc))
    else:
        note(request, f"supervision_{action}", item)
        messages.success(request, "已办理。")
    return redirect("web:supervision_item", pk=item.pk)


@login_required
@require_POST
def instruct(request, task_id: int):
    """批示 on a task: becomes a supervision item for the task's lead unit."""
    from luoshi.supervision.services import SupervisionError
    from luoshi.supervision.services import instruct as make_instruction

    actor = actor_of(request)
    task = get_task_for(actor, task_id)
    try:
        item = make_instruction(actor, task, request.POST.get("text", ""))
    except SupervisionError as exc:
        messages.error(request, str(exc))
        return redirect("web:task", pk=task.pk)
    note(request, "instruct", item, task=task.pk)
    messages.success(request, f"批示已转为督办事项，办理时限 {item.deadline:%m月%d日}。")
    return redirect("web:supervision_item", pk=item.pk)
