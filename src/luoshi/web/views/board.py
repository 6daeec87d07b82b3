"""挂图作战: the battle map, its big-screen mode and its trend panel; 施工图 (Gantt)."""

import datetime as dt

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import render
from django.urls import reverse
from django.utils.http import urlencode

from luoshi.core import clock
from luoshi.plans.models import Organisation
from luoshi.plans.permissions import visible_task_ids
from luoshi.plans.versions import plan_choices
from luoshi.reporting import board as boards
from luoshi.reporting.cityboard import has_below
from luoshi.reporting.permissions import can_see_board, can_see_city_board
from luoshi.reporting.status import Status

from .. import charts
from ..plans import current_plan
from .common import actor_of


def _scope(request):
    actor = actor_of(request)
    if not can_see_board(actor):
        raise PermissionDenied("未分配角色的用户不能查看挂图作战")
    plan = current_plan(request)
    task_ids = visible_task_ids(actor, plan) if plan is not None else None
    campaign = (request.GET.get("campaign") or "").strip() or None
    return actor, plan, task_ids, campaign


def _offers_city_board(actor) -> bool:
    """Whether the user's organisation has organisations below whose board it may read."""
    if not actor.reads_all or not actor.org_id:
        return False
    org = Organisation.objects.filter(pk=actor.org_id).first()
    return org is not None and can_see_city_board(actor, org) and has_below(org)


TARGETS_SHOWN = 14  # the targets chart's rows; the rest are one link away


def _tasks_url(**params) -> str:
    return reverse("web:tasks") + "?" + urlencode({k: v for k, v in params.items() if v})


def _context(request, screen=False):
    actor, plan, task_ids, campaign = _scope(request)
    today = clock.today()
    context = {"plan": plan, "plans": plan_choices(request), "screen": screen, "campaign": campaign}
    context["city_board"] = _offers_city_board(actor)
    if plan is None:
        return context
    board = boards.board_for(plan, today, task_ids=task_ids, campaign=campaign)
    context["board"] = board
    targets_top = board.targets[:TARGETS_SHOWN]
    context["charts"] = {
        "status": charts.status_mix(
            board.status_mix, lambda s: _tasks_url(status=s.value, campaign=campaign)
        ),
        "progress": charts.campaign_progress(
            board.campaigns, lambda key: _tasks_url(campaign=key), boards.STATUS_ORDER
        ),
        "targets": charts.target_attainment(
            targets_top, lambda subject: _tasks_url(list="targets", q=subject)
        ),
    }
    context["campaign_rows"] = [
        {
            "row": row,
            "mix": [
                (s, row.rollup.count(s), _tasks_url(campaign=row.key, status=s.value))
                for s in boards.STATUS_ORDER
            ],
        }
        for row in board.campaigns
    ]
    context["parts"] = [(c.key, c.title) for c in board.campaigns] if not campaign else []
    context["serious"] = Status.SERIOUS
    context["statuses"] = boards.STATUS_ORDER
    context["targets_shown"] = TARGETS_SHOWN
    context["targets_top"] = targets_top
    return context


@login_required
def board(request):
    return render(request, "web/board.html", _context(request))


@login_required
def screen(request):
    """The big-screen mode for a wall display: dark, large, refreshes itself."""
    return render(request, "web/board_screen.html", _context(request, screen=True))


@login_required
def trend(request):
    """The trend panel (loaded after the page): month-end progress and status mix."""
    actor, plan, task_ids, campaign = _scope(request)
    if plan is None:
        return render(request, "web/partials/trend.html", {"chart": None})
    points = boards.trend_of(plan, clock.today(), task_ids=task_ids, campaign=campaign)
    chart = charts.trend(points, lambda p: _tasks_url(as_of=p.as_of.isoformat(), campaign=campaign))
    rows = [
        {
            "point": p,
            "lagging": p.counts.get(Status.LAGGING, 0) + p.counts.get(Status.SERIOUS, 0),
            "url": _tasks_url(as_of=p.as_of.isoformat(), campaign=campaign),
        }
        for p in points
    ]
    return render(request, "web/partials/trend.html", {"chart": chart, "rows": rows})


@login_required
def gantt(request):
    """施工图: each campaign's tasks from start to deadline and their milestones against
    today; late ones marked."""
    from luoshi.reporting.models import Milestone

    actor, plan, task_ids, campaign = _scope(request)
    today = clock.today()
    context = {"plan": plan, "campaign": campaign}
    if plan is None:
        return render(request, "web/gantt.html", context)
    rows = boards.status_of(plan, today).rows
    if task_ids is not None:
        rows = [r for r in rows if r.task_id in task_ids]
    parts = [(p.key, p.title) for p in plan.parts.order_by("order")]
    if campaign:
        rows = [r for r in rows if r.part_key == campaign]
    elif len(rows) > 400:  # a whole big plan is unreadable as one chart: first campaign
        campaign = next((k for k, _ in parts if any(r.part_key == k for r in rows)), None)
        rows = [r for r in rows if r.part_key == campaign]
    only_late = request.GET.get("late") == "1"
    start = dt.date(plan.year, 1, 1)
    end = dt.date(plan.year, 12, 31)
    for row in rows:
        start, end = min(start, row.start), max(end, row.deadline)
    span = max((end - start).days, 1)

    def pos(day):
        return f"{max(0.0, min(100.0, (day - start).days / span * 100)):.2f}%"

    milestones: dict[int, list] = {}
    for m in Milestone.objects.filter(task_id__in=[r.task_id for r in rows]).order_by("due_date"):
        late = not m.done and m.due_date < today
        milestones.setdefault(m.task_id, []).append({"m": m, "left": pos(m.due_date), "late": late})
    groups = []
    for key, title in parts:
        items = []
        for row in rows:
            if row.part_key != key:
                continue
            late = row.status in (Status.SERIOUS, Status.LAGGING) or any(
                x["late"] for x in milestones.get(row.task_id, [])
            )
            if only_late and not late:
                continue
            width = (row.deadline - row.start).days / span * 100
            items.append(
                {
                    "row": row,
                    "left": pos(row.start),
                    "width": f"{max(width, 0.5):.2f}%",
                    "done": f"{float(row.progress or 0):.1f}%",
                    "late": late,
                    "milestones": milestones.get(row.task_id, []),
                }
            )
        if items:
            groups.append({"key": key, "title": title, "items": items})
    months = []
    day = dt.date(start.year, start.month, 1)
    while day <= end:
        months.append({"left": pos(day), "label": day.month})
        day = dt.date(day.year + (day.month == 12), day.month % 12 + 1, 1)
    context.update(
        {
            "groups": groups,
            "months": months,
            "today_left": pos(today),
            "campaign": campaign,
            "parts": parts,
            "only_late": only_late,
        }
    )
    return render(request, "web/gantt.html", context)
