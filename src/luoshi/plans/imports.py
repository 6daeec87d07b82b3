"""A plan import under review (``PendingImport``): staged from an uploaded file, the
clerk's unit-name fixes, a dry run that shows the diff, the unit names the registry
resolves, the clauses a person should look at, then confirmed (imported) or discarded.
Each write checks the import permission (``permissions.check_import_plan``); the pages
only present these."""

import copy
import re
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation

from django.core.files.base import ContentFile
from django.db import transaction

from luoshi.accounts.permissions import Actor
from luoshi.audit.choices import AuditAction
from luoshi.audit.services import record_change

from .choices import ImportState, TargetOp, UnitKind
from .models import GroupMapping, PendingImport, Plan, Unit, UnitAlias
from .permissions import check_import_plan
from .services import (
    MAX_SOURCE_BYTES,
    ImportResult,
    find_unit,
    import_plan,
    plan_from_bytes,
    remembered_groups,
    series_key,
)
from .units import alias_key, guess_kind, normalize_name
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


def dry_run(actor: Actor, plan_data: dict, groups: dict | None = None) -> ImportResult:
    """What importing would do (diff, units added), written and rolled back."""
    try:
        with transaction.atomic():
            result = import_plan(actor, plan_data, groups=groups)
            raise _DryRun(result)
    except _DryRun as done:
        return done.result


def is_group(name: str, known: set[str] | None = None) -> bool:
    """A group phrase (``区直有关单位``, ``各乡镇(街道)``), not one unit: by its words, or
    because the registry or a remembered mapping already holds it as a group."""
    norm = normalize_name(name)
    return guess_kind(norm) == UnitKind.GROUP or (known is not None and norm in known)


def known_groups() -> set[str]:
    return set(Unit.objects.filter(kind=UnitKind.GROUP).values_list("name", flat=True)) | set(
        GroupMapping.objects.values_list("name", flat=True)
    )


@dataclass
class GroupName:
    name: str
    tasks: int
    units: list[str] = field(default_factory=list)  # what it stands for in this import
    how: str = ""  # "本次" (decided in this review) / "沿用" (remembered) / "" (not decided)


def group_names(plan_data: dict, decided: dict[str, list[str]]) -> list[GroupName]:
    """The group phrases of the parse, with what each will stand for on import."""
    known = known_groups()
    remembered = remembered_groups()
    out = []
    for name, count in _name_counts(plan_data).items():
        if not is_group(name, known):
            continue
        norm = normalize_name(name)
        entry = GroupName(name, count)
        if norm in decided:
            entry.units, entry.how = list(decided[norm]), "本次"
        elif norm in remembered:
            entry.units, entry.how = list(remembered[norm]), "沿用"
        out.append(entry)
    return sorted(out, key=lambda g: (-g.tasks, g.name))


def _name_counts(plan_data: dict) -> dict[str, int]:
    counts: dict[str, int] = {}
    for task in plan_data.get("tasks") or []:
        for name in (task.get("leads") or []) + (task.get("cooperators") or []):
            counts[name] = counts.get(name, 0) + 1
    for force in plan_data.get("task_forces") or []:
        for name in (force.get("members") or []) + ([force["office"]] if force.get("office") else []):
            counts.setdefault(name, 0)
    return counts


@dataclass
class UnitName:
    name: str
    tasks: int
    match: str = ""  # the registry unit it resolves to, if any
    how: str = ""  # "名录" / "别名" / "近似"
    suspicious: bool = False

    @property
    def settled(self) -> bool:
        """In the registry by its name or a remembered spelling: nothing to ask."""
        return self.how in ("名录", "别名") and not self.suspicious


def unit_names(plan_data: dict, warnings: list[dict]) -> list[UnitName]:
    """Every unit name of the parse, with the registry unit it would resolve to."""
    counts = _name_counts(plan_data)
    known = known_groups()
    by_name = set(Unit.objects.exclude(kind=UnitKind.GROUP).values_list("name", flat=True))
    aliases = dict(UnitAlias.objects.values_list("name", "unit__name"))
    by_key = {alias_key(n): n for n in by_name}
    flagged = {m for w in warnings for m in re.findall(r"“([^”]+)”不像单位名称", w.get("message", ""))}
    out = []
    for name, n in sorted(counts.items(), key=lambda kv: (-kv[1], kv[0])):
        if is_group(name, known):
            continue
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


