"""A plan import under review (``PendingImport``): staged from an uploaded file, the
clerk's unit-name fixes, a dry run that shows the diff, the unit names the registry
resolves, the clauses a person should look at, then confirmed (imported) or discarded.
Each write checks the import permission (``permissions.check_import_plan``); the pages
only present these."""

import copy
import re
from dataclasses import dataclass

from django.core.files.base import ContentFile
from django.db import transaction

from luoshi.accounts.permissions import Actor
from luoshi.audit.choices import AuditAction
from luoshi.audit.services import record_change

from .choices import ImportState
from .models import PendingImport, Plan, Unit, UnitAlias
from .permissions import check_import_plan
from .services import MAX_SOURCE_BYTES, ImportResult, import_plan, plan_from_bytes, series_key
from .units import alias_key, normalize_name
from .validation import PlanError


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


def dry_run(actor: Actor, plan_data: dict) -> ImportResult:
    """What importing would do (diff, units added), written and rolled back."""
    try:
        with transaction.atomic():
            result = import_plan(actor, plan_data)
            raise _DryRun(result)
    except _DryRun as done:
        return done.result


@dataclass
class UnitName:
    name: str
    tasks: int
    match: str = ""  # the registry unit it resolves to, if any
    how: str = ""  # "名录" / "别名" / "近似"
    suspicious: bool = False


def unit_names(plan_data: dict, warnings: list[dict]) -> list[UnitName]:
    """Every unit name of the parse, with the registry unit it would resolve to."""
    counts: dict[str, int] = {}
    for task in plan_data.get("tasks") or []:
        for name in (task.get("leads") or []) + (task.get("cooperators") or []):
            counts[name] = counts.get(name, 0) + 1
    for force in plan_data.get("task_forces") or []:
        for name in (force.get("members") or []) + ([force["office"]] if force.get("office") else []):
            counts.setdefault(name, 0)
    by_name = set(Unit.objects.values_list("name", flat=True))
    aliases = dict(UnitAlias.objects.values_list("name", "unit__name"))
    by_key = {alias_key(n): n for n in by_name}
    flagged = {m for w in warnings for m in re.findall(r"“([^”]+)”不像单位名称", w.get("message", ""))}
    out = []
    for name, n in sorted(counts.items(), key=lambda kv: (-kv[1], kv[0])):
        norm = normalize_name(name)
        entry = UnitName(name, n, suspicious=name in flagged)
        if norm in by_name:
            entry.match, entry.how = norm, "名录"
        elif norm in aliases:
            entry.match, entry.how = aliases[norm], "别名"
        elif alias_key(norm) in by_key:
            entry.match, entry.how = by_key[alias_key(norm)], "近似"
        out.append(entry)
    return out


def unclear(plan_data: dict) -> list[str]:
    """Clauses a person should look at: warnings of the parser, tasks without a lead."""
    notes = []
    for warning in plan_data.get("warnings") or []:
        line = warning.get("line")
        notes.append(f"第{line}行：{warning.get('message')}" if line else str(warning.get("message")))
    for task in plan_data.get("tasks") or []:
        if not task.get("leads"):
            names = "、".join(task.get("cooperators") or []) or "无"
            notes.append(
                f"{task['section']}：未写明牵头单位（责任单位：{names}），导入后由各责任单位共同报送"
            )
    return notes


def previous_version(plan_data: dict) -> Plan | None:
    return Plan.objects.filter(series=series_key(plan_data.get("title") or "")).order_by("-version").first()


# ---------------------------------------------------------------- the writes


def stage_import(actor: Actor, name: str, data: bytes) -> PendingImport:
    """Parse an uploaded plan file and keep it, with the parse, for review (nothing of the
    plan is written yet); a file that cannot be read raises ``PlanError``."""
    check_import_plan(actor)
    if len(data) > MAX_SOURCE_BYTES:
        raise PlanError(f"文件超过 {MAX_SOURCE_BYTES // 1024 // 1024} MB")
    plan_data = plan_from_bytes(data, name)
    pending = PendingImport(created_by=actor.user, source_name=name, plan_data=plan_data)
    pending.source_file.save(name, ContentFile(data), save=False)
    pending.save()
    record_change(actor, "上传方案待审", pending, {"source_name": [None, name]}, action=AuditAction.CREATE)
    return pending


def set_renames(actor: Actor, pending: PendingImport, renames: dict[str, str]) -> None:
    """The clerk's unit-name fixes (old name → registry name; empty ones dropped)."""
    check_import_plan(actor)
    before = dict(pending.renames or {})
    pending.renames = {old: new.strip() for old, new in renames.items() if new and new.strip()}
    pending.save(update_fields=["renames", "updated_at"])
    if before != pending.renames:
        record_change(actor, "更正单位名称", pending, {"renames": [before, pending.renames]})


def discard_import(actor: Actor, pending: PendingImport) -> None:
    check_import_plan(actor)
    before = pending.state
    pending.state = ImportState.DISCARDED
    pending.save(update_fields=["state", "updated_at"])
    record_change(actor, "放弃导入", pending, {"state": [before, pending.state]})


@transaction.atomic
def confirm_import(actor: Actor, pending: PendingImport) -> ImportResult:
    """Import the reviewed plan with the clerk's fixes and keep what it changed."""
    fixed = apply_renames(pending.plan_data, pending.renames)
    data = pending.source_file.read() if pending.source_file else None
    result = import_plan(actor, fixed, source_name=pending.source_name, source_bytes=data)
    pending.state = ImportState.CONFIRMED
    pending.plan = result.plan
    pending.result = {**result.diff(), "created": result.created, "version": result.plan.version}
    pending.save(update_fields=["state", "plan", "result", "updated_at"])
    return result
