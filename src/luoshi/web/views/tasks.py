"""任务清单: the three lists with filters; a task's detail with its history as a timeline."""

import datetime as dt

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db.models import Q
from django.http import Http404
from django.shortcuts import redirect, render

from luoshi.core import clock
from luoshi.plans.alignment_services import upper_plans_for
from luoshi.plans.choices import Cadence, TaskRole, UnitKind
from luoshi.plans.lookups import find_unit
from luoshi.plans.models import Unit
from luoshi.plans.permissions import (
    can_export_lists,
    can_see_alignment,
    check_export_lists,
    get_task_for,
    visible_parts,
    visible_tasks,
)
from luoshi.plans.units import normalize_name
from luoshi.plans.versions import plan_choices
from luoshi.reporting import board as boards
from luoshi.reporting.models import Milestone, ReportTransition
from luoshi.reporting.permissions import visible_reports
from luoshi.reporting.policy import Schedule
from luoshi.reporting.status import Status

from ..features import enabled
from ..plans import current_plan
from .common import actor_of, attachment

PAGE_SIZE = 100


def _as_of(request) -> dt.date:
    try:
        return dt.date.fromisoformat(request.GET.get("as_of", ""))
    except ValueError:
        return clock.today()


def _units_named(text: str, org_id: int):
    """The units a filter means: the one unit the name, an alias or a short name names;
    else every unit whose name, short name or alias contains the text (``人社`` finds
    区人力资源和社会保障局 by its alias 区人社局)."""
    unit = find_unit(text, org_id)
    if unit is not None:
        return Unit.objects.filter(pk=unit.pk)
    part = normalize_name(text)
    return Unit.objects.filter(organisation_id=org_id).filter(
        Q(name__icontains=part) | Q(short_name__icontains=part) | Q(aliases__name__icontains=part)
    )


