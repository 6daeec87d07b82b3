"""Writes of the plans domain: import a plan (new or revised), resolve and merge units."""

import hashlib
import json
import re
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path

from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import IntegrityError, transaction
from django.db.models import Count, Q

from luoshi.accounts.permissions import Actor
from luoshi.audit.choices import AuditAction
from luoshi.audit.services import record_change

from .choices import ForceRole, TaskRole, UnitKind
from .models import (
    GroupMapping,
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
)
from .permissions import check_import_plan
from .units import alias_key, guess_kind, normalize_name
from .validation import PlanError, load_json_bytes, parse_date, validate_plan

PARSABLE_SUFFIXES = {".txt", ".docx", ".html", ".htm", ".pdf"}
MAX_SOURCE_BYTES = 60 * 1024 * 1024


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

    def diff(self) -> dict:
        return {
            "tasks_added": self.tasks_added,
            "tasks_removed": self.tasks_removed,
            "tasks_changed": self.tasks_changed,
            "units_added": self.units_added,
            "aliases_added": [list(pair) for pair in self.aliases_added],
        }


# ---------------------------------------------------------------- reading a file


def read_plan_file(path: str | Path) -> tuple[dict, bytes]:
    """The Plan JSON of a file: a ``.json`` as it is, a document through the parser."""
    path = Path(path)
    if not path.is_file():
        raise PlanError(f"找不到文件 {path}")
    if path.stat().st_size > MAX_SOURCE_BYTES:
        raise PlanError(f"文件 {path.name} 超过 {MAX_SOURCE_BYTES // 1024 // 1024} MB，不予导入")
    data = path.read_bytes()
    return plan_from_bytes(data, path.name), data


def plan_from_bytes(data: bytes, name: str) -> dict:
    """Plan JSON from an uploaded or read file; JSON by extension or content."""
    suffix = Path(name).suffix.lower()
    if suffix == ".json" or (suffix not in PARSABLE_SUFFIXES and data.lstrip()[:1] in (b"{", b"[")):
        return load_json_bytes(data, name)
    from luoshi.docparse import DocumentError, parse

    try:
        return parse(data, filename=name)
    except DocumentError as exc:
        raise PlanError(f"{name}：{exc}") from None


def content_hash(plan: dict) -> str:
    """A fingerprint of what a plan says (warnings aside), stable across key order."""
    body = {key: value for key, value in plan.items() if key != "warnings"}
    return hashlib.sha256(json.dumps(body, ensure_ascii=False, sort_keys=True).encode()).hexdigest()


def series_key(title: str) -> str:
    """Versions of one plan share their title, whitespace and bracket width aside."""
    return normalize_name(title)


def plan_year(plan: dict) -> int:
    if plan.get("date"):
        return parse_date(plan["date"], "date").year
    for text in (plan.get("doc_number") or "", plan.get("title") or ""):
        found = re.search(r"(20\d\d)", text)
        if found:
            return int(found.group(1))
    raise PlanError(
        "date：方案没有成文日期，标题和文号中也找不到年份，无法确定方案年度；请在 JSON 中补上 date"
    )


# ---------------------------------------------------------------- units


class UnitResolver:
    """Finds or creates the registry unit for each name written in a plan.

    A name is matched by its normal form, then by a recorded alias, then by the alias key
    (``区住建(交通)局`` ↔ ``区住建局(交通局)``); an alias-key match records the new spelling
    as an alias of the existing unit.
    """

    def __init__(self, result: ImportResult):
        self.result = result
        self.by_name = {unit.name: unit for unit in Unit.objects.all()}
        self.by_alias = {alias.name: alias.unit for alias in UnitAlias.objects.select_related("unit")}
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

    def get(self, raw: str) -> Unit:
        name = normalize_name(raw)
        unit = self.by_name.get(name) or self.by_alias.get(name)
        if unit:
            return unit
        unit = self.by_key.get(alias_key(name))
        if unit:
            UnitAlias.objects.create(unit=unit, name=name)
            self.by_alias[name] = unit
            self.result.aliases_added.append((name, unit.name))
            return unit
        unit = Unit.objects.create(name=name, kind=guess_kind(name), order=len(self.by_name))
        self.by_name[name] = unit
        self.by_key[alias_key(name)] = unit
        self.result.units_added.append(name)
        return unit


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
def merge_units(keep: Unit, other: Unit) -> MergeResult:
    """Merge ``other`` into ``keep`` in one transaction: every row that names ``other``
    (task roles, reports, users, supervision items, projects, aliases — every relation to
    Unit) moves to ``keep``, and ``other``'s name becomes an alias of ``keep``. Rows both
    units have for the same thing are settled by the rule their domain registered; a
    merge that cannot be done raises PlanError and leaves everything as it was."""
    if keep.pk == other.pk:
        raise PlanError("不能把单位与它自己合并")
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
                None,
                "合并单位",
                keep,
                {"unit": [result.merged_name, keep.name]},
                moved=result.moved,
                notes=result.notes,
            )
    except IntegrityError as exc:
        raise PlanError(f"两个单位有相同的记录，无法自动合并（{exc}），未做任何更改") from None
    return result


