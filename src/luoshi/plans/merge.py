"""Merging two registry units: every row that names the merged unit moves to the unit
kept, settled by the rules the domains register."""

from dataclasses import dataclass, field

from django.db import IntegrityError, transaction

from luoshi.accounts.permissions import Actor
from luoshi.audit.services import record_change

from .choices import TaskRole
from .models import TaskUnit, Unit, UnitAlias
from .permissions import check_manage_units
from .validation import PlanError


@dataclass
class MergeResult:
    """What a merge moved: rows per kind of record (Chinese names), and notes on the rows
    both units had for the same thing and how each was settled."""

    keep: Unit
    merged_name: str
    moved: dict[str, int] = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)

    def message(self) -> str:
        moved = "、".join(f"{name} {count} 条" for name, count in self.moved.items() if count)
        text = f"已将“{self.merged_name}”合并到“{self.keep.name}”"
        text += f"，移交{moved}" if moved else "，没有需要移交的记录"
        text += f"；“{self.merged_name}”已保留为别名。"
        return text + "".join(f"{note}。" for note in self.notes)


# A merge rule moves one model's rows from the merged unit to the unit kept, settling rows
# both units have for the same thing; it returns (rows moved, notes). Models without a
# rule have their foreign keys to Unit moved as they are.
_MERGE_RULES: dict = {}


def register_merge_rule(model, func) -> None:
    """A domain whose rows need more than a moved foreign key when two units merge
    (unique per unit: a task role, a report per period) says how to settle them."""
    _MERGE_RULES[model._meta.label] = func


def _merge_task_roles(keep: Unit, other: Unit) -> tuple[int, list[str]]:
    """A task where both had a role keeps one row, with the stronger role (lead)."""
    moved, both = 0, 0
    for role in other.task_roles.select_related("task"):
        moved += 1
        existing = TaskUnit.objects.filter(task=role.task, unit=keep).first()
        if existing is None:
            role.unit = keep
            role.save(update_fields=["unit", "updated_at"])
            continue
        both += 1
        if role.role == TaskRole.LEAD and existing.role != TaskRole.LEAD:
            existing.role = TaskRole.LEAD
            existing.save(update_fields=["role", "updated_at"])
        role.delete()
    notes = [f"{both} 项任务两个单位都有分工，合并为一条（任一为牵头则为牵头）"] if both else []
    return moved, notes


register_merge_rule(TaskUnit, _merge_task_roles)


def _move_foreign_keys(relation, keep: Unit, other: Unit) -> int:
    """Move the rows of one relation to Unit (a foreign key, or the rows of an automatic
    many-to-many table, dropping a row the unit kept already has)."""
    if relation.many_to_many:
        through = relation.through
        if not through._meta.auto_created:
            return 0  # an explicit table (TaskUnit) is a foreign key of its own
        unit_field = relation.field.m2m_reverse_field_name()
        owner_field = relation.field.m2m_field_name()
        rows = through.objects.filter(**{unit_field: other})
        owners_with_keep = through.objects.filter(**{unit_field: keep}).values(owner_field)
        moved = rows.count()
        rows.filter(**{f"{owner_field}__in": owners_with_keep}).delete()
        rows.update(**{unit_field: keep})
        return moved
    name = relation.field.name
    return relation.related_model._base_manager.filter(**{name: other}).update(**{name: keep})


def _left_over(other: Unit) -> list[str]:
    left = []
    for relation in Unit._meta.related_objects:
        if relation.many_to_many:
            rows = relation.through.objects.filter(**{relation.field.m2m_reverse_field_name(): other})
        else:
            rows = relation.related_model._base_manager.filter(**{relation.field.name: other})
        if rows.exists():
            left.append(str(relation.related_model._meta.verbose_name))
    return left


@transaction.atomic
def merge_units(keep: Unit, other: Unit, *, actor: Actor | None = None) -> MergeResult:
    """Merge ``other`` into ``keep`` in one transaction: every row that names ``other``
    (task roles, reports, users, supervision items, projects, aliases — every relation to
    Unit) moves to ``keep``, and ``other``'s name becomes an alias of ``keep``. Rows both
    units have for the same thing are settled by the rule their domain registered; a
    merge that cannot be done raises PlanError and leaves everything as it was.
    ``actor`` (the API) must be allowed to manage units; the admin's own permission
    guards its action."""
    if actor is not None:
        check_manage_units(actor, keep.organisation_id)
        check_manage_units(actor, other.organisation_id)
    if keep.pk == other.pk:
        raise PlanError("不能把单位与它自己合并")
    if keep.organisation_id != other.organisation_id:
        raise PlanError("只能合并同一组织名录中的单位")
    keep = Unit.objects.select_for_update().get(pk=keep.pk)
    other = Unit.objects.select_for_update().get(pk=other.pk)
    result = MergeResult(keep=keep, merged_name=other.name)
    done = set()
    try:
        with transaction.atomic():
            for relation in Unit._meta.related_objects:
                model = relation.related_model
                label = str(model._meta.verbose_name)
                if model._meta.label in _MERGE_RULES:
                    if model._meta.label in done:
                        continue
                    done.add(model._meta.label)
                    moved, notes = _MERGE_RULES[model._meta.label](keep, other)
                    result.notes += notes
                else:
                    moved = _move_foreign_keys(relation, keep, other)
                result.moved[label] = result.moved.get(label, 0) + moved
            left = _left_over(other)
            if left:
                raise PlanError(f"“{other.name}”仍有{'、'.join(left)}记录无法移交，未合并")
            other.delete()
            UnitAlias.objects.get_or_create(name=result.merged_name, defaults={"unit": keep})
            record_change(
                actor,
                "合并单位",
                keep,
                {"unit": [result.merged_name, keep.name]},
                moved=result.moved,
                notes=result.notes,
            )
    except IntegrityError as exc:
        raise PlanError(f"两个单位有相同的记录，无法自动合并（{exc}），未做任何更改") from None
    return result