def _split_units(text: str) -> list[str]:
    return [normalize_name(n) for n in re.split(r"[、，,；;\s]+", text or "") if n.strip()]


def set_groups(actor: Actor, pending: PendingImport, groups: dict[str, str]) -> None:
    """The clerk's decision for each group phrase: the units it stands for (written
    ``A、B``, each a registry unit or a unit of this plan), or none (kept as a group,
    without a reporting duty). A name that is no unit raises ``PlanError``; nothing is kept then."""
    check_import_plan(actor)
    in_plan = {normalize_name(n) for n in _name_counts(apply_renames(pending.plan_data, pending.renames))}
    known = known_groups()
    decided = {}
    problems = []
    for group, text in groups.items():
        units = []
        for name in _split_units(text):
            unit = find_unit(name)
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
    check_import_plan(actor)
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
    for old, new in (pending.renames or {}).items():
        old, new = normalize_name(old), normalize_name(new)
        unit = find_unit(new)
        if old == new or unit is None or unit.name == old or Unit.objects.filter(name=old).exists():
            continue
        alias = UnitAlias.objects.filter(name=old).first()
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
        units = [u for u in (find_unit(n) for n in names) if u is not None]
        mapping, created = GroupMapping.objects.get_or_create(name=name)
        before = remembered_groups().get(name, []) if not created else []
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
    check_import_plan(actor)
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
        actor, fixed, source_name=pending.source_name, source_bytes=data, groups=pending.groups
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


# ---------------------------------------------------------------- what to look at


_LEADING_WORDS = (
    "实现",
    "保持",
    "达到",
    "力争",
    "持续",
    "确保",
    "和",
    "及",
    "并",
    "将",
    "使",
)
_TRAILING_WORDS = (
    "实现",
    "保持在",
    "保持",
    "达到",
    "达",
    "力争",
    "超过",
    "不低于",
    "不少于",
    "控制在",
    "提高到",
    "为",
)
_TIME_UNITS = ("年", "月", "日", "天", "周", "小时", "个月", "个工作日", "工作日")


def target_doubts(target: dict) -> list[str]:
    """Why a target read by the parser may be wrong, in words (empty: nothing seen)."""
    subject = (target.get("subject") or "").strip()
    reasons = []
    if not subject:
        reasons.append("没有识别出指标名称")
    else:
        if len(subject) <= 2:
            reasons.append(f"指标名称“{subject}”过短，可能缺少主语")
        if subject.startswith(_LEADING_WORDS):
            reasons.append(
                f"指标名称以“{next(w for w in _LEADING_WORDS if subject.startswith(w))}”开头，可能截取有误"
            )
        if subject.endswith(_TRAILING_WORDS):
            reasons.append(
                f"指标名称以“{next(w for w in _TRAILING_WORDS if subject.endswith(w))}”结尾，可能截取有误"
            )
        if subject.count("“") != subject.count("”") or subject.count("(") != subject.count(")"):
            reasons.append("指标名称中的引号或括号不成对")
    if (target.get("unit") or "") in _TIME_UNITS:
        reasons.append(f"计量单位是时间（{target['unit']}），可能是时限而不是指标")
    if target.get("value") in (0, 0.0) and target.get("op") != ">":
        reasons.append("目标值为 0")
    text = target.get("text") or ""
    if "最高" in text and target.get("op") in (">=", ">"):
        reasons.append("原文有“最高”，可能是上限（不高于）而不是下限")
    if re.search(r"(?:原|现有|已完成|已建成|总长|全长)", text):
        reasons.append("原文可能描述现状而不是目标")
    return reasons


@dataclass
class TargetRow:
    index: int
    target: dict
    reasons: list[str]
    corrected: bool = False
    errors: dict = field(default_factory=dict)  # a correction refused, by field
    raw: dict = field(default_factory=dict)  # what the clerk wrote, shown again with the errors


def target_rows(plan_data: dict) -> list[TargetRow]:
    """The targets for the review, the doubtful first (each with its reasons)."""
    rows = [
        TargetRow(i, t, [] if t.get("corrected") else target_doubts(t), bool(t.get("corrected")))
        for i, t in enumerate(plan_data.get("targets") or [])
    ]
    return sorted(rows, key=lambda r: (not r.reasons, r.index))


