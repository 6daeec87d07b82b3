"""Group phrases (``区直有关单位``): which names are groups, what the clerk mapped them to
before, and a plan with its mapped groups replaced by their units."""

from .choices import UnitKind
from .models import GroupMapping, Unit, default_organisation_id
from .units import guess_kind, normalize_name


def is_group(name: str, known: set[str] | None = None) -> bool:
    """A group phrase (``区直有关单位``, ``各乡镇(街道)``), not one unit: by its words, or
    because the registry or a remembered mapping already holds it as a group."""
    norm = normalize_name(name)
    return guess_kind(norm) == UnitKind.GROUP or (known is not None and norm in known)


def known_groups(org_id: int | None = None) -> set[str]:
    """The group phrases of an organisation's registry (default: the install's first)."""
    org_id = org_id or default_organisation_id()
    return set(
        Unit.objects.filter(organisation_id=org_id, kind=UnitKind.GROUP).values_list("name", flat=True)
    ) | set(GroupMapping.objects.filter(organisation_id=org_id).values_list("name", flat=True))


def remembered_groups(org_id: int | None = None) -> dict[str, list[str]]:
    """Each group phrase the organisation's clerk has mapped before, with its units."""
    org_id = org_id or default_organisation_id()
    mappings = GroupMapping.objects.filter(organisation_id=org_id)
    groups: dict[str, list[str]] = {name: [] for name in mappings.values_list("name", flat=True)}
    rows = (
        GroupMapping.units.through.objects.filter(groupmapping__organisation_id=org_id)
        .order_by("pk")
        .values_list("groupmapping__name", "unit__name")
    )
    for group, unit in rows:  # in the order the clerk wrote them
        groups[group].append(unit)
    return groups


def apply_groups(plan_data: dict, groups: dict[str, list[str]]) -> dict:
    """The plan with each mapped group phrase replaced by its units, in the place and role
    the group had (a group mapped to no unit is kept as written)."""
    groups = {name: units for name, units in groups.items() if units}
    if not groups:
        return plan_data
    data = {**plan_data, "tasks": [dict(task) for task in plan_data.get("tasks") or []]}
    data["task_forces"] = [dict(force) for force in plan_data.get("task_forces") or []]

    def expand(names):
        out = []
        for name in names or []:
            for new in groups.get(normalize_name(name), [name]):
                if new not in out:
                    out.append(new)
        return out

    for task in data["tasks"]:
        task["leads"] = expand(task.get("leads"))
        task["cooperators"] = [n for n in expand(task.get("cooperators")) if n not in task["leads"]]
    for force in data["task_forces"]:
        force["members"] = expand(force.get("members"))
    return data
