"""层层分解 pages: a lower organisation's breakdown plan (the tasks the upper plan sent
down, with the units it assigned), and the form its coordinator assigns units with. The
rules and writes are the plans domain's (``plans.breakdown``); these pages present them."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import redirect, render

from luoshi.plans.breakdown import assign_units, breakdown_tasks, is_breakdown_plan, upper_link
from luoshi.plans.choices import UnitKind
from luoshi.plans.models import Plan, Unit
from luoshi.plans.permissions import can_assign_units, get_task_for, visible_tasks
from luoshi.plans.validation import PlanError

from .common import actor_of


@login_required
def plan_breakdown(request, pk: int):
    """The tasks an upper plan broke down into this organisation's breakdown plan."""
    actor = actor_of(request)
    plan = Plan.objects.select_related("organisation").filter(pk=pk).first()
    if plan is None or not is_breakdown_plan(plan):
        raise Http404("没有这个分解方案")
    tasks = [
        t
        for t in breakdown_tasks(plan)
        if t.pk in set(visible_tasks(actor).filter(plan=plan).values_list("pk", flat=True))
    ]
    if not tasks:
        raise Http404("没有这个分解方案，或无权查看")
    rows = []
    for task in tasks:
        link = next(iter(task.upper_links.all()), None)
        rows.append(
            {
                "task": task,
                "upper": link.upper if link else None,
                "leads": task.leads(),
                "cooperators": task.cooperators(),
                "can_assign": can_assign_units(actor, task),
            }
        )
    return render(request, "web/breakdown.html", {"plan": plan, "rows": rows})


@login_required
def assign(request, pk: int):
    """The lower organisation's coordinator puts its own units on a task broken down to it."""
    actor = actor_of(request)
    task = get_task_for(actor, pk)
    if not can_assign_units(actor, task):
        raise PermissionDenied("只有本级综合协调组办公室可以为上级分解的任务分配责任单位")
    link = upper_link(task)
    leads = [u.name for u in task.leads()]
    cooperators = [u.name for u in task.cooperators()]
    error = ""
    if request.method == "POST":
        leads = request.POST.getlist("leads")
        cooperators = request.POST.getlist("cooperators")
        try:
            assign_units(actor, task, leads, cooperators)
        except PlanError as exc:
            error = str(exc)
        else:
            messages.success(request, "已分配责任单位，相关单位可按期报送本任务进展。")
            return redirect("web:task", pk=task.pk)
    units = (
        Unit.objects.filter(organisation_id=task.plan.organisation_id)
        .exclude(kind=UnitKind.GROUP)
        .order_by("order", "name")
    )
    return render(
        request,
        "web/assign_units.html",
        {
            "task": task,
            "upper": link.upper if link else None,
            "units": units,
            "leads": leads,
            "cooperators": cooperators,
            "error": error,
        },
        status=400 if error else 200,
    )