@login_required
def task_list(request):
    actor = actor_of(request)
    plan = current_plan(request)
    if plan is None:
        return render(request, "web/tasks.html", {"plan": None})
    f = {
        k: (request.GET.get(k) or "").strip() for k in ("campaign", "unit", "status", "cadence", "q", "list")
    }
    as_of = _as_of(request)
    tab = f["list"] if f["list"] in ("tasks", "targets", "units") else "tasks"
    tasks = visible_tasks(actor).filter(plan=plan)
    if f["campaign"]:
        tasks = tasks.filter(part__key=f["campaign"])
    if f["unit"]:
        tasks = tasks.filter(task_units__unit__in=_units_named(f["unit"], plan.organisation_id)).distinct()
    if f["q"]:
        tasks = tasks.filter(Q(title__icontains=f["q"]) | Q(text__icontains=f["q"]) | Q(section__sid=f["q"]))
    ids = set(tasks.values_list("pk", flat=True))
    rows = [r for r in boards.status_of(plan, as_of).rows if r.task_id in ids]
    if f["status"]:
        rows = [r for r in rows if r.status == f["status"]]
    if f["cadence"]:
        rows = [r for r in rows if r.cadence == f["cadence"]]
    context = {
        "plan": plan,
        "plans": plan_choices(request),
        "f": f,
        "tab": tab,
        "as_of": as_of,
        "parts": visible_parts(actor, plan),
        "statuses": [(s.value, s.label) for s in Status],
        "cadences": Cadence.choices,
        "count": len(rows),
        # the plan's units are its organisation's: found through that (an index) rather
        # than through every task unit of the installation
        "unit_names": Unit.objects.filter(organisation_id=plan.organisation_id, task_roles__task__plan=plan)
        .exclude(kind=UnitKind.GROUP)  # 县直有关单位 is no unit one can pick
        .distinct()
        .values_list("name", flat=True),
        "can_export_lists": can_export_lists(actor),
        "can_align": can_see_alignment(actor, plan) and bool(upper_plans_for(plan)),
    }
    if tab == "targets":
        part_keys = {r.part_key for r in rows} if not actor.reads_all or f["campaign"] else None
        targets = boards.targets_of(plan, as_of)
        if part_keys is not None:
            targets = [t for t in targets if t.part_key in part_keys]
        if f["q"]:
            targets = [t for t in targets if f["q"] in t.subject]
        context["targets"] = targets
    elif tab == "units":
        units: dict[str, dict] = {}
        groups = set(
            Unit.objects.filter(organisation_id=plan.organisation_id, kind=UnitKind.GROUP).values_list(
                "name", flat=True
            )
        )
        for row in rows:
            for name in row.leads:
                units.setdefault(name, {"lead": 0, "coop": 0, "lagging": 0})["lead"] += 1
            for name in row.cooperators:
                units.setdefault(name, {"lead": 0, "coop": 0, "lagging": 0})["coop"] += 1
            for name in row.responsible:
                if row.status in (Status.LAGGING, Status.SERIOUS):
                    units[name]["lagging"] += 1
        # a group phrase (区直有关单位) is no unit of the 责任清单
        context["units"] = sorted(
            ((name, u) for name, u in units.items() if name not in groups),
            key=lambda kv: (-kv[1]["lead"], kv[0]),
        )
    else:
        context["page"] = Paginator(rows, PAGE_SIZE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    context["query"] = query.urlencode()
    query.pop("list", None)
    context["base_query"] = query.urlencode()
    return render(request, "web/tasks.html", context)


@login_required
def three_lists(request):
    """The three lists as one Excel workbook (目标、任务、责任清单): a POST (the page's
    button) queues it as a job, a GET (a script's link) answers with the file."""
    from luoshi.plans.exports import three_lists_xlsx

    actor = actor_of(request)
    check_export_lists(actor)
    plan = current_plan(request)
    if plan is None:
        raise Http404("还没有导入方案")
    if request.method == "POST":  # the page's 导出: made by a job, followed on its page
        from luoshi.jobs.services import queue_three_lists

        return redirect("web:job", pk=queue_three_lists(actor, plan).pk)
    return attachment(three_lists_xlsx(plan), f"{plan.title}-三张清单.xlsx")


@login_required
def task_detail(request, pk: int):
    actor = actor_of(request)
    task = get_task_for(actor, pk)
    today = clock.today()
    status = next((r for r in boards.status_of(task.plan, today).rows if r.task_id == task.pk), None)
    reports = (
        visible_reports(actor)
        .filter(task=task, is_current=True)
        .select_related("unit", "period")
        .order_by("-period__end", "role", "unit__order")
    )
    transitions = (
        ReportTransition.objects.filter(report__in=visible_reports(actor).filter(task=task))
        .select_related("actor", "report__unit", "report__period")
        .order_by("-created_at", "-pk")[:200]
    )
    events = [
        {
            "at": t.created_at,
            "kind": t.to_state,
            "text": f"{t.report.unit.name} {t.report.period.label}：{t.get_from_state_display() or '新建'} → {t.get_to_state_display()}",
            "who": (t.actor.first_name or t.actor.username) if t.actor else "系统",
            "reason": t.reason,
            "url": f"/reports/{t.report_id}/",
        }
        for t in transitions
    ]
    items = []
    can_instruct = False
    if enabled("web:supervision"):
        from luoshi.supervision.permissions import can, visible_items

        items = list(visible_items(actor).filter(task=task).order_by("-created_at"))
        can_instruct = can(actor, "instruct")
        for item in items:
            events.append(
                {
                    "at": item.created_at,
                    "kind": "supervision",
                    "text": f"督办：{item.title}（{item.get_state_display()}）",
                    "who": "",
                    "reason": "",
                    "url": f"/supervision/{item.pk}/",
                }
            )
    events.sort(key=lambda e: e["at"], reverse=True)
    from luoshi.plans.breakdown import upper_link
    from luoshi.plans.permissions import can_assign_units
    from luoshi.reporting.rollup import carried_pairs, task_rollup

    schedule = Schedule.of(task.plan)
    spans = schedule.task_spans(status.cadence, status.start, status.deadline) if status else []
    return render(
        request,
        "web/task_detail.html",
        {
            "task": task,
            "status": status,
            "leads": [tu for tu in task.task_units.select_related("unit") if tu.role == TaskRole.LEAD],
            "cooperators": [
                tu for tu in task.task_units.select_related("unit") if tu.role == TaskRole.COOPERATOR
            ],
            "reports": reports,
            "events": events,
            "milestones": Milestone.objects.filter(task=task),
            "targets": [t for t in boards.targets_of(task.plan, today) if t.sid == task.section.sid],
            "items": items,
            "can_instruct": can_instruct,
            "today": today,
            "first_period": spans[0] if spans else None,
            "span_rule": schedule.rule_text(status.cadence if status else None),
            "rollup": task_rollup(task, status, today),
            "carried_units": {unit for _task, unit in carried_pairs([task.pk])},
            "upper_link": upper_link(task),
            "can_assign": can_assign_units(actor, task),
        },
    )
