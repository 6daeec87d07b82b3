"""Writes of the plans domain: import a plan (new or revised), resolving its unit names."""

import hashlib
import re
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path

from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import transaction

from luoshi.accounts.permissions import Actor
from luoshi.audit.choices import AuditAction
from luoshi.audit.services import record_change

from .choices import ForceRole, TaskRole
from .groups import apply_groups, remembered_groups
from .models import (
    Organisation,
    Part,
    Plan,
    PlanDocument,
    Section,
    Target,
    Task,
    TaskForce,
    TaskForceSeat,
    TaskUnit,
    Unit,
    UnitAlias,
    default_organisation_id,
)
from .permissions import check_import_plan
from .reading import content_hash, plan_year, read_plan_file, series_key
from .units import alias_key, guess_kind, normalize_name
from .validation import parse_date, validate_plan

# What other domains do once a plan is imported, in the import's transaction (reporting
# stores the periods its tasks report on and keeps its status rows): registered by them,
# as the merge rules are, so that this domain imports none of theirs.
_AFTER_IMPORT: list = []


def after_import(func) -> None:
    """``func(plan, previous)`` runs after every plan imported (``previous``: the version it
    revises, or None)."""
    _AFTER_IMPORT.append(func)


@dataclass
class ImportResult:
    """What an import did: the plan version it acts on and the differences it brought."""

    plan: Plan
    created: bool
    tasks_added: list[str] = field(default_factory=list)
    tasks_removed: list[str] = field(default_factory=list)
    tasks_changed: list[dict] = field(default_factory=list)
    units_added: list[str] = field(default_factory=list)
    aliases_added: list[tuple[str, str]] = field(default_factory=list)
    warnings: list[dict] = field(default_factory=list)
    breakdown: object = None  # breakdown.BreakdownResult when tasks went down to lower organisations

    def diff(self) -> dict:
        return {
            "tasks_added": self.tasks_added,
            "tasks_removed": self.tasks_removed,
            "tasks_changed": self.tasks_changed,
            "units_added": self.units_added,
            "aliases_added": [list(pair) for pair in self.aliases_added],
        }


# ---------------------------------------------------------------- units


class UnitResolver:
    """Finds or creates the registry unit for each name written in a plan.

    A name is matched by its normal form, then by a recorded alias, then by the alias key
    (``区住建(交通)局`` ↔ ``区住建局(交通局)``); an alias-key match records the new spelling
    as an alias of the existing unit.
    """

    def __init__(self, result: ImportResult | None, org_id: int):
        self.result = result
        self.org_id = org_id
        units = Unit.objects.filter(organisation_id=org_id)
        self.by_name = {unit.name: unit for unit in units}
        self.by_alias = {
            alias.name: alias.unit
            for alias in UnitAlias.objects.filter(unit__in=units).select_related("unit")
        }
        self.by_key: dict[str, Unit] = {}
        for unit in self.by_name.values():
            self.by_key.setdefault(alias_key(unit.name), unit)
        for name, unit in self.by_alias.items():
            self.by_key.setdefault(alias_key(name), unit)

    def preload(self, names: list[str]) -> None:
        """Register a document's names, the preferred spelling of each unit first.

        Of two spellings of one new unit, the one whose bracket closes the name
        (``区住建局(交通局)``) is the canonical name, the other (``区住建(交通)局``) its alias.
        """
        groups: dict[str, list[str]] = {}
        for raw in names:
            name = normalize_name(raw)
            groups.setdefault(alias_key(name), [])
            if name not in groups[alias_key(name)]:
                groups[alias_key(name)].append(name)
        for spellings in groups.values():
            for name in sorted(spellings, key=lambda n: not n.endswith(")")):
                self.get(name)

    def find(self, raw: str) -> Unit | None:
        """The registry unit a name stands for (its name, an alias, or the alias key), or
        None; nothing is recorded."""
        name = normalize_name(raw)
        return self.by_name.get(name) or self.by_alias.get(name) or self.by_key.get(alias_key(name))

    def get(self, raw: str) -> Unit:
        name = normalize_name(raw)
        unit = self.by_name.get(name) or self.by_alias.get(name)
        if unit:
            return unit
        unit = self.by_key.get(alias_key(name))
        if unit:
            assert self.result is not None, "a resolver that records needs an import result"
            UnitAlias.objects.create(unit=unit, name=name)
            self.by_alias[name] = unit
            self.result.aliases_added.append((name, unit.name))
            return unit
        unit = Unit.objects.create(
            organisation_id=self.org_id, name=name, kind=guess_kind(name), order=len(self.by_name)
        )
        self.by_name[name] = unit
        self.by_key[alias_key(name)] = unit
        self.result.units_added.append(name)
        return unit


