"""Render: the monthly bulletin, the dispatch summary and the quarterly review as Word
files, written with ``writer.Writer``."""

import datetime as dt

from luoshi.reporting.status import Status

from . import cn
from .dispatch import DispatchData
from .gather import STATUS_ORDER
from .monthly import MonthlyData
from .review import COMPONENTS, ReviewData
from .writer import Writer, _fmt, _pct, _signed

# ---------------------------------------------------------------- monthly bulletin


def scope_name(plan_title: str, campaign_title: str = "") -> str:
    """What a bulletin reports on, for its title: the campaign, else the plan without
    ``工作方案``/``实施方案``."""
    name = campaign_title or plan_title
    for suffix in ("总体方案", "工作方案", "实施方案", "行动方案", "方案"):
        if name.endswith(suffix):
            return name[: -len(suffix)]
    return name


def monthly_title(data: MonthlyData) -> str:
    month = data.month_date
    return (
        f"关于{month.year}年{month.month}月{scope_name(data.plan_title, data.campaign_title)}推进情况的通报"
    )


def render_monthly(
    data: MonthlyData,
    narrative: dict,
    *,
    number: int | None,
    day: dt.date,
    chart: bytes | None,
    title: str | None = None,
    corrects: str = "",
    issued_at: dt.datetime | None = None,
) -> bytes:
    """The 月通报 as .docx bytes."""
    w = Writer()
    issuer = data.issuer or "综合协调组办公室"
    w.masthead(
        "工作落实情况通报", cn.issue_label(number) + ("（草稿）" if number is None else ""), issuer, day
    )
    w.title(title or monthly_title(data))
    w.paragraph(f"（统计截止日期：{cn.arabic_date(data.as_of_date)}）", "期号")
    if corrects:
        w.paragraph(f"本期更正{corrects}，原通报内容以本期为准。", "公文正文")

    w.heading(1, 1, "总体情况")
    w.text(narrative.get("overview", ""))
    if chart:
        w.picture(chart)
    rows = [
        [Status(s).label, str(data.summary.n(s)), str(data.previous.n(s)), _signed(data.delta(s))]
        for s in STATUS_ORDER
    ]
    rows.append(
        [
            "合计",
            str(data.summary.total),
            str(data.previous.total),
            _signed(data.summary.total - data.previous.total),
        ]
    )
    rows.append(
        [
            "任务完成率",
            _pct(data.summary.completion_rate),
            _pct(data.previous.completion_rate),
            _fmt(round(data.summary.completion_rate - data.previous.completion_rate, 1), "个百分点"),
        ]
    )
    w.table(["状态", "本月末（项）", "上月末（项）", "增减"], rows, [40, 30, 30, 30], center={1, 2, 3})

    w.heading(1, 2, "各攻坚进展")
    w.text(narrative.get("campaigns_text", ""))
    for index, block in enumerate(data.campaigns, start=1):
        w.heading(2, index, block.title or block.key)
        w.paragraph(campaign_paragraph(block))
        w.table(
            ["序号", "任务", "牵头单位", "序时进度", "完成进度", "状态"],
            [
                [str(i), f"{t.sid} {t.title}", t.unit, _pct(t.expected), _pct(t.progress), t.status_label]
                for i, t in enumerate(block.tasks, start=1)
            ],
            [12, 58, 32, 18, 18, 20],
            center={0, 3, 4, 5},
        )

    w.heading(1, 3, "滞后事项")
    w.text(narrative.get("lagging_text", ""))
    if data.lagging:
        w.table(
            ["序号", "任务", "责任单位", "状态", "完成/序时", "滞后原因"],
            [
                [
                    str(i),
                    f"{t.sid} {t.title}",
                    t.unit,
                    t.status_label,
                    f"{_pct(t.progress)}/{_pct(t.expected)}",
                    t.problems or "未说明原因",
                ]
                for i, t in enumerate(data.lagging, start=1)
            ],
            [12, 42, 28, 18, 22, 36],
            center={0, 3, 4},
        )

    w.heading(1, 4, "报送情况")
    w.text(narrative.get("reporting_text", ""))
    flagged = unit_reporting(data)
    if flagged:
        w.table(
            ["单位", "应报", "按时", "逾期报送", "未报送", "未报送周期"],
            flagged,
            [50, 14, 14, 18, 16, 44],
            center={1, 2, 3, 4},
        )

    w.heading(1, 5, "指标完成情况")
    w.text(narrative.get("targets_text", ""))
    if data.targets:
        w.table(
            ["序号", "指标", "目标值", "实际值", "完成率", "状态"],
            [
                [
                    str(i),
                    t.subject,
                    f"{t.op}{_fmt(t.value)}{t.unit}",
                    f"{_fmt(t.actual)}{t.unit}" if t.actual is not None else "未报数",
                    _pct(t.attainment),
                    t.status_label,
                ]
                for i, t in enumerate(data.targets, start=1)
            ],
            [12, 56, 24, 24, 18, 20],
            center={0, 2, 3, 4, 5},
        )

    w.heading(1, 6, "下步工作")
    w.text(narrative.get("next_steps", ""))
    w.signature(issuer, day)
    return w.save(title=title or monthly_title(data), author=issuer, when=issued_at)


