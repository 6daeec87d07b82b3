"""A plan import under review (``PendingImport``): staged from an uploaded file, the
clerk's unit-name, group and target fixes, a dry run that shows the diff, then confirmed
(imported, the fixes remembered) or discarded. What the review shows of the parse is in
``findings``. Each write checks the import permission (``permissions.check_import_plan``);
the pages only present these."""

import copy
import re
from decimal import Decimal, InvalidOperation

from django.core.files.base import ContentFile
from django.db import transaction

from luoshi.accounts.permissions import Actor
from luoshi.audit.choices import AuditAction
from luoshi.audit.services import record_change

from .choices import ImportState, TargetOp, UnitKind
from .findings import name_counts
from .groups import is_group, known_groups, remembered_groups
from .lookups import find_unit
from .models import GroupMapping, PendingImport, Plan, Unit, UnitAlias, default_organisation_id
from .permissions import check_import_plan
from .reading import check_source_size, plan_from_bytes, series_key
from .services import ImportResult, import_org_id, import_plan
from .units import normalize_name
from .validation import PlanError

# The fields of a task a revision can change, as the review and the result name them.
FIELD_LABELS = {
    "title": "标题",
    "text": "内容",
    "deadline": "完成时限",
    "section": "条目编号",
    "units": "责任单位",
}


def labelled_diff(diff: dict) -> dict:
    """An import's diff with each changed field named in Chinese (``text`` → 内容)."""
    out = dict(diff or {})
    out["tasks_changed"] = [
        {**change, "fields": [FIELD_LABELS.get(name, name) for name in change.get("fields") or []]}
        for change in out.get("tasks_changed") or []
    ]
    return out


class _DryRun(Exception):
    def __init__(self, result: ImportResult):
        self.result = result


def apply_renames(plan_data: dict, renames: dict[str, str]) -> dict:
    """The plan with unit names replaced as the clerk fixed them (empty: kept)."""
    renames = {old: new.strip() for old, new in renames.items() if new and new.strip() and new.strip() != old}
    if not renames:
        return plan_data
    data = copy.deepcopy(plan_data)

    def fix(names):
        out = []
        for name in names or []:
            new = renames.get(name, name)
            if new not in out:
                out.append(new)
        return out

    for task in data.get("tasks") or []:
        task["leads"] = fix(task.get("leads"))
        task["cooperators"] = [n for n in fix(task.get("cooperators")) if n not in task["leads"]]
    for force in data.get("task_forces") or []:
        force["members"] = fix(force.get("members"))
        if force.get("office"):
            force["office"] = renames.get(force["office"], force["office"])
    return data


def dry_run(
    actor: Actor, plan_data: dict, groups: dict | None = None, organisation: int | None = None
) -> ImportResult:
    """What importing would do (diff, units added), written and rolled back."""
    try:
        with transaction.atomic():
            result = import_plan(actor, plan_data, groups=groups, organisation=organisation)
            raise _DryRun(result)
    except _DryRun as done:
        return done.result


def previous_version(plan_data: dict, org_id: int | None = None) -> Plan | None:
    """The organisation's newest version of the plan of this title, if it has one."""
    return (
        Plan.objects.filter(
            organisation_id=org_id or default_organisation_id(),
            series=series_key(plan_data.get("title") or ""),
        )
        .order_by("-version")
        .first()
    )


# ---------------------------------------------------------------- the writes


def stage_import(
    actor: Actor, name: str, data: bytes, organisation: int | None = None, *, plan_data: dict | None = None
) -> PendingImport:
    """Parse an uploaded plan file and keep it, with the parse, for review (nothing of the
    plan is written yet); a file that cannot be read raises ``PlanError``. ``plan_data``:
    the parse already made (a job parses before its short write transaction)."""
    org_id = import_org_id(actor, organisation)
    check_import_plan(actor, org_id)
    check_source_size(len(data), name)
    if plan_data is None:
        plan_data = plan_from_bytes(data, name)
    pending = PendingImport(
        organisation_id=org_id, created_by=actor.user, source_name=name, plan_data=plan_data
    )
    pending.source_file.save(name, ContentFile(data), save=False)
    pending.save()
    record_change(actor, "上传方案待审", pending, {"source_name": [None, name]}, action=AuditAction.CREATE)
    return pending


