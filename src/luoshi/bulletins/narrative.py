"""The generated text of a monthly bulletin's four sections, written from the month's
numbers as a county 督查通报 is: 一、总体情况 opens with a judgement computed from the data;
二、进展较好 ends with the units the stated rule praises; 三、存在问题 groups the lagging
tasks by the reasons given and ends with the units the stated rule criticises; 四、下步工作
要求 names the tasks and units of this month's findings (一是……二是……). An office edits
them before issuing. Tasks are named by their short titles; codes stay in the 附件 tables.
Plain Python over ``MonthlyData``."""

import datetime as dt

from luoshi.reporting.status import Status

from .findings import (
    BEHIND,
    LATE,
    NO_REASON,
    SILENT,
    at_or_ahead,
    counted,
    criticism_rule,
    criticized,
    names,
    number,
    pct,
    praise_rule,
    praised,
    quoted,
    reason_groups,
    target_name,
    unit_months,
    units_of,
)
from .monthly import MonthlyData

NO_REPORTS = "本月各单位均未报送工作进展，以下任务状态仅按时间进度测算，待各单位报送后更新。"
ORDINALS = "一二三四五六七八九十"


def _day(data: MonthlyData) -> str:
    day = data.as_of_date
    return f"{day.month}月{day.day}日"


def _points(value: float) -> str:
    return f"{number(abs(value))}个百分点"


def _gap(data: MonthlyData) -> float:
    return round(data.summary.progress - data.summary.expected, 1)


def _behind_count(counts) -> int:
    return counts.n(Status.LAGGING) + counts.n(Status.SERIOUS)


def judgement(data: MonthlyData) -> str:
    """The opening judgement: ahead of or behind 序时进度 by N points, and the change since
    last month (not in the first month of reporting, when nothing was due at the last
    month end)."""
    s = data.summary
    month = data.month_date.month
    if not s.total:
        return f"{month}月，尚无纳入调度的任务。"
    gap = _gap(data)
    behind = _behind_count(s)
    if gap >= 0:
        text = f"{month}月，各项任务总体推进有序，平均完成进度快于序时进度{_points(gap)}"
    elif gap > -5:
        text = f"{month}月，各项任务总体接近序时进度（慢{_points(gap)}），但仍有{behind}项任务滞后"
    else:
        text = f"{month}月，各项任务总体滞后序时进度{_points(gap)}，推进力度亟待加大"
    p = data.previous
    if not p.total or p.n(Status.NOT_STARTED) == p.total:
        # the first month of reporting: at the last month end nothing was due yet, so
        # "较上月末" would compare with nothing
        return text + "。"
    change = behind - _behind_count(p)
    rise = round(s.progress - p.progress, 1)
    if change > 0:
        text += f"；滞后任务较上月末增加{change}项，需引起重视"
    elif change < 0:
        text += f"；滞后任务较上月末减少{-change}项"
    if rise > 0:
        text += f"，平均完成进度较上月末提高{_points(rise)}"
    return text + "。"


def overview(data: MonthlyData) -> str:
    s = data.summary
    lines = [NO_REPORTS] if data.no_reports else []
    lines.append(judgement(data))
    if s.total:
        pending = f"，未到报送期{s.n(Status.NOT_STARTED)}项" if s.n(Status.NOT_STARTED) else ""
        lines[-1] += (
            f"截至{_day(data)}，纳入调度的{s.total}项任务中，已完成{s.n(Status.DONE)}项，"
            f"正常推进{s.n(Status.ON_TRACK)}项，滞后{s.n(Status.LAGGING)}项，严重滞后{s.n(Status.SERIOUS)}项，"
            f"未报送{s.n(Status.NOT_REPORTED)}项{pending}；平均完成进度{pct(s.progress)}，"
            f"序时进度{pct(s.expected)}。"
        )
    t = data.reporting_totals
    if t["due"]:
        labels = [p.label.removeprefix(f"{data.month_date.year}年") for p in data.periods]
        periods = labels[0] if len(labels) == 1 else f"{labels[0]}至{labels[-1]}"
        rate = round(t["on_time"] / t["due"] * 100, 1)
        # every report due is counted once: on time, late or missing (the sum is the total)
        pending = f"、尚未到期{t['pending']}份" if t["pending"] else ""
        lines.append(
            f"本月应报送进度报告{t['due']}份（{periods}），按时报送{t['on_time']}份、"
            f"逾期报送{t['late']}份、未报送{t['missing']}份{pending}，按时报送率{pct(rate)}。"
        )
    else:
        lines.append("本月没有到期应报送的进度报告。")
    if data.targets:
        done = sum(1 for t in data.targets if t.status == Status.DONE)
        behind = sum(1 for t in data.targets if t.status in BEHIND)
        missing = sum(1 for t in data.targets if t.status == Status.NOT_REPORTED)
        lines[-1] += (
            f"纳入监测的{len(data.targets)}项指标中，已完成{done}项，滞后{behind}项，未报数{missing}项。"
        )
    return "\n".join(lines)


