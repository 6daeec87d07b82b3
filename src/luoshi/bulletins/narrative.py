"""The generated text of a monthly bulletin's narrative parts, from its numbers. An office
edits these before issuing; the tables and the per-campaign paragraphs stay as gathered.
Plain Python over ``MonthlyData``."""

from luoshi.reporting.status import Status

from .monthly import MonthlyData


def _pct(value: float) -> str:
    return f"{value:.1f}".rstrip("0").rstrip(".") + "%"


def _points(value: float) -> str:
    return f"{value:.1f}".rstrip("0").rstrip(".") + "个百分点"


def _change(now: int, before: int, noun: str) -> str:
    diff = now - before
    if diff > 0:
        return f"{noun}增加{diff}项"
    if diff < 0:
        return f"{noun}减少{-diff}项"
    return f"{noun}持平"


NO_REPORTS = "本月各单位均未报送工作进展（本月无报送），以下任务状态仅按时间进度测算，待各单位报送后更新。"


def overview(data: MonthlyData) -> str:
    s, p = data.summary, data.previous
    month = data.month_date
    scope = data.campaign_title or "全部攻坚"
    lagging_now = s.n(Status.LAGGING) + s.n(Status.SERIOUS)
    lagging_before = p.n(Status.LAGGING) + p.n(Status.SERIOUS)
    lines = []
    if data.no_reports:
        lines.append(NO_REPORTS)
    lines.append(
        f"截至{month.month}月底，{scope}共有任务{s.total}项，其中已完成{s.n(Status.DONE)}项，"
        f"正常推进{s.n(Status.ON_TRACK)}项，滞后{s.n(Status.LAGGING)}项，严重滞后{s.n(Status.SERIOUS)}项，"
        f"未报送{s.n(Status.NOT_REPORTED)}项，未到报送期{s.n(Status.NOT_STARTED)}项；"
        f"任务完成率{_pct(s.completion_rate)}，平均完成进度{_pct(s.progress)}，序时进度{_pct(s.expected)}。"
    )
    lines.append(
        f"与上月底相比，{_change(s.n(Status.DONE), p.n(Status.DONE), '已完成任务')}，"
        f"{_change(lagging_now, lagging_before, '滞后和严重滞后任务')}，"
        f"平均完成进度提高{_points(round(s.progress - p.progress, 1))}。"
        if s.progress >= p.progress
        else f"与上月底相比，{_change(s.n(Status.DONE), p.n(Status.DONE), '已完成任务')}，"
        f"{_change(lagging_now, lagging_before, '滞后和严重滞后任务')}。"
    )
    return "\n".join(lines)


def campaigns_text(data: MonthlyData) -> str:
    if not data.campaigns:
        return "本月无纳入调度的攻坚任务。"
    ranked = sorted(data.campaigns, key=lambda c: c.summary.progress - c.summary.expected, reverse=True)
    if len(ranked) == 1:
        return ""
    best, worst = ranked[0], ranked[-1]
    return (
        f"从各攻坚看，{best.title}推进较快，平均完成进度{_pct(best.summary.progress)}；"
        f"{worst.title}相对滞后，平均完成进度{_pct(worst.summary.progress)}，低于序时进度"
        f"{_points(max(round(worst.summary.expected - worst.summary.progress, 1), 0))}。"
    )


def lagging_text(data: MonthlyData) -> str:
    serious = sum(1 for t in data.lagging if t.status == Status.SERIOUS)
    lagging = len(data.lagging) - serious
    if not data.lagging:
        return "截至月底，无滞后任务。"
    return f"截至月底，共有滞后任务{lagging}项、严重滞后任务{serious}项，具体如下："


def _units(rows, attr: str) -> str:
    totals: dict[str, int] = {}
    for row in rows:
        totals[row.unit] = totals.get(row.unit, 0) + getattr(row, attr)
    return "、".join(f"{unit}（{n}份）" for unit, n in sorted(totals.items(), key=lambda kv: (-kv[1], kv[0])))


def reporting_text(data: MonthlyData) -> str:
    t = data.reporting_totals
    if not t["due"]:
        return "本月无应报送的进度报告。"
    text = (
        f"本月共应报送进度报告{t['due']}份，已报送{t['submitted']}份（其中按时{t['on_time']}份、"
        f"逾期{t['late']}份），未报送{t['missing']}份，报送率{_pct(t['rate'])}。"
    )
    if data.no_reports:
        text += "本月无报送。"
    if data.late_units:
        text += f"逾期报送的单位：{_units(data.late_units, 'late')}。"
    if data.missing_units:
        text += f"未报送的单位：{_units(data.missing_units, 'missing')}。"
    if not data.late_units and not data.missing_units:
        text += "各单位均按时报送。"
    return text


def targets_text(data: MonthlyData) -> str:
    if not data.targets:
        return "本月无纳入监测的指标。"
    counts: dict[str, int] = {}
    for target in data.targets:
        counts[target.status] = counts.get(target.status, 0) + 1
    return (
        f"纳入监测的指标{len(data.targets)}项，已完成{counts.get(Status.DONE, 0)}项，"
        f"正常推进{counts.get(Status.ON_TRACK, 0)}项，滞后{counts.get(Status.LAGGING, 0)}项，"
        f"严重滞后{counts.get(Status.SERIOUS, 0)}项，未报数{counts.get(Status.NOT_REPORTED, 0)}项。"
    )


def next_steps(data: MonthlyData) -> str:
    lagging = len(data.lagging)
    lines = []
    if lagging:
        lines.append(
            f"一是紧盯滞后事项。对{lagging}项滞后和严重滞后任务，由牵头单位逐项分析原因、倒排工期，"
            "限期追上序时进度；严重滞后任务纳入督办。"
        )
    else:
        lines.append("一是保持推进力度。各牵头单位对照时间节点，确保各项任务按序时推进。")
    lines.append("二是严格按时报送。各单位在每旬结束后按时报送进展，如实填写存在问题和下步计划。")
    lines.append("三是强化指标调度。对未报数和完成率偏低的指标，责任单位加强监测分析，落实针对性措施。")
    return "\n".join(lines)


def generate(data: MonthlyData) -> dict[str, str]:
    """Every narrative field, freshly written from the numbers."""
    return {
        "overview": overview(data),
        "campaigns_text": campaigns_text(data),
        "lagging_text": lagging_text(data),
        "reporting_text": reporting_text(data),
        "targets_text": targets_text(data),
        "next_steps": next_steps(data),
    }