def set_renames(actor: Actor, pending: PendingImport, renames: dict[str, str]) -> None:
    """The clerk's unit-name fixes (old name → registry name; empty ones dropped)."""
    check_import_plan(actor, pending.organisation_id)
    before = dict(pending.renames or {})
    pending.renames = {old: new.strip() for old, new in renames.items() if new and new.strip()}
    pending.save(update_fields=["renames", "updated_at"])
    if before != pending.renames:
        record_change(actor, "更正单位名称", pending, {"renames": [before, pending.renames]})


def _split_units(text: str) -> list[str]:
    return [normalize_name(n) for n in re.split(r"[、，,；;\s]+", text or "") if n.strip()]


def set_groups(actor: Actor, pending: PendingImport, groups: dict[str, str]) -> None:
    """The clerk's decision for each group phrase: the units it stands for (written
    ``A、B``, each a registry unit or a unit of this plan), or none (kept as a group,
    without a reporting duty). A name that is no unit raises ``PlanError``; nothing is kept then."""
    check_import_plan(actor, pending.organisation_id)
    in_plan = {normalize_name(n) for n in name_counts(apply_renames(pending.plan_data, pending.renames))}
    known = known_groups(pending.organisation_id)
    decided = {}
    problems = []
    for group, text in groups.items():
        units = []
        for name in _split_units(text):
            unit = find_unit(name, pending.organisation_id)
            if unit is not None and unit.kind != UnitKind.GROUP:
                units.append(unit.name)
            elif name in in_plan and not is_group(name, known):
                units.append(name)
            else:
                problems.append(f"“{group}”：“{name}”不在单位名录中，也不是本方案中的单位")
        decided[normalize_name(group)] = list(dict.fromkeys(units))
    if problems:
        raise PlanError("；".join(problems))
    before = dict(pending.groups or {})
    pending.groups = {**before, **decided}
    pending.save(update_fields=["groups", "updated_at"])
    if before != pending.groups:
        record_change(actor, "确定单位群体对应", pending, {"groups": [before, pending.groups]})


TARGET_FIELDS = {"subject": "指标名称", "op": "比较", "value": "目标值", "unit": "计量单位"}


def clean_target(raw: dict) -> tuple[dict, dict[str, str]]:
    """A target's corrected fields from a form (subject, op, value, unit) and the errors,
    in Chinese, by field."""
    errors: dict[str, str] = {}
    subject = (raw.get("subject") or "").strip()
    if not subject:
        errors["subject"] = "请填写指标名称"
    elif len(subject) > 300:
        errors["subject"] = "指标名称不能超过300字"
    op = (raw.get("op") or "").strip()
    if op not in TargetOp.values:
        errors["op"] = "请选择比较方式（不低于、超过、不高于、低于、达到）"
    text = (raw.get("value") or "").strip().replace("，", "").replace(",", "")
    value = None
    try:
        value = Decimal(text)
        if not value.is_finite() or abs(value) >= Decimal("1e14"):
            raise InvalidOperation
    except InvalidOperation:
        errors["value"] = f"目标值“{raw.get('value') or ''}”不是数字，请只填数字（如 90 或 1.5）"
    unit = (raw.get("unit") or "").strip().replace("％", "%")
    if len(unit) > 50:
        errors["unit"] = "计量单位不能超过50字"
    fixed = {"subject": subject, "op": op, "unit": unit}
    if value is not None and "value" not in errors:
        fixed["value"] = int(value) if value == value.to_integral_value() else float(value)
    return fixed, errors


def set_target_fix(actor: Actor, pending: PendingImport, index: int, raw: dict) -> dict[str, str]:
    """Correct the ``index``-th target of the parse in place; returns the errors (nothing
    kept when there are any)."""
    check_import_plan(actor, pending.organisation_id)
    targets = pending.plan_data.get("targets") or []
    if not 0 <= index < len(targets):
        raise PlanError(f"没有第 {index + 1} 个指标")
    fixed, errors = clean_target(raw)
    if errors:
        return errors
    before = apply_target_fixes(pending.plan_data, pending.target_fixes)["targets"][index]
    fixes = dict(pending.target_fixes or {})
    fixes[str(index)] = fixed
    pending.target_fixes = fixes
    pending.save(update_fields=["target_fixes", "updated_at"])
    changed = {
        TARGET_FIELDS[name]: [before.get(name), fixed[name]]
        for name in TARGET_FIELDS
        if before.get(name) != fixed[name]
    }
    if changed:
        record_change(actor, "更正指标", pending, changed, index=index)
    return {}