# ---------------------------------------------------------------- importing


def import_org_id(actor: Actor, organisation: "Organisation | int | None" = None) -> int:
    """The organisation an import lands in: the one named, else the importer's own, else
    (the system) the install's first."""
    if isinstance(organisation, Organisation):
        return organisation.pk
    if organisation is not None:
        return int(organisation)
    return actor.org_id or default_organisation_id()


def _task_title(section: dict) -> str:
    if section.get("title"):
        return section["title"][:500]
    text = (section.get("text") or "").split("\n")[0]
    first = re.split(r"[。；;]", text, maxsplit=1)[0]
    first = re.sub(r"[（(\[〔【][^（(]*$", "", first).strip() or text[:80]
    return first[:120]


@transaction.atomic
def import_plan(
    actor: Actor,
    plan_data: dict,
    *,
    source_name: str = "",
    source_bytes: bytes | None = None,
    series: str | None = None,
    groups: dict[str, list[str]] | None = None,
    organisation: Organisation | int | None = None,
) -> ImportResult:
    """Import a plan document (Plan JSON) in one transaction.

    A group phrase (``区直有关单位``) the clerk mapped to concrete units, in ``groups`` or
    remembered from an earlier import (``GroupMapping``), stands for those units; a group
    without units stays on its tasks as a group, with no reporting duty.

    The same content again changes nothing; a revision of an existing plan (same title, or
    ``series`` given) becomes a new version whose unchanged and edited tasks keep their
    identity, and the result lists tasks added, removed and changed and units added.
    Only the coordinator (or the system: the command line) imports plans. The plan lands
    in ``organisation`` (default the importer's own; the system's default: the install's
    first) with that organisation's units: names resolve within its registry only.
    """
    org_id = import_org_id(actor, organisation)
    check_import_plan(actor, org_id)
    validate_plan(plan_data)
    original = plan_data
    plan_data = apply_groups(plan_data, {**remembered_groups(org_id), **_normal_keys(groups or {})})
    digest = content_hash(plan_data)
    series = series or series_key(plan_data["title"])
    previous = Plan.objects.filter(organisation_id=org_id, series=series).order_by("-version").first()
    if previous and previous.content_hash == digest:
        return ImportResult(plan=previous, created=False, warnings=plan_data.get("warnings") or [])

    result = ImportResult(plan=None, created=True, warnings=plan_data.get("warnings") or [])  # type: ignore[arg-type]
    resolver = UnitResolver(result, org_id)
    plan = Plan.objects.create(
        organisation_id=org_id,
        series=series,
        version=previous.version + 1 if previous else 1,
        title=plan_data["title"].strip(),
        issuer=plan_data.get("issuer") or "",
        doc_number=plan_data.get("doc_number") or "",
        date=parse_date(plan_data["date"], "date") if plan_data.get("date") else None,
        year=plan_year(plan_data),
        source_name=source_name,
        content_hash=digest,
    )
    PlanDocument.objects.create(plan=plan, data=original)
    result.plan = plan
    parts = {
        p["key"]: Part.objects.create(plan=plan, key=p["key"], title=p["title"], order=i)
        for i, p in enumerate(plan_data["parts"])
    }
    sections = _create_sections(plan, parts, plan_data["sections"])
    resolver.preload(_unit_names(plan_data))
    _import_tasks(plan, parts, sections, plan_data, previous, resolver, result)
    _import_targets(plan, sections, plan_data.get("targets") or [], previous)
    _import_task_forces(plan, parts, plan_data.get("task_forces") or [], resolver)

    plan.diff = result.diff() if previous else {"units_added": result.units_added}
    if source_bytes is not None:
        plan.source_sha256 = hashlib.sha256(source_bytes).hexdigest()
        plan.source_file.name = _keep_source(source_bytes, plan.source_sha256, source_name)
    plan.save()
    for func in _AFTER_IMPORT:
        func(plan, previous)
    record_change(
        actor,
        "导入方案" if previous is None else "导入方案修订版",
        plan,
        {"version": [previous.version if previous else None, plan.version]},
        action=AuditAction.CREATE,
        source=source_name,
        sha256=plan.source_sha256,
        diff=plan.diff,
    )
    if Organisation.objects.filter(parent_id=plan.organisation_id).exists():
        from .breakdown import run_breakdown  # 层层分解: the tasks that name lower organisations

        result.breakdown = run_breakdown(actor, plan)
    return result


