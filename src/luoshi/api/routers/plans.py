"""/api/v1/plans: plans and their three lists (targets, tasks, responsibilities)."""

from ninja import Router

from luoshi.plans.choices import TaskRole
from luoshi.plans.models import Target, TaskUnit
from luoshi.plans.permissions import visible_parts, visible_tasks

from ..schemas import ErrorOut, PlanDetailOut, PlanOut
from .common import actor, plan_of

router = Router(tags=["方案"])


def _plan_json(plan, act) -> dict:
    parts = visible_parts(act, plan).order_by("order")
    return {
        "id": plan.pk,
        "title": plan.title,
        "series": plan.series,
        "version": plan.version,
        "year": plan.year,
        "doc_number": plan.doc_number,
        "issuer": plan.issuer,
        "date": plan.date,
        "tasks": visible_tasks(act).filter(plan=plan).count(),
        "campaigns": [{"key": p.key, "title": p.title} for p in parts],
    }


@router.get("", response=list[PlanOut], summary="方案列表（每个方案的最新版本）")
def list_plans(request):
    from luoshi.plans.versions import plan_choices

    act = actor(request)
    return [_plan_json(plan, act) for plan in plan_choices()]


@router.get("/{plan_id}", response={200: PlanDetailOut, 404: ErrorOut}, summary="方案详情与三张清单")
def plan_detail(request, plan_id: int):
    act = actor(request)
    plan = plan_of(plan_id)
    tasks = visible_tasks(act).filter(plan=plan).select_related("section", "part").order_by("section__order")
    task_ids = set(tasks.values_list("pk", flat=True))
    roles: dict[int, dict] = {}
    by_unit: dict[str, dict] = {}
    for task_id, name, role in (
        TaskUnit.objects.filter(task_id__in=task_ids)
        .order_by("role", "order")
        .values_list("task_id", "unit__name", "role")
    ):
        roles.setdefault(task_id, {"leads": [], "cooperators": []})[
            "leads" if role == TaskRole.LEAD else "cooperators"
        ].append(name)
        by_unit.setdefault(name, {"unit": name, "lead": [], "cooperate": []})[
            "lead" if role == TaskRole.LEAD else "cooperate"
        ].append(task_id)
    targets = Target.objects.filter(plan=plan).select_related("section", "part").order_by("order")
    if not act.reads_all:
        targets = targets.filter(part__in=visible_parts(act, plan))
    data = _plan_json(plan, act)
    data["task_list"] = [
        {
            "id": t.pk,
            "section": t.section.sid,
            "campaign": t.part.key,
            "title": t.title,
            "text": t.text,
            "deadline": t.deadline.isoformat() if t.deadline else None,
            **roles.get(t.pk, {"leads": [], "cooperators": []}),
        }
        for t in tasks
    ]
    data["targets"] = [
        {
            "id": t.pk,
            "section": t.section.sid,
            "campaign": t.part.key,
            "subject": t.subject,
            "op": t.op,
            "value": float(t.value),
            "unit": t.unit,
            "text": t.text,
        }
        for t in targets
    ]
    data["responsibilities"] = sorted(by_unit.values(), key=lambda u: (-len(u["lead"]), u["unit"]))
    return data
