"""What a month's numbers say, for the bulletin's prose: the lagging tasks grouped by the
reasons their units gave, each unit's month (led tasks, reports), whom the stated rules
praise and criticise, and readable names for tasks and targets. Plain Python over
``MonthlyData``; no Django."""

import re
from dataclasses import dataclass, field

from luoshi.reporting.status import Status

from .gather import TargetLine, TaskLine
from .monthly import MonthlyData, Rules

BEHIND = (str(Status.LAGGING), str(Status.SERIOUS))
NO_REASON = "未说明原因"

# reason groups: label in the prose → words that put a stated reason in it (first match wins)
REASON_GROUPS = [
    ("前期手续和审批办理慢", ("手续", "审批", "环评", "立项", "批复", "规划", "报批", "前期")),
    ("用地等要素保障不到位", ("用地", "土地", "供地", "征地", "拆迁", "林地", "指标未落实")),
    ("资金保障不足", ("资金", "经费", "预算", "债券", "缺口")),
    ("项目招引和企业意愿不足", ("企业", "签约", "招商", "投资意愿", "落地")),
    ("部门协调衔接不畅", ("协调", "多部门", "配合", "衔接")),
    ("推进力量薄弱", ("人员", "人手", "力量", "技术人员")),
    ("受天气和季节影响", ("天气", "雨", "汛", "季节", "气候")),
]

# indicator names the parser leaves too short or too generic to stand alone in prose
GENERIC_NAMES = {"企业", "项目", "增长", "外资", "比重", "总额", "收入", "投资", "个数", "数量"}

HALF_TO_FULL = str.maketrans({"(": "（", ")": "）", ";": "；", ":": "：", "?": "？", "!": "！"})


def full_width(text: str) -> str:
    """Chinese punctuation in prose: （） ；： and a comma that is not between digits."""
    text = text.translate(HALF_TO_FULL)
    return re.sub(r"(?<!\d),|,(?!\d)", "，", text)


def short_title(task: TaskLine, limit: int = 18) -> str:
    """A task as prose names it: its title, up to the first full stop or comma when long."""
    title = full_width(task.title.strip()) or task.sid
    if len(title) > limit:
        head = re.split(r"[，。；：]", title, maxsplit=1)[0]
        if 2 <= len(head) < len(title):
            title = head
    return title


def quoted(task: TaskLine) -> str:
    return f"“{short_title(task)}”"


def units_of(task: TaskLine) -> list[str]:
    return [u for u in task.unit.split("、") if u]


def names(items: list[str], limit: int, noun: str = "项") -> str:
    """``A、B、C`` or ``A、B等5项`` when there are more than ``limit``; quoted names run on
    without 顿号 (“甲”“乙”), as GB/T 15834 writes them."""
    items = [full_width(item) for item in dict.fromkeys(items)]
    joiner = "" if items and all(item.startswith("“") and item.endswith("”") for item in items) else "、"
    if len(items) <= limit:
        return joiner.join(items)
    return joiner.join(items[:limit]) + f"等{len(items)}{noun}"


def counted(items: list[str], limit: int, noun: str = "项") -> str:
    """Like ``names``, with the count after two or more: ``“甲”“乙”等2项``."""
    unique = list(dict.fromkeys(items))
    text = names(unique, limit, noun)
    if len(unique) > limit or len(unique) < 2:
        return text
    return f"{text}等{len(unique)}{noun}"


def number(value: float) -> str:
    return f"{value:.1f}".rstrip("0").rstrip(".")


def pct(value: float | None) -> str:
    return "—" if value is None else number(value) + "%"


# ---------------------------------------------------------------- targets

OP_WORDS = {">=": "{v}以上", ">": "超过{v}", "<=": "{v}以下", "<": "低于{v}", "=": "{v}"}


def target_goal(target: TargetLine) -> str:
    """The figure aimed at in words: ``6%以上``, ``超过5亿元``, ``13.8%以下``."""
    if target.op == ">" and not target.value:
        return "破零"
    value = f"{number(target.value)}{target.unit}"
    return OP_WORDS.get(target.op, "{v}").format(v=value)


def target_name(target: TargetLine) -> str:
    """A readable indicator name; where the parsed name is not usable (too short, generic
    or with a stray quote), the target's clause from the plan."""
    name = full_width(target.subject.strip())
    usable = (
        len(name) >= 4
        and name not in GENERIC_NAMES
        and name.count("“") == name.count("”")
        and not name.endswith(("保持在", "实现", "达到", "的"))
    )
    if usable:
        return name
    clause = full_width(target.clause.strip()).rstrip("。；，")
    clause = re.sub(r"^(其中|力争|确保|实现|全年)+", "", clause)
    return clause or name or target.sid