def campaigns_text(data: MonthlyData) -> str:
    """二、进展较好: campaigns at or ahead of 序时, tasks done or ahead, the praised units."""
    lines = []
    ahead = [c for c in data.campaigns if c.summary.total and c.summary.progress >= c.summary.expected]
    ranked = sorted(
        (c for c in data.campaigns if c.summary.total),
        key=lambda c: c.summary.progress - c.summary.expected,
        reverse=True,
    )
    if ahead:
        best = ranked[0]
        lines.append(
            f"（一）部分攻坚推进较快。{names([c.title for c in ahead], 4, '个攻坚')}平均完成进度达到或快于"
            f"序时进度，其中{best.title}平均完成进度{pct(best.summary.progress)}，"
            f"快于序时进度{_points(best.summary.progress - best.summary.expected)}。"
        )
    tasks = [t for c in data.campaigns for t in c.tasks]
    done = [t for t in tasks if t.status == Status.DONE]
    ahead_tasks = sorted(
        (t for t in tasks if at_or_ahead(t) and t.status != Status.DONE),
        key=lambda t: (t.progress or 0) - t.expected,
        reverse=True,
    )
    on_track = data.summary.n(Status.ON_TRACK)
    if not done and not ahead_tasks and on_track:
        share = round(on_track / data.summary.total * 100, 1)
        lines.append(
            f"（{ORDINALS[len(lines)]}）多数任务正常推进。正常推进任务{on_track}项，占{pct(share)}。"
        )
    if done or ahead_tasks:
        parts = []
        if done:
            parts.append(f"{counted([quoted(t) for t in done], 3)}已完成")
        if ahead_tasks:
            parts.append(f"{counted([quoted(t) for t in ahead_tasks], 3)}进度快于序时")
        lines.append(f"（{ORDINALS[len(lines)]}）部分任务推进较快。" + "；".join(parts) + "。")
    units = praised(data)
    heading = f"（{ORDINALS[len(lines)]}）通报表扬。"
    if units:
        lines.append(
            f"{heading}按照{praise_rule(data.rules)}的规则，对{'、'.join(units)}"
            f"{'等' + str(len(units)) + '个单位' if len(units) > 1 else ''}予以通报表扬。"
        )
    else:
        lines.append(f"{heading}本月没有单位达到表扬条件（{praise_rule(data.rules)}）。")
    return "\n".join(lines)