def unit_reporting(data: MonthlyData) -> list[list[str]]:
    """The month's reporting per unit that was late or missed a report, worst first."""
    units: dict[str, list] = {}
    for r in data.reporting:
        line = units.setdefault(r.unit, [0, 0, 0, 0, []])
        line[0] += r.due
        line[1] += r.on_time
        line[2] += r.late
        line[3] += r.missing
        if r.missing:
            line[4].append(r.period_label.split("月", 1)[-1] if "月" in r.period_label else r.period_label)
    flagged = [(unit, v) for unit, v in units.items() if v[2] or v[3]]
    flagged.sort(key=lambda kv: (-kv[1][3], -kv[1][2], kv[0]))
    return [[unit, str(v[0]), str(v[1]), str(v[2]), str(v[3]), "、".join(v[4]) or "—"] for unit, v in flagged]


def campaign_paragraph(block) -> str:
    s = block.summary
    lag = s.n(Status.LAGGING) + s.n(Status.SERIOUS)
    change = lag - (block.previous.n(Status.LAGGING) + block.previous.n(Status.SERIOUS))
    trend = f"，滞后任务较上月末{'增加' if change > 0 else '减少'}{abs(change)}项" if change else ""
    return (
        f"{block.title or block.key}共有任务{s.total}项，已完成{s.n(Status.DONE)}项，正常推进"
        f"{s.n(Status.ON_TRACK)}项，滞后{s.n(Status.LAGGING)}项，严重滞后{s.n(Status.SERIOUS)}项，"
        f"未报送{s.n(Status.NOT_REPORTED)}项；平均完成进度{_pct(s.progress)}，序时进度{_pct(s.expected)}{trend}。"
    )


# ---------------------------------------------------------------- dispatch summary

DISPATCH_LIST_LIMIT = 6


def _names(items: list[str], limit: int = DISPATCH_LIST_LIMIT) -> str:
    if len(items) <= limit:
        return "、".join(items)
    return "、".join(items[:limit]) + f"等{len(items)}个"


def render_dispatch(data: DispatchData, *, day: dt.date) -> bytes:
    """The one-page 旬调度 summary as .docx bytes."""
    w = Writer()
    scope = scope_name(data.plan_title, data.campaign_title)
    w.paragraph(f"{scope}{data.period_label}调度情况", "公文标题")
    w.paragraph(f"（统计截止日期：{cn.arabic_date(dt.date.fromisoformat(data.as_of))}）", "期号")
    s = data.summary
    w.heading(1, 1, "总体情况")
    w.paragraph(
        f"纳入调度任务{s.total}项：已完成{s.n(Status.DONE)}项，正常推进{s.n(Status.ON_TRACK)}项，"
        f"滞后{s.n(Status.LAGGING)}项，严重滞后{s.n(Status.SERIOUS)}项，未报送{s.n(Status.NOT_REPORTED)}项，"
        f"未到报送期{s.n(Status.NOT_STARTED)}项；平均完成进度{_pct(s.progress)}，序时进度{_pct(s.expected)}。"
    )
    due = sum(r.due for r in data.reporting)
    submitted = sum(r.submitted for r in data.reporting)
    w.heading(1, 2, "报送情况")
    if due:
        late = [r.unit for r in data.late_units]
        missing = [r.unit for r in data.missing_units]
        text = f"本期应报{due}份，已报{submitted}份，报送率{_pct(round(submitted / due * 100, 1))}。"
        if late:
            text += f"逾期报送：{_names(late)}单位。"
        if missing:
            text += f"未报送：{_names(missing)}单位。"
        if not late and not missing:
            text += "各单位均按时报送。"
        w.paragraph(text)
    else:
        w.paragraph("本期无应报送的进度报告。")
    w.heading(1, 3, "滞后事项")
    lagging = data.lagging
    if lagging:
        w.paragraph(f"滞后及严重滞后任务共{len(lagging)}项，主要有：")
        for index, t in enumerate(lagging[:DISPATCH_LIST_LIMIT], start=1):
            reason = f"，原因：{t.problems[:40]}" if t.problems else ""
            w.paragraph(f"{index}.{t.title}（{t.unit}，{t.status_label}，进度{_pct(t.progress)}）{reason}。")
        if len(lagging) > DISPATCH_LIST_LIMIT:
            w.paragraph(f"其余{len(lagging) - DISPATCH_LIST_LIMIT}项详见调度表。")
    else:
        w.paragraph("本期无滞后任务。")
    w.paragraph("逐项任务的进展、存在问题和下步计划见所附调度表（Excel）。", "附注")
    return w.save(title=f"{scope}{data.period_label}调度情况", author=data.issuer or "落实")