# ---------------------------------------------------------------- lagging and reasons


def reason_group(reason: str) -> str:
    text = reason.strip()
    if not text:
        return NO_REASON
    for label, words in REASON_GROUPS:
        if any(word in text for word in words):
            return label
    return full_width(re.split(r"[，。；,;]", text, maxsplit=1)[0])[:16]


def reason_groups(tasks: list[TaskLine]) -> list[tuple[str, list[TaskLine]]]:
    """Lagging tasks by the group of their stated reason, the largest first; tasks without a
    reason last."""
    groups: dict[str, list[TaskLine]] = {}
    for task in tasks:
        groups.setdefault(reason_group(task.problems), []).append(task)
    return sorted(groups.items(), key=lambda kv: (kv[0] == NO_REASON, -len(kv[1]), kv[0]))


def is_behind(task: TaskLine) -> bool:
    return task.status in BEHIND


def at_or_ahead(task: TaskLine) -> bool:
    """Done, or at least as far as 序时进度."""
    if task.status == Status.DONE:
        return True
    return task.progress is not None and task.progress >= task.expected and task.status not in BEHIND


# ---------------------------------------------------------------- units


@dataclass
class UnitMonth:
    """One unit's month: the tasks it answers for and its reports of the month."""

    unit: str
    tasks: list = field(default_factory=list)
    due: int = 0
    on_time: int = 0
    late: int = 0
    missing: int = 0
    missed_periods: list = field(default_factory=list)

    @property
    def behind(self) -> list[TaskLine]:
        return [t for t in self.tasks if is_behind(t)]

    @property
    def serious_without_reason(self) -> list[TaskLine]:
        return [t for t in self.tasks if t.status == Status.SERIOUS and not t.problems.strip()]

    @property
    def late_or_missing(self) -> int:
        return self.late + self.missing


def unit_months(data: MonthlyData) -> dict[str, UnitMonth]:
    units: dict[str, UnitMonth] = {}
    for block in data.campaigns:
        for task in block.tasks:
            for unit in units_of(task):
                units.setdefault(unit, UnitMonth(unit)).tasks.append(task)
    for row in data.reporting:
        line = units.setdefault(row.unit, UnitMonth(row.unit))
        line.due += row.due
        line.on_time += row.on_time
        line.late += row.late
        line.missing += row.missing
        if row.missing:
            line.missed_periods.append(row.period_label)
    return units


def praise_rule(rules: Rules) -> str:
    parts = []
    if rules.praise_on_time:
        parts.append("报告全部按时报送")
    if rules.praise_on_schedule:
        parts.append("负责任务均不慢于序时")
    return "、".join(parts) or "有报告、无滞后任务"


def criticism_rule(rules: Rules) -> str:
    parts = []
    if rules.criticize_late_times:
        parts.append(f"逾期和未报送合计{rules.criticize_late_times}次以上")
    if rules.criticize_serious_without_reason:
        parts.append("严重滞后未说明原因")
    return "或".join(parts)


def praised(data: MonthlyData) -> list[str]:
    """Units the stated rule praises: they had reports due and tasks to answer for, and
    meet every part of the rule."""
    rules = data.rules
    out = []
    for unit, line in sorted(unit_months(data).items()):
        if not line.due or not line.tasks:
            continue
        if rules.praise_on_time and line.on_time < line.due:
            continue
        if rules.praise_on_schedule and not all(at_or_ahead(t) for t in line.tasks):
            continue
        if not rules.praise_on_schedule and line.behind:
            continue
        out.append(unit)
    return out


LATE = "late"
SILENT = "silent"


def criticized(data: MonthlyData) -> list[tuple[str, set[str]]]:
    """Units the stated rule criticises with the grounds (``LATE``: late or missing reports
    at or over the stated count; ``SILENT``: a seriously lagging task without a reason), the
    most late or missing reports first."""
    rules = data.rules
    out = []
    for unit, line in unit_months(data).items():
        grounds = set()
        if rules.criticize_late_times and line.late_or_missing >= rules.criticize_late_times:
            grounds.add(LATE)
        if rules.criticize_serious_without_reason and line.serious_without_reason:
            grounds.add(SILENT)
        if grounds:
            out.append((unit, grounds, line.late_or_missing))
    out.sort(key=lambda item: (-item[2], item[0]))
    return [(unit, grounds) for unit, grounds, _n in out]
