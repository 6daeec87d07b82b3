"""Writes of the unit registry (单位名录): add a unit, change it (rename, kind, short
name, order), give it another spelling (alias) or take one away. Merging two units is
``merge.merge_units``. Each write checks ``permissions.check_manage_units``; a name is
kept in its normal form (``units.normalize_name``) and must name no other unit, by its
name or an alias."""

from django.db import transaction

from luoshi.accounts.permissions import Actor
from luoshi.audit.choices import AuditAction
from luoshi.audit.services import diff, record_change, snapshot

from .choices import UnitKind
from .models import Unit, UnitAlias, default_organisation_id
from .permissions import check_manage_units
from .units import guess_kind, normalize_name
from .validation import PlanError

FIELDS = ("name", "kind", "short_name", "order")


def _free_name(name: str, field: str, org_id: int, *, unit: Unit | None = None) -> str:
    normal = normalize_name(name or "")
    if not normal:
        raise PlanError(f"{field}不能为空")
    if len(normal) > 200:
        raise PlanError(f"{field}不能超过200字")
    other = (
        Unit.objects.filter(organisation_id=org_id, name=normal).exclude(pk=unit.pk if unit else None).first()
    )
    if other is not None:
        raise PlanError(f"{field}“{normal}”已是名录中的单位")
    alias = UnitAlias.objects.select_related("unit").filter(organisation_id=org_id, name=normal).first()
    if alias is not None:
        raise PlanError(f"{field}“{normal}”已是“{alias.unit.name}”的别名")
    return normal


def _kind(kind: str | None) -> str | None:
    if kind is not None and kind not in UnitKind.values:
        raise PlanError(f"单位类型“{kind}”无效，应为：{'、'.join(UnitKind.values)}")
    return kind


@transaction.atomic
def create_unit(
    actor: Actor,
    name: str,
    *,
    kind: str | None = None,
    short_name: str = "",
    order: int = 0,
    organisation: int | None = None,
) -> Unit:
    """A new unit in an organisation's registry (default the actor's own)."""
    org_id = organisation or actor.org_id or default_organisation_id()
    check_manage_units(actor, org_id)
    normal = _free_name(name, "单位名称", org_id)
    unit = Unit.objects.create(
        organisation_id=org_id,
        name=normal,
        kind=_kind(kind) or guess_kind(normal),
        short_name=(short_name or "").strip()[:50],
        order=max(0, order),
    )
    record_change(actor, "新增单位", unit, diff({}, snapshot(unit, FIELDS)), action=AuditAction.CREATE)
    return unit


@transaction.atomic
def change_unit(
    actor: Actor,
    unit: Unit,
    *,
    name: str | None = None,
    kind: str | None = None,
    short_name: str | None = None,
    order: int | None = None,
) -> Unit:
    """Rename a unit (every task, report and user naming it follows: they point at the
    row), or change its kind, short name or place in lists."""
    check_manage_units(actor, unit.organisation_id)
    unit = Unit.objects.select_for_update().get(pk=unit.pk)
    before = snapshot(unit, FIELDS)
    if name is not None:
        unit.name = (
            _free_name(name, "单位名称", unit.organisation_id, unit=unit)
            if normalize_name(name) != unit.name
            else unit.name
        )
    if kind is not None:
        unit.kind = _kind(kind)
    if short_name is not None:
        if len(short_name.strip()) > 50:
            raise PlanError("简称不能超过50字")
        unit.short_name = short_name.strip()
    if order is not None:
        unit.order = max(0, order)
    changes = diff(before, snapshot(unit, FIELDS))
    if changes:
        unit.save()
        record_change(actor, "修改单位", unit, changes)
    return unit


@transaction.atomic
def add_alias(actor: Actor, unit: Unit, name: str) -> UnitAlias:
    """Another spelling of the unit's name, recognised by every later import and filter."""
    check_manage_units(actor, unit.organisation_id)
    alias = UnitAlias.objects.create(unit=unit, name=_free_name(name, "别名", unit.organisation_id))
    record_change(actor, "新增单位别名", alias, {"name": [None, alias.name]}, action=AuditAction.CREATE)
    return alias


@transaction.atomic
def remove_alias(actor: Actor, alias: UnitAlias) -> None:
    check_manage_units(actor, alias.organisation_id)
    record_change(actor, "删除单位别名", alias, {"name": [alias.name, None]}, action=AuditAction.DELETE)
    alias.delete()