def units_with_counts(plan: Plan | None = None):
    """Units with how many tasks each leads and cooperates on (in ``plan``, else all current);
    a group phrase (``区直有关单位``) is no unit and is not listed."""
    plans = [plan] if plan else latest_plans()
    in_plan = Q(task_roles__task__plan__in=plans)
    return (
        Unit.objects.exclude(kind=UnitKind.GROUP)
        .annotate(
            lead_count=Count("task_roles", filter=in_plan & Q(task_roles__role=TaskRole.LEAD)),
            cooperate_count=Count("task_roles", filter=in_plan & Q(task_roles__role=TaskRole.COOPERATOR)),
        )
        .prefetch_related("aliases")
        .order_by("order", "name")
    )


def find_unit(name: str) -> Unit | None:
    """The registry unit a user means by a name: its name, an alias, a spelling with the
    bracket elsewhere (``区住建(交通)局``), or its short name; None if none or ambiguous."""
    normal = normalize_name(name or "")
    if not normal:
        return None
    unit = Unit.objects.filter(name=normal).first()
    if unit is None:
        alias = UnitAlias.objects.select_related("unit").filter(name=normal).first()
        unit = alias.unit if alias else None
    if unit is None:
        key = alias_key(normal)
        matches = [u for u in Unit.objects.all() if alias_key(u.name) == key]
        unit = matches[0] if len(matches) == 1 else None
    if unit is None:
        matches = list(Unit.objects.filter(short_name=normal))
        unit = matches[0] if len(matches) == 1 else None
    return unit


# ---------------------------------------------------------------- choosing a plan


def latest_plans() -> list[Plan]:
    """The newest version of each plan series."""
    newest: dict[str, Plan] = {}
    for plan in Plan.objects.order_by("series", "-version"):
        newest.setdefault(plan.series, plan)
    return list(newest.values())


def get_plan(ref: str | None = None) -> Plan:
    """The plan a command acts on: by id, 文号 or title words; default the latest imported."""
    if not ref:
        plan = Plan.objects.order_by("-created_at", "-pk").first()
        if plan is None:
            raise PlanError("还没有导入任何方案：请先运行 luoshi import 方案文件")
        return Plan.objects.filter(series=plan.series).order_by("-version").first()
    if ref.isdigit():
        plan = Plan.objects.filter(pk=int(ref)).first()
        if plan:
            return plan
    matches = Plan.objects.filter(Q(doc_number=ref) | Q(title__contains=ref)).order_by("series", "-version")
    newest = {}
    for plan in matches:
        newest.setdefault(plan.series, plan)
    if not newest:
        raise PlanError(f"找不到方案 {ref!r}：请用方案编号、发文字号或标题中的词（luoshi plans 列出全部）")
    if len(newest) > 1:
        names = "；".join(f"{p.pk}：{p.title}" for p in newest.values())
        raise PlanError(f"{ref!r} 对应多个方案，请用编号指明：{names}")
    return next(iter(newest.values()))


# ---------------------------------------------------------------- importing


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
) -> ImportResult:
    """Import a plan document (Plan JSON) in one transaction.

    A group phrase (``区直有关单位``) the clerk mapped to concrete units, in ``groups`` or
    remembered from an earlier import (``GroupMapping``), stands for those units; a group
    without units stays on its tasks as a group, with no reporting duty.

    The same content again changes nothing; a revision of an existing plan (same title, or
    ``series`` given) becomes a new version whose unchanged and edited tasks keep their
    identity, and the result lists tasks added, removed and changed and units added.
    Only the coordinator (or the system: the command line) imports plans.
    """
    check_import_plan(actor)
    validate_plan(plan_data)
    original = plan_data
    plan_data = apply_groups(plan_data, {**remembered_groups(), **_normal_keys(groups or {})})
    digest = content_hash(plan_data)
    series = series or series_key(plan_data["title"])
    previous = Plan.objects.filter(series=series).order_by("-version").first()
    if previous and previous.content_hash == digest:
        return ImportResult(plan=previous, created=False, warnings=plan_data.get("warnings") or [])

    result = ImportResult(plan=None, created=True, warnings=plan_data.get("warnings") or [])  # type: ignore[arg-type]
    resolver = UnitResolver(result)
    plan = Plan.objects.create(
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
    return result


def remembered_groups() -> dict[str, list[str]]:
    """Each group phrase the clerk has mapped before, with the units it stands for."""
    groups: dict[str, list[str]] = {name: [] for name in GroupMapping.objects.values_list("name", flat=True)}
    rows = GroupMapping.units.through.objects.order_by("pk").values_list("groupmapping__name", "unit__name")
    for group, unit in rows:  # in the order the clerk wrote them
        groups[group].append(unit)
    return groups


def _normal_keys(groups: dict[str, list[str]]) -> dict[str, list[str]]:
    return {normalize_name(name): list(units) for name, units in groups.items()}


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


def import_file(actor: Actor, path: str | Path, *, series: str | None = None) -> ImportResult:
    """Import a plan file (Plan JSON or a document the parser reads), keeping the file."""
    check_import_plan(actor)
    plan_data, data = read_plan_file(path)
    return import_plan(actor, plan_data, source_name=Path(path).name, source_bytes=data, series=series)