def apply_target_fixes(plan_data: dict, fixes: dict) -> dict:
    """The plan with the clerk's target corrections."""
    if not fixes:
        return plan_data
    data = {**plan_data, "targets": [dict(t) for t in plan_data.get("targets") or []]}
    for key, fixed in fixes.items():
        index = int(key)
        if 0 <= index < len(data["targets"]):
            data["targets"][index].update(fixed)
            data["targets"][index]["corrected"] = True
    return data


def fixed_plan(pending: PendingImport) -> dict:
    """The parse with every correction of the review: unit names, targets."""
    return apply_target_fixes(apply_renames(pending.plan_data, pending.renames), pending.target_fixes)


def _remember(actor: Actor, pending: PendingImport) -> list[str]:
    """Keep the review's corrections for every later import: a corrected unit name becomes
    an alias of the unit it was corrected to, a group's decision a ``GroupMapping``.
    Returns what was kept, in words."""
    kept = []
    org_id = pending.organisation_id
    for old, new in (pending.renames or {}).items():
        old, new = normalize_name(old), normalize_name(new)
        unit = find_unit(new, org_id)
        if (
            old == new
            or unit is None
            or unit.name == old
            or Unit.objects.filter(organisation_id=org_id, name=old).exists()
        ):
            continue
        alias = UnitAlias.objects.filter(organisation_id=org_id, name=old).first()
        if alias is None:
            alias = UnitAlias.objects.create(name=old, unit=unit)
            record_change(
                actor, "记住单位名称更正", alias, {"unit": [None, unit.name]}, action=AuditAction.CREATE
            )
        elif alias.unit_id != unit.pk:
            before = alias.unit.name
            alias.unit = unit
            alias.save(update_fields=["unit", "updated_at"])
            record_change(actor, "记住单位名称更正", alias, {"unit": [before, unit.name]})
        else:
            continue
        kept.append(f"“{old}”即{unit.name}")
    for name, names in (pending.groups or {}).items():
        units = [u for u in (find_unit(n, org_id) for n in names) if u is not None]
        mapping, created = GroupMapping.objects.get_or_create(organisation_id=org_id, name=name)
        before = remembered_groups(org_id).get(name, []) if not created else []
        mapping.units.clear()
        for unit in units:  # one by one: the rows' order is the clerk's
            mapping.units.add(unit)
        after = [u.name for u in units]
        if created or before != after:
            record_change(
                actor,
                "记住单位群体对应",
                mapping,
                {"units": [None if created else before, after]},
                action=AuditAction.CREATE if created else AuditAction.CHANGE,
            )
            kept.append(f"“{name}”" + (f"对应{'、'.join(after)}" if after else "不承担报送"))
    return kept


def discard_import(actor: Actor, pending: PendingImport) -> None:
    check_import_plan(actor, pending.organisation_id)
    before = pending.state
    pending.state = ImportState.DISCARDED
    pending.save(update_fields=["state", "updated_at"])
    record_change(actor, "放弃导入", pending, {"state": [before, pending.state]})


@transaction.atomic
def confirm_import(actor: Actor, pending: PendingImport) -> ImportResult:
    """Import the reviewed plan with the clerk's fixes and keep what it changed."""
    fixed = fixed_plan(pending)
    for target in fixed.get("targets") or []:
        target.pop("corrected", None)
    data = pending.source_file.read() if pending.source_file else None
    result = import_plan(
        actor,
        fixed,
        source_name=pending.source_name,
        source_bytes=data,
        groups=pending.groups,
        organisation=pending.organisation_id,
    )
    kept = _remember(actor, pending)
    pending.state = ImportState.CONFIRMED
    pending.plan = result.plan
    pending.result = {
        **result.diff(),
        "created": result.created,
        "version": result.plan.version,
        "remembered": kept,
    }
    pending.save(update_fields=["state", "plan", "result", "updated_at"])
    return result