def _normal_keys(groups: dict[str, list[str]]) -> dict[str, list[str]]:
    return {normalize_name(name): list(units) for name, units in groups.items()}


def _keep_source(data: bytes, sha256: str, name: str) -> str:
    """Store the original file under its content hash; storing it twice is a no-op, so a
    rolled-back import leaves nothing that a retry would not reuse."""
    stored = f"plans/{sha256[:2]}/{sha256}/{Path(name or 'plan.json').name}"
    if not default_storage.exists(stored):
        default_storage.save(stored, ContentFile(data))
    return stored


def _unit_names(plan_data: dict) -> list[str]:
    names = []
    for task in plan_data["tasks"]:
        names += (task.get("leads") or []) + (task.get("cooperators") or [])
    for force in plan_data.get("task_forces") or []:
        names += (force.get("members") or []) + ([force["office"]] if force.get("office") else [])
    return names


def _create_sections(plan: Plan, parts: dict[str, Part], items: list[dict]) -> dict[str, Section]:
    sections: dict[str, Section] = {}
    # Parents precede children in the document, so one pass by depth lets bulk_create
    # save each level with its parents' primary keys already known.
    by_depth: dict[int, list[tuple[int, dict]]] = {}
    depth: dict[str, int] = {}
    for order, item in enumerate(items):
        depth[item["id"]] = depth[item["parent"]] + 1 if item.get("parent") else 0
        by_depth.setdefault(depth[item["id"]], []).append((order, item))
    for level in sorted(by_depth):
        batch = [
            Section(
                plan=plan,
                part=parts[item["part"]],
                parent=sections[item["parent"]] if item.get("parent") else None,
                sid=item["id"],
                number=item["number"],
                title=(item.get("title") or "")[:500],
                text=item.get("text") or "",
                order=order,
            )
            for order, item in by_depth[level]
        ]
        for section in Section.objects.bulk_create(batch):
            sections[section.sid] = section
    return sections


