"""Lookups of the plans domain: units with their task counts, the unit a user means by
a name, the newest version of each plan, the plan a command acts on. Read only."""

from django.db.models import Count, Q

from .choices import TaskRole, UnitKind
from .models import Plan, Unit, UnitAlias, default_organisation_id
from .units import alias_key, normalize_name
from .validation import PlanError


def units_with_counts(plan: Plan | None = None, units=None):
    """Units (of ``units``, default the whole registry) with how many tasks each leads and
    cooperates on (in ``plan``, else all current); a group phrase (``区直有关单位``) is no
    unit and is not listed."""
    plans = [plan] if plan else latest_plans()
    in_plan = Q(task_roles__task__plan__in=plans)
    return (
        (Unit.objects.all() if units is None else units)
        .exclude(kind=UnitKind.GROUP)
        .annotate(
            lead_count=Count("task_roles", filter=in_plan & Q(task_roles__role=TaskRole.LEAD)),
            cooperate_count=Count("task_roles", filter=in_plan & Q(task_roles__role=TaskRole.COOPERATOR)),
        )
        .prefetch_related("aliases")
        .order_by("order", "name")
    )


def find_unit(name: str, org_id: int | None = None) -> Unit | None:
    """The registry unit a user means by a name, in an organisation's registry (default
    the install's first): its name, an alias, a spelling with the bracket elsewhere
    (``区住建(交通)局``), or its short name; None if none or ambiguous."""
    normal = normalize_name(name or "")
    if not normal:
        return None
    units = Unit.objects.filter(organisation_id=org_id or default_organisation_id())
    unit = units.filter(name=normal).first()
    if unit is None:
        alias = UnitAlias.objects.select_related("unit").filter(unit__in=units, name=normal).first()
        unit = alias.unit if alias else None
    if unit is None:
        key = alias_key(normal)
        matches = [u for u in units if alias_key(u.name) == key]
        unit = matches[0] if len(matches) == 1 else None
    if unit is None:
        matches = list(units.filter(short_name=normal))
        unit = matches[0] if len(matches) == 1 else None
    return unit


def latest_plans(plans=None) -> list[Plan]:
    """The newest version of each plan series (of ``plans``, default every plan; a series
    is an organisation's own: two districts may import plans of one title)."""
    newest: dict[tuple[int, str], Plan] = {}
    for plan in (Plan.objects.all() if plans is None else plans).order_by(
        "organisation_id", "series", "-version"
    ):
        newest.setdefault((plan.organisation_id, plan.series), plan)
    return list(newest.values())


def get_plan(ref: str | None = None, org_id: int | None = None) -> Plan:
    """The plan a command acts on: by id, 文号 or title words; default the latest imported
    (of the organisation ``org_id`` when given, and found only there)."""
    plans = Plan.objects.all() if org_id is None else Plan.objects.filter(organisation_id=org_id)
    if not ref:
        plan = plans.order_by("-created_at", "-pk").first()
        if plan is None:
            if org_id is not None:
                raise PlanError("该组织还没有导入任何方案：请先运行 luoshi import 方案文件 --org 组织")
            raise PlanError("还没有导入任何方案：请先运行 luoshi import 方案文件")
        return (
            Plan.objects.filter(organisation_id=plan.organisation_id, series=plan.series)
            .order_by("-version")
            .first()
        )
    if ref.isdigit():
        plan = plans.filter(pk=int(ref)).first()
        if plan:
            return plan
    matches = plans.filter(Q(doc_number=ref) | Q(title__contains=ref)).order_by("series", "-version")
    newest = {}
    for plan in matches:
        newest.setdefault((plan.organisation_id, plan.series), plan)
    if not newest:
        where = "该组织中" if org_id is not None else ""
        raise PlanError(
            f"{where}找不到方案 {ref!r}：请用方案编号、发文字号或标题中的词（luoshi plans 列出全部）"
        )
    if len(newest) > 1:
        names = "；".join(f"{p.pk}：{p.title}" for p in newest.values())
        raise PlanError(f"{ref!r} 对应多个方案，请用编号指明：{names}")
    return next(iter(newest.values()))
