"""The monthly bulletin as a list of blocks (版头, 标题, 主送, 正文, 附件说明, 落款, 附件, 版记),
the one content the Word file and the web page both show. Plain Python.

The body is the four edited sections; the lists go to the 附件 tables, where tasks carry
their codes. Titles are broken by meaning (GB/T 9704: 回行时要做到词意完整、排列对称).
"""

import datetime as dt
import itertools
import re
from dataclasses import dataclass, field

from luoshi.reporting.status import Status

from . import cn
from .findings import full_width, number, pct, target_goal, target_name, unit_months
from .gather import STATUS_ORDER
from .monthly import MonthlyData

HEADINGS = [
    ("overview", "总体情况"),
    ("campaigns_text", "进展较好"),
    ("lagging_text", "存在问题"),
    ("next_steps", "下步工作要求"),
]
ATTACHMENTS = ["任务推进情况表", "滞后任务及原因", "指标完成情况", "进度报告报送情况"]
BELOW_HEADING = "各地推进情况"
BELOW_ATTACHMENT = "各地推进情况排名"
BELOW_NAMED = 3  # organisations named at the top and the bottom of the ranking
TITLE_WIDTH = 19  # characters of 2号 on a line of the type area, with room to spare


@dataclass
class Block:
    """One piece of the document: ``kind`` says how it is laid out."""

    kind: str  # masthead title recipients heading paragraph note signature page attachment table imprint
    text: str = ""
    lines: list = field(default_factory=list)
    headers: list = field(default_factory=list)
    rows: list = field(default_factory=list)
    widths: list = field(default_factory=list)
    center: frozenset = frozenset()


# ---------------------------------------------------------------- titles


def text_width(text: str) -> float:
    """Width in characters of 2号 or 3号: Chinese one, digits and Latin a half."""
    return sum(0.5 if ord(c) < 0x2000 else 1 for c in text)


def title_chunks(text: str) -> list[str]:
    """Pieces a title may be broken between: never inside a quoted name, a date, or a word
    of the scope; a verb (实施, 推进 …) stays with what follows it."""
    pattern = (
        r"(关于)|(\d{4}年(?:\d{1,2}月份?|第[一二三四]季度|\d{1,2}月[上中下]旬)?)|(“[^”]*”)"
        r"|((?:推进|落实|工作|进展)?情况的(?:通报|讲评))|(工作讲评)"
    )
    chunks: list[str] = []
    position = 0
    for match in re.finditer(pattern, text):
        if match.start() > position:
            chunks.extend(_words(text[position : match.start()]))
        chunks.append(match.group(0))
        position = match.end()
    if position < len(text):
        chunks.extend(_words(text[position:]))
    # a verb joins the next piece: 实施 + “七大攻坚”
    joined: list[str] = []
    for chunk in chunks:
        if joined and re.fullmatch(r"(实施|开展|推进|加快|落实|深化|打好|建设)", joined[-1]):
            joined[-1] += chunk
        else:
            joined.append(chunk)
    return [c for c in joined if c]


def _words(text: str) -> list[str]:
    """Split plain title text before a verb, after 、 and after a place name (区, 县, 市 …)."""
    parts = re.split(
        r"(?<=[、，])|(?=实施|开展|推进|加快|落实|深化)|(?<=[区县市镇乡])(?=[^区县市镇乡级内])", text
    )
    return [p for p in parts if p]


def break_title(text: str, width: float = TITLE_WIDTH) -> list[str]:
    """The title's lines: the fewest that fit, the most even among those, longer lines on top
    (梯形) when the choice is free."""
    chunks = title_chunks(text)
    if text_width(text) <= width:
        return [text]
    best = None
    for lines in range(2, min(len(chunks), 4) + 1):
        for cuts in itertools.combinations(range(1, len(chunks)), lines - 1):
            bounds = [0, *cuts, len(chunks)]
            candidate = ["".join(chunks[a:b]) for a, b in itertools.pairwise(bounds)]
            widths = [text_width(line) for line in candidate]
            if max(widths) > width:
                continue
            key = (max(widths) - min(widths), -widths[0])
            if best is None or key < best[0]:
                best = (key, candidate)
        if best:
            return best[1]
    # a piece longer than a line: break it where it must, still never inside a quote
    out, line = [], ""
    for char in text:
        if text_width(line + char) > width:
            out.append(line)
            line = ""
        line += char
    return [*out, line] if line else out


# ---------------------------------------------------------------- the monthly bulletin