def _import_tasks(plan, parts, sections, plan_data, previous, resolver, result) -> None:
    old_tasks: dict[str, Task] = {}
    old_by_text: dict[str, Task] = {}
    old_roles: dict[int, tuple[list[str], list[str]]] = {}
    if previous:
        for task in (
            Task.objects.filter(plan=previous).select_related("section").prefetch_related("task_units__unit")
        ):
            old_tasks[task.section.sid] = task
            old_by_text.setdefault(task.text, task)
            old_roles[task.pk] = ([u.name for u in task.leads()], [u.name for u in task.cooperators()])
    old_sids = {task.pk: sid for sid, task in old_tasks.items()}
    seen: set[int] = set()
    for entry in plan_data["tasks"]:
        section = sections[entry["section"]]
        leads = _unique([resolver.get(name) for name in entry.get("leads") or []])
        cooperators = [
            u for u in _unique([resolver.get(n) for n in entry.get("cooperators") or []]) if u not in leads
        ]
        deadline = parse_date(entry["deadline"], "deadline") if entry.get("deadline") else None
        fields = {
            "plan": plan,
            "part": section.part,
            "section": section,
            "title": _task_title({"title": section.title, "text": section.text}),
            "text": section.text,
            "deadline": deadline,
        }
        task = old_tasks.get(section.sid) or old_by_text.get(section.text)
        if task is not None and task.pk in seen:
            task = None
        if task is None:
            task = Task.objects.create(**fields)
            result.tasks_added.append(section.sid)
        else:
            seen.add(task.pk)
            changed = [name for name in ("title", "text", "deadline") if getattr(task, name) != fields[name]]
            if task.section.sid != section.sid:
                changed.append("section")
            if old_roles[task.pk] != ([u.name for u in leads], [u.name for u in cooperators]):
                changed.append("units")
            for name, value in fields.items():
                setattr(task, name, value)
            task.save()
            if changed:
                result.tasks_changed.append(
                    {"section": section.sid, "from": old_sids[task.pk], "fields": changed}
                )
            if "units" not in changed:
                continue
            task.task_units.all().delete()
        TaskUnit.objects.bulk_create(
            [TaskUnit(task=task, unit=u, role=TaskRole.LEAD, order=i) for i, u in enumerate(leads)]
            + [
                TaskUnit(task=task, unit=u, role=TaskRole.COOPERATOR, order=i)
                for i, u in enumerate(cooperators)
            ]
        )
    result.tasks_removed = sorted(
        (sid for sid, task in old_tasks.items() if task.pk not in seen),
        key=lambda sid: old_tasks[sid].section.order,
    )


def _unique(units: list[Unit]) -> list[Unit]:
    seen, out = set(), []
    for unit in units:
        if unit.pk not in seen:
            seen.add(unit.pk)
            out.append(unit)
    return out


def _import_targets(plan, sections, entries, previous) -> None:
    old: dict[tuple, list[Target]] = {}
    if previous:
        for target in Target.objects.filter(plan=previous).select_related("section"):
            old.setdefault((target.section.sid, target.op, target.unit, target.subject), []).append(target)
    new = []
    for order, entry in enumerate(entries):
        section = sections[entry["section"]]
        fields = {
            "plan": plan,
            "part": section.part,
            "section": section,
            "subject": (entry.get("subject") or "")[:300],
            "op": entry["op"],
            "value": Decimal(str(entry["value"])),
            "unit": entry.get("unit") or "",
            "text": entry.get("text") or "",
            "order": order,
        }
        matches = old.get((section.sid, fields["op"], fields["unit"], fields["subject"]))
        if matches:
            target = matches.pop(0)
            for name, value in fields.items():
                setattr(target, name, value)
            target.save()
        else:
            new.append(Target(**fields))
    Target.objects.bulk_create(new)


def _import_task_forces(plan, parts, entries, resolver) -> None:
    roles = (
        ("convenors", ForceRole.CONVENOR),
        ("deputy_convenors", ForceRole.DEPUTY),
        ("members", ForceRole.MEMBER),
    )
    for entry in entries:
        office = resolver.get(entry["office"]) if entry.get("office") else None
        force = TaskForce.objects.create(
            plan=plan,
            part=parts[entry["part"]],
            name=entry.get("name") or parts[entry["part"]].title,
            office=office,
        )
        seats = []
        for key, role in roles:
            for order, name in enumerate(entry.get(key) or []):
                unit = resolver.get(name) if role == ForceRole.MEMBER else None
                seats.append(
                    TaskForceSeat(
                        task_force=force, role=role, name=unit.name if unit else name, unit=unit, order=order
                    )
                )
        TaskForceSeat.objects.bulk_create(seats)


def import_file(
    actor: Actor, path: str | Path, *, series: str | None = None, organisation: Organisation | None = None
) -> ImportResult:
    """Import a plan file (Plan JSON or a document the parser reads), keeping the file,
    into ``organisation`` (default the importer's own)."""
    check_import_plan(actor)
    plan_data, data = read_plan_file(path)
    return import_plan(
        actor,
        plan_data,
        source_name=Path(path).name,
        source_bytes=data,
        series=series,
        organisation=organisation,
    )