def lagging_text(data: MonthlyData) -> str:
    """三、存在问题: lagging tasks by reason, late and missing reports, lagging targets, and
    the units the stated rule criticises."""
    lines = []
    if data.lagging:
        serious = sum(1 for t in data.lagging if t.status == Status.SERIOUS)
        text = (
            f"部分任务推进滞后。截至{_day(data)}，滞后任务{len(data.lagging) - serious}项、"
            f"严重滞后任务{serious}项（详见附件2）。"
        )
        groups = reason_groups(data.lagging)
        stated = [(label, tasks) for label, tasks in groups if label != NO_REASON]
        if stated:
            text += "从责任单位报送的原因看，" + "；".join(
                f"{ORDINALS[i]}是{label}，涉及{counted([quoted(t) for t in tasks], 1)}"
                for i, (label, tasks) in enumerate(stated[:4])
            )
            rest = sum(len(tasks) for _label, tasks in stated[4:])
            text += f"；另有{rest}项为其他原因" if rest else ""
            text += "。"
        silent = dict(groups).get(NO_REASON, [])
        if silent:
            text += (
                f"{counted([quoted(t) for t in silent], 2)}未说明滞后原因，涉及"
                f"{names([u for t in silent for u in units_of(t)], 3, '个单位')}。"
            )
        lines.append(text)
    t = data.reporting_totals
    if t["late"] or t["missing"]:
        months = sorted(unit_months(data).values(), key=lambda u: (-u.late_or_missing, u.unit))
        worst = [f"{u.unit}（{u.late_or_missing}次）" for u in months if u.late_or_missing]
        lines.append(
            f"部分单位报送不及时。本月逾期报送{t['late']}份、未报送{t['missing']}份，"
            f"涉及{len(worst)}个单位，其中{worst[0]}最多（详见附件4）。"
        )
    if not lines:
        lines.append("各项任务均按序时推进，各单位均按时报送，未发现突出问题。")
    lines = [f"（{ORDINALS[i]}）{line}" for i, line in enumerate(lines)]
    rule = criticism_rule(data.rules)
    if rule:
        units = criticized(data)
        heading = f"（{ORDINALS[len(lines)]}）通报批评。"
        if units:
            late = [unit for unit, grounds in units if LATE in grounds]
            silent = [unit for unit, grounds in units if SILENT in grounds]
            groups = []
            if late:
                groups.append(f"{names(late, 99)}（逾期和未报送{data.rules.criticize_late_times}次以上）")
            if silent:
                groups.append(f"{names(silent, 99)}（严重滞后任务未说明原因）")
            lines.append(f"{heading}按照{rule}予以通报批评的规则，对" + "，".join(groups) + "予以通报批评。")
        else:
            lines.append(f"{heading}本月没有单位达到通报批评条件（{rule}）。")
    return "\n".join(lines)


def _next_month_end(data: MonthlyData) -> str:
    first = data.month_date
    following = (first.replace(day=28) + dt.timedelta(days=4)).replace(day=1)
    return f"{following.month}月底"


def next_steps(data: MonthlyData) -> str:
    """四、下步工作要求 from this month's findings, naming tasks and units."""
    items = []
    serious = [t for t in data.lagging if t.status == Status.SERIOUS]
    lagging = [t for t in data.lagging if t.status != Status.SERIOUS]
    if data.lagging:
        lead_units = names([u for t in data.lagging for u in units_of(t)], 3, "个单位")
        items.append(
            f"加快滞后任务攻坚。{lead_units}要对{counted([quoted(t) for t in lagging or serious], 2)}"
            f"滞后任务逐项分析原因、倒排工期，{_next_month_end(data)}前追上序时进度"
        )
        items[-1] += "。"
    if serious:
        items.append(
            f"强化严重滞后事项督办。对{counted([quoted(t) for t in serious], 2)}严重滞后任务，"
            "由综合协调组办公室列入督办，每旬跟踪进展，直至销号。"
        )
    late = [u for u in unit_months(data).values() if u.late_or_missing]
    if late:
        late.sort(key=lambda u: (-u.late_or_missing, u.unit))
        criticized_units = criticized(data)
        text = (
            f"严格落实报送制度。{names([u.unit for u in late], 2, '个单位')}要明确专人负责，"
            "在每期截止日前如实报送进展"
        )
        if criticized_units:
            text += "；被通报批评的单位要在本通报印发后10个工作日内书面说明情况"
        items.append(text + "。")
    behind_targets = [x for x in data.targets if x.status in BEHIND or x.status == Status.NOT_REPORTED]
    if behind_targets:
        items.append(
            f"加强指标调度。{counted([target_name(x) for x in behind_targets], 1)}"
            "指标的责任单位要按月报数、分析差距。"
        )
    if not items:
        items.append(
            "巩固良好推进态势。各牵头单位要对照时间节点压茬推进，保持按时报送，确保各项任务持续快于序时进度。"
        )
    return "\n".join(f"{ORDINALS[i]}是{text}" for i, text in enumerate(items))


def generate(data: MonthlyData) -> dict[str, str]:
    """Every narrative field, freshly written from the numbers."""
    return {
        "overview": overview(data),
        "campaigns_text": campaigns_text(data),
        "lagging_text": lagging_text(data),
        "next_steps": next_steps(data),
    }
