"""Group phrases (``区直有关单位``): which names are groups, what the clerk mapped them to
before, and a plan with its mapped groups replaced by their units."""

from .choices import UnitKind
from .models import GroupMapping, Unit
from .units import guess_kind, normalize_name


def is_group(name: str, known: set[str] | None = None) -> bool:
    """A group phrase (``区直有关单位``, ``各乡镇(街道)``), not one unit: by its words, or
    because the registry or a remembered mapping already holds it as a group."""
    norm = normalize_name(name)
    return guess_kind(norm) == UnitKind.GROUP or (known is not None and norm in known)


def known_groups() -> set[str]:
    return set(Unit.objects.filter(kind=UnitKind.GROUP).values_list("name", flat=True)) | set(
        GroupMapping.objects.values_list("name", flat=True)
    )


def remembered_groups() -> dict[str, list[str]]:
    """Each group phrase the clerk has mapped before, with the units it stands for."""
    groups: dict[str, list[str]] = {name: [] for name in GroupMapping.objects.values_list("name", flat=True)}
    rows = GroupMapping.units.through.objects.order_by("pk").values_list("groupmapping__name", "unit__name")
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