_MEASURES = (
    "%|％|个百分点|万元|亿元|元|万人|人次|人|万户|户|家|个|项|所|座|名|床|张|台|套|辆|艘|批|场|次|件|条|处|宗|份"
    "|公里|千米|米|万亩|亩|公顷|平方公里|平方米|万平方米|立方米|吨|万吨|千瓦|兆瓦|万千瓦|倍|成|番"
)
_FIGURE = re.compile(
    r"(?<![第\d.])\d+(?:\.\d+)?\s*(?:" + _MEASURES + r")"
    r"|[\u4e00-\u9fff]{1,8}率[^。；，,;]{0,8}?\d+(?:\.\d+)?\s*(?:%|％)?"
)
# A Chinese-numeral quantity counts only as a goal: after 不少于/达到/新增/提高/翻…, or
# before 以上/左右 (不少于一名, 提高两成, 翻一番); elsewhere it names things (一张网, 七个专班).
_HANZI_FIGURE = re.compile(
    r"(?:不少于|不低于|至少|达到|超过|新增|增加|提高|提升|翻)\s*[一二两三四五六七八九十百千万]+(?:"
    + _MEASURES
    + r")"
    r"|(?<!第)[一二两三四五六七八九十百千万]+(?:" + _MEASURES + r")(?:以上|左右)"
)
_CLAUSE = re.compile(r"[（(][^（()）]*(?:牵头|负责|责任单位|配合)[^（()）]*[)）]\s*$")


def unread_figures(text: str, targets: list[dict]) -> list[str]:
    """Figures of a section's text (a number or Chinese numeral with a measure, or a rate)
    that no target of the section was read from."""
    body = _CLAUSE.sub("", text or "")
    read = " ".join(t.get("text") or "" for t in targets)
    found = []
    matches = sorted([*_FIGURE.finditer(body), *_HANZI_FIGURE.finditer(body)], key=lambda m: m.start())
    for match in matches:
        figure = match.group(0).strip()
        if figure in read or figure in found:
            continue
        number = re.search(r"\d+(?:\.\d+)?", figure)
        if number and number.group(0) in read:
            continue
        found.append(figure)
    return found


@dataclass
class Missing:
    """What the review did not find, so the clerk knows what to add by hand."""

    tasks: list[str] = field(default_factory=list)
    figures: list[tuple[str, list[str]]] = field(default_factory=list)
    task_forces: str = ""

    def __bool__(self) -> bool:
        return bool(self.tasks or self.figures or self.task_forces)


def missing(plan_data: dict) -> Missing:
    """Tasks with no responsible unit, sections whose figures were not read as targets,
    and a plan with no 专班 (领导小组) paragraph; nothing filled in by guess."""
    out = Missing()
    sections = plan_data.get("sections") or []
    tasks = {t["section"]: t for t in plan_data.get("tasks") or []}
    parents = {s.get("parent") for s in sections}
    # an item among siblings that carry tasks, itself without a clause, is a task left without units
    with_tasks = {s.get("parent") for s in sections if s["id"] in tasks}
    for section in sections:
        task = tasks.get(section["id"])
        label = f"{section['id']}{('「' + section['title'] + '」') if section.get('title') else ''}"
        if task is not None and not (task.get("leads") or task.get("cooperators")):
            out.tasks.append(f"{label}：有责任分工条款但没有读出任何责任单位")
        elif (
            task is None
            and section["id"] not in parents
            and section.get("parent") in with_tasks
            and len(section.get("text") or "") >= 20
        ):
            out.tasks.append(f"{label}：未写明责任单位，没有生成任务")
    targets: dict[str, list[dict]] = {}
    for target in plan_data.get("targets") or []:
        targets.setdefault(target["section"], []).append(target)
    for section in sections:
        figures = unread_figures(section.get("text") or "", targets.get(section["id"], []))
        if figures:
            out.figures.append((section["id"], figures))
    if not plan_data.get("task_forces"):
        text = "".join(s.get("text") or "" for s in sections)
        named = [word for word in ("专班", "领导小组", "联席会议", "指挥部") if word in text]
        if named:
            out.task_forces = (
                f"文中提到“{'、'.join(named)}”，但没有读出其组成（召集人、成员单位、办公室），"
                "请导入后在管理后台补充工作专班"
            )
        else:
            out.task_forces = (
                "没有找到成立工作专班（领导小组、联席会议）的段落，请导入后在管理后台补充工作专班"
            )
    return out
