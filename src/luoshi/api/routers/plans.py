"""/api/v1/plans: plans and their three lists (targets, tasks, responsibilities)."""

from django.http import Http404
from ninja import Router

from luoshi.plans import versions
from luoshi.plans.choices import TaskRole
from luoshi.plans.imports import labelled_diff
from luoshi.plans.models import Plan, PlanDocument, Target, TaskUnit
from luoshi.plans.permissions import (
    can_export_lists,
    check_import_plan,
    visible_parts,
    visible_plans,
    visible_tasks,
)
from luoshi.plans.validation import PlanError

from ..paging import CursorPage, Listing, paginate
from ..schemas import ERRORS, DiffOut, PlanDetailOut, PlanOut, VersionContentOut, VersionOut
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


@router.get(
    "",
    response={200: list[PlanOut], **ERRORS},
    summary="方案列表（每个方案的最新版本，最近导入的在前；分页）",
)
@paginate(CursorPage)
def list_plans(request):
    act = actor(request)
    plans = versions.plan_choices(actor=act)  # through the module: a test breaks it there
    return Listing(
        plans,
        lambda p: (-p.created_at.timestamp(), -p.pk),
        lambda p: _plan_json(p, act),
    )


@router.get("/{plan_id}", response={200: PlanDetailOut, **ERRORS}, summary="方案详情与三张清单（最新版本）")
def plan_detail(request, plan_id: int):
    act = actor(request)
    plan = plan_of(plan_id, actor(request))
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


# ---------------------------------------------------------------- versions


def _version(act, plan_id: int) -> Plan:
    plan = visible_plans(act).filter(pk=plan_id).first()
    if plan is None:
        raise Http404(f"没有编号为 {plan_id} 的方案版本，或无权查看")
    return plan


def version_json(plan: Plan, newest: int) -> dict:
    diff = plan.diff or {}
    return {
        "id": plan.pk,
        "series": plan.series,
        "version": plan.version,
        "title": plan.title,
        "doc_number": plan.doc_number,
        "date": plan.date,
        "year": plan.year,
        "source_name": plan.source_name,
        "imported_at": plan.created_at,
        "is_current": plan.version == newest,
        "changes": {key: len(diff.get(key) or []) for key in DIFF_KEYS},
    }


DIFF_KEYS = ("tasks_added", "tasks_removed", "tasks_changed", "units_added")


@router.get(
    "/{plan_id}/versions",
    response={200: list[VersionOut], **ERRORS},
    summary="方案的各个版本（新的在前；分页）",
)
@paginate(CursorPage)
def list_versions(request, plan_id: int):
    version = _version(actor(request), plan_id)
    rows = Plan.objects.filter(organisation_id=version.organisation_id, series=version.series)
    newest = rows.order_by("-version").values_list("version", flat=True).first() or 0
    return Listing(rows, ("-version",), lambda p: version_json(p, newest))


def _scoped_document(act, plan: Plan) -> dict:
    """The Plan JSON a version was imported from; a user who does not read every campaign
    gets the campaigns it sees (in the newest version) and the main text's heading only."""
    data = PlanDocument.objects.filter(plan=plan).values_list("data", flat=True).first() or {}
    if can_export_lists(act):
        return data
    newest = plan_of(plan.pk, act)
    keys = set(visible_parts(act, newest).values_list("key", flat=True))

    def part_of(sid: str) -> str:
        return (sid or "").split("/", 1)[0]

    return {
        **data,
        "parts": [p for p in data.get("parts") or [] if p.get("key") in keys],
        "sections": [s for s in data.get("sections") or [] if s.get("part") in keys],
        "tasks": [t for t in data.get("tasks") or [] if part_of(t.get("section")) in keys],
        "targets": [t for t in data.get("targets") or [] if part_of(t.get("section")) in keys],
        "task_forces": [f for f in data.get("task_forces") or [] if f.get("part") in keys],
    }


@router.get(
    "/versions/{version_id}",
    response={200: VersionContentOut, **ERRORS},
    summary="一个版本的内容（导入时的方案 JSON，格式见 docs/plan-json.md）",
)
def version_content(request, version_id: int):
    act = actor(request)
    plan = _version(act, version_id)
    newest = (
        Plan.objects.filter(organisation_id=plan.organisation_id, series=plan.series)
        .order_by("-version")
        .values_list("version", flat=True)[0]
    )
    return {**version_json(plan, newest), "document": _scoped_document(act, plan)}


@router.get(
    "/{plan_id}/diff",
    response={200: DiffOut, **ERRORS},
    summary="两个版本之间的变化：逐次导入的差异，与导入结果页所示相同（综合协调组）",
)
def version_diff(request, plan_id: int, since: int | None = None):
    """From version ``since`` (default: the one before) to version ``plan_id``: each
    import's diff in between, as the import result page shows it (fields named in Chinese)."""
    act = actor(request)
    check_import_plan(act)
    to = _version(act, plan_id)
    start = _version(act, since) if since is not None else None
    if start is not None and (start.organisation_id, start.series) != (to.organisation_id, to.series):
        raise PlanError("两个版本不属于同一方案")
    if start is not None and start.version >= to.version:
        raise PlanError("since 应为更早的版本")
    first = start.version + 1 if start is not None else to.version
    steps = Plan.objects.filter(
        organisation_id=to.organisation_id, series=to.series, version__gte=first, version__lte=to.version
    ).order_by("version")
    return {
        "from_version": first - 1 if first > 1 else None,
        "to_version": to.version,
        "steps": [{"id": p.pk, "version": p.version, "diff": _labelled(p)} for p in steps],
    }


def _labelled(plan: Plan) -> dict:
    diff = labelled_diff(plan.diff or {})
    return {key: diff.get(key) or [] for key in (*DIFF_KEYS, "aliases_added")}


@router.post(
    "/{plan_id}/breakdown",
    response={200: dict, **ERRORS},
    summary="层层分解：把下级组织负责的任务分解到各下级（重复调用只做更新）",
)
def breakdown_plan(request, plan_id: int):
    """Each task whose units include lower organisations gets (or brings up to date) a
    linked task in each of them; the coordinator of the plan's organisation."""
    from luoshi.plans.breakdown import break_down

    act = actor(request)
    return break_down(act, plan_of(plan_id)).as_json()