# ---------------------------------------------------------------- quarterly review


def review_title(data: ReviewData) -> str:
    return f"{data.quarter_label}{scope_name(data.plan_title)}工作讲评"


def weights_text(data: ReviewData) -> str:
    return "，".join(f"{label}{getattr(data.weights, name)}%" for name, label in COMPONENTS)


def render_review(data: ReviewData, *, day: dt.date, number: int | None = None) -> bytes:
    """The 季讲评 as .docx bytes: method, ranking, details."""
    w = Writer()
    issuer = data.issuer or "综合协调组办公室"
    w.masthead("工作讲评", cn.issue_label(number) if number else data.quarter_label, issuer, day)
    w.title(review_title(data))
    w.paragraph(f"（统计截止日期：{cn.arabic_date(dt.date.fromisoformat(data.as_of))}）", "期号")

    w.heading(1, 1, "讲评办法")
    w.paragraph(f"按报送及时性、序时进度、指标完成、督办按时办结四项计分，权重为：{weights_text(data)}。")
    w.table(
        ["考核项目", "权重（%）"],
        [[label, str(getattr(data.weights, name))] for name, label in COMPONENTS] + [["合计", "100"]],
        [60, 30],
        center={1},
    )

    w.heading(1, 2, "得分排名")
    scored = [u for u in data.units if u.total is not None]
    if scored:
        top = "、".join(u.unit for u in scored[:3])
        w.paragraph(f"本季度参与讲评单位{len(data.units)}个，综合得分前三名为：{top}。")
    else:
        w.paragraph("本季度尚无可计分的内容。")
    w.table(
        ["名次", "单位", "综合得分", "报送及时性", "序时进度", "指标完成", "督办办结"],
        [
            [
                str(u.rank) if u.total is not None else "—",
                u.unit,
                _fmt(u.total),
                _fmt(u.timeliness),
                _fmt(u.progress),
                _fmt(u.targets),
                _fmt(u.supervision),
            ]
            for u in data.units
        ],
        [12, 48, 18, 20, 18, 18, 18],
        center={0, 2, 3, 4, 5, 6},
    )
    w.paragraph("计分公式：", "附注", bold=True)
    for line in data.formula:
        w.paragraph(line, "附注")
    w.paragraph(f"本季度权重：{weights_text(data)}。", "附注")

    w.heading(1, 3, "评分明细")
    w.table(
        ["单位", "应报", "按时", "逾期", "负责任务", "滞后任务", "关联指标", "督办到期", "按时办结"],
        [
            [
                u.unit,
                str(u.reports_due),
                str(u.reports_on_time),
                str(u.reports_late),
                str(u.tasks),
                str(u.tasks_lagging),
                str(u.target_count),
                str(u.items_due),
                str(u.items_on_time),
            ]
            for u in sorted(data.units, key=lambda u: u.unit)
        ],
        [44, 13, 13, 13, 16, 16, 16, 16, 16],
        center=set(range(1, 9)),
    )
    w.signature(issuer, day)
    return w.save(title=review_title(data), author=issuer)
