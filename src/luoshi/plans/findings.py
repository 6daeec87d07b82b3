"""What the review of a pending import shows: the group phrases and unit names of the
parse with what each resolves to, the clauses a person should look at, the doubtful
targets, and what the parse did not find. Read only; the pages present these."""

import re
from dataclasses import dataclass, field

from .choices import UnitKind
from .groups import is_group, known_groups, remembered_groups
from .models import Unit, UnitAlias, default_organisation_id
from .units import alias_key, normalize_name

# ---------------------------------------------------------------- names


@dataclass
class GroupName:
    name: str
    tasks: int
    units: list[str] = field(default_factory=list)  # what it stands for in this import
    how: str = ""  # "本次" (decided in this review) / "沿用" (remembered) / "" (not decided)


def group_names(plan_data: dict, decided: dict[str, list[str]], org_id: int | None = None) -> list[GroupName]:
    """The group phrases of the parse, with what each will stand for on import into the
    organisation ``org_id``."""
    known = known_groups(org_id)
    remembered = remembered_groups(org_id)
    out = []
    for name, count in name_counts(plan_data).items():
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


def name_counts(plan_data: dict) -> dict[str, int]:
    """Each unit name of the parse with the tasks naming it (a task force's only: 0)."""
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


def unit_names(plan_data: dict, warnings: list[dict], org_id: int | None = None) -> list[UnitName]:
    """Every unit name of the parse, with the unit of the organisation's registry it
    would resolve to."""
    counts = name_counts(plan_data)
    org_id = org_id or default_organisation_id()
    known = known_groups(org_id)
    units = Unit.objects.filter(organisation_id=org_id)
    by_name = set(units.exclude(kind=UnitKind.GROUP).values_list("name", flat=True))
    aliases = dict(UnitAlias.objects.filter(unit__in=units).values_list("name", "unit__name"))
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


# ---------------------------------------------------------------- targets, and what was not found


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