def scope_name(plan_title: str, campaign_title: str = "") -> str:
    """What a bulletin reports on: the campaign, else the plan without ``总体方案`` and the like."""
    name = campaign_title or plan_title
    for suffix in ("总体方案", "工作方案", "实施方案", "行动方案", "方案"):
        if name.endswith(suffix):
            return name[: -len(suffix)]
    return name


def monthly_title(data: MonthlyData) -> str:
    month = data.month_date
    return (
        f"关于{month.year}年{month.month}月份{scope_name(data.plan_title, data.campaign_title)}推进情况的通报"
    )


def office_of(data: MonthlyData) -> str:
    return data.rules.office or data.issuer or "综合协调组办公室"


def issue_line(number: int | None, year: int) -> str:
    return f"{year}年第{number}期" if number else "（草稿，印发时编号）"


def monthly_blocks(
    data: MonthlyData,
    texts: dict,
    *,
    title: str,
    number: int | None,
    day: dt.date,
    corrects: str = "",
) -> list[Block]:
    """The whole bulletin, 版头 to 版记."""
    office = office_of(data)
    as_of = data.as_of_date
    blocks = [
        Block(
            "masthead",
            "工作落实情况通报",
            lines=[issue_line(number, data.month_date.year), office, cn.arabic_date(day)],
        ),
        Block("title", lines=break_title(title)),
    ]
    if corrects:
        blocks.append(Block("note", f"（本期更正{corrects}）"))
    blocks.append(Block("recipients", f"{full_width(data.rules.recipients).rstrip('：:')}："))
    opening = (
        f"现将截至{cn.arabic_date(as_of)}（统计截止日期）《{data.plan_title}》各项任务推进情况通报如下："
    )
    if corrects:
        opening = f"本期更正{corrects}，原通报内容以本期为准。" + opening
    blocks.append(Block("paragraph", opening))
    headings = list(HEADINGS)
    if data.below:  # a city's bulletin covers its districts, before 下步工作要求
        headings.insert(len(headings) - 1, ("below", BELOW_HEADING))
    for index, (name, heading) in enumerate(headings, start=1):
        blocks.append(Block("heading", f"{cn.heading_number(index)}{heading}"))
        lines = below_paragraphs(data) if name == "below" else (texts.get(name) or "").splitlines()
        for line in lines:
            if line.strip():
                blocks.append(Block("paragraph", line.strip()))
    attachments = ATTACHMENTS + ([BELOW_ATTACHMENT] if data.below else [])
    blocks.append(Block("attachments", lines=[f"{i}.{name}" for i, name in enumerate(attachments, start=1)]))
    blocks.append(Block("signature", lines=[office, cn.arabic_date(day)]))
    blocks.extend(attachment_blocks(data))
    printer = data.rules.printer or office
    blocks.append(
        Block(
            "imprint",
            lines=[f"抄送：{full_width(data.rules.copy_to)}。", printer, f"{cn.arabic_date(day)}印发"],
        )
    )
    return blocks


def below_paragraphs(data: MonthlyData) -> list[str]:
    """各地推进情况: the ranking of the organisations below in a sentence, the lagging ones
    named with their lagging tasks, and those with units not reporting on time."""
    from luoshi.reporting.cityboard import SCORE_RULE

    ranked = data.below
    names = "、".join(o.name for o in ranked[:BELOW_NAMED])
    lines = [
        f"按综合得分排名（{SCORE_RULE.rstrip('。')}），{len(ranked)}个下级组织中{names}位列前{min(BELOW_NAMED, len(ranked))}名"
        f"，详见附件{len(ATTACHMENTS) + 1}。"
    ]
    lagging = sorted((o for o in ranked if o.lagging), key=lambda o: (-o.lagging, o.rank))
    if lagging:
        worst = lagging[:BELOW_NAMED]
        named = "；".join(f"{o.name}滞后{o.lagging}项，如{'、'.join(o.lagging_tasks[:2])}" for o in worst)
        lines.append(f"滞后任务较多的是：{named}。请相关地方对照序时进度，逐项分析原因，限期赶上进度。")
    else:
        lines.append("各地均无滞后任务。")
    late = [o for o in ranked if o.late_units]
    if late:
        lines.append(
            "以下地方有单位未按期报送："
            + "；".join(f"{o.name}{len(o.late_units)}个单位" for o in late)
            + "，请督促其及时报送。"
        )
    return lines


def _signed(value: int) -> str:
    return f"+{value}" if value > 0 else str(value)


def attachment_blocks(data: MonthlyData) -> list[Block]:
    blocks = []

    def start(index: int) -> None:
        blocks.append(Block("page"))
        blocks.append(Block("attachment", f"附件{index}", lines=[ATTACHMENTS[index - 1]]))

    start(1)
    s, p = data.summary, data.previous
    blocks.append(
        Block(
            "table",
            headers=["状态", "本月末（项）", "上月末（项）", "增减"],
            rows=[[Status(x).label, str(s.n(x)), str(p.n(x)), _signed(data.delta(x))] for x in STATUS_ORDER]
            + [["合计", str(s.total), str(p.total), _signed(s.total - p.total)]],
            widths=[40, 30, 30, 30],
            center=frozenset({1, 2, 3}),
        )
    )
    rows = []
    for block in data.campaigns:
        for task in block.tasks:
            rows.append(
                [
                    str(len(rows) + 1),
                    task.sid,
                    full_width(task.title),
                    full_width(task.unit),
                    pct(task.expected),
                    pct(task.progress),
                    task.status_label,
                ]
            )
    blocks.append(
        Block(
            "table",
            headers=["序号", "编号", "任务", "牵头单位", "序时进度", "完成进度", "状态"],
            rows=rows,
            widths=[11, 33, 29, 26, 19, 19, 19],
            center=frozenset({0, 4, 5, 6}),
        )
    )

    start(2)
    blocks.append(
        Block(
            "table",
            headers=["序号", "编号", "任务", "责任单位", "状态", "完成/序时", "滞后原因"],
            rows=[
                [
                    str(i),
                    t.sid,
                    full_width(t.title),
                    full_width(t.unit),
                    t.status_label,
                    f"{pct(t.progress)}\n{pct(t.expected)}",
                    # the light's reason from the status engine, then the unit's own
                    "；".join(
                        filter(None, [t.reason, f"单位说明：{full_width(t.problems)}" if t.problems else ""])
                    )
                    or "未说明原因",
                ]
                for i, t in enumerate(data.lagging, start=1)
            ]
            or [["", "", "本月无滞后任务", "", "", "", ""]],
            widths=[10, 26, 28, 24, 14, 16, 38],
            center=frozenset({0, 4, 5}),
        )
    )

    start(3)
    blocks.append(
        Block(
            "table",
            headers=["序号", "编号", "指标", "目标", "实际", "完成率", "状态"],
            rows=[
                [
                    str(i),
                    t.sid,
                    target_name(t),
                    target_goal(t),
                    f"{number(t.actual)}{t.unit}" if t.actual is not None else "未报数",
                    pct(t.attainment),
                    "未报数" if t.status == Status.NOT_REPORTED else t.status_label,
                ]
                for i, t in enumerate(data.targets, start=1)
            ]
            or [["", "", "无纳入监测的指标", "", "", "", ""]],
            widths=[10, 26, 40, 24, 20, 17, 19],
            center=frozenset({0, 3, 4, 5, 6}),
        )
    )

    start(4)
    units = sorted(
        (u for u in unit_months(data).values() if u.due),
        key=lambda u: (-u.late_or_missing, u.unit),
    )
    blocks.append(
        Block(
            "table",
            headers=["序号", "单位", "应报", "按时", "逾期", "未报送", "未报送周期"],
            rows=[
                [
                    str(i),
                    full_width(u.unit),
                    str(u.due),
                    str(u.on_time),
                    str(u.late),
                    str(u.missing),
                    "、".join(dict.fromkeys(u.missed_periods)) or "—",
                ]
                for i, u in enumerate(units, start=1)
            ]
            or [["", "本月无到期报送周期", "", "", "", "", ""]],
            widths=[11, 44, 13, 13, 13, 17, 45],
            center=frozenset({0, 2, 3, 4, 5}),
        )
    )
    if data.below:
        blocks.append(Block("page"))
        blocks.append(Block("attachment", f"附件{len(ATTACHMENTS) + 1}", lines=[BELOW_ATTACHMENT]))
        blocks.append(
            Block(
                "table",
                headers=[
                    "名次",
                    "组织",
                    "综合得分",
                    "按时报送率",
                    "完成/序时",
                    "滞后任务",
                    "未报单位",
                    "主要滞后任务",
                ],
                rows=[
                    [
                        str(o.rank),
                        full_width(o.name),
                        f"{o.score:.1f}",
                        "—" if o.on_time_rate is None else pct(o.on_time_rate),
                        f"{pct(o.progress)}\n{pct(o.expected)}",
                        str(o.lagging),
                        str(len(o.late_units)),
                        "\n".join(full_width(t) for t in o.lagging_tasks) or "—",
                    ]
                    for o in data.below
                ],
                widths=[11, 28, 16, 18, 18, 14, 14, 51],
                center=frozenset({0, 2, 3, 4, 5, 6}),
            )
        )
    return blocks
