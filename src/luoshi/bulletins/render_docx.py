"""Render: the monthly bulletin, the dispatch summary and the quarterly review as Word
files, written with ``writer.Writer``."""

import datetime as dt
import re

from luoshi.reporting.status import Status

from . import cn
from .compose import Block, break_title, monthly_blocks, monthly_title, office_of, scope_name
from .dispatch import DispatchData
from .findings import names, quoted, reason_groups, units_of
from .monthly import MonthlyData
from .review import COMPONENTS, ReviewData, commentary, review_title, weights_text
from .writer import Writer, _fmt, _pct

# ---------------------------------------------------------------- monthly bulletin


def write_blocks(w: Writer, blocks: list[Block]) -> None:
    """Lay out the blocks of ``compose`` on the writer."""
    for block in blocks:
        if block.kind == "masthead":
            issue, issuer, day = block.lines
            w.masthead(block.text, issue, issuer, day)
        elif block.kind == "title":
            w.title(block.lines)
        elif block.kind == "recipients":
            w.flush(block.text)
        elif block.kind == "heading":
            w.paragraph(block.text, "一级标题")
        elif block.kind == "paragraph":
            head = RUN_IN.match(block.text)
            if head:
                w.run_in(head.group(0), block.text[head.end() :])
            else:
                w.paragraph(block.text)
        elif block.kind == "note":
            w.paragraph(block.text, "期号")
        elif block.kind == "attachments":
            w.attachments(block.lines)
        elif block.kind == "signature":
            w.signature(*block.lines)
        elif block.kind == "page":
            w.page_break()
        elif block.kind == "attachment":
            w.attachment(block.text, block.lines[0])
        elif block.kind == "table":
            w.table(block.headers, block.rows, block.widths, center=set(block.center))
        elif block.kind == "imprint":
            w.imprint(*block.lines)


# a paragraph that opens with （一）…。 has a run-in heading
RUN_IN = re.compile(r"^（[一二三四五六七八九十]+）[^。：]{1,30}。")


def render_monthly(
    data: MonthlyData,
    narrative: dict,
    *,
    number: int | None,
    day: dt.date,
    title: str | None = None,
    corrects: str = "",
    issued_at: dt.datetime | None = None,
    content_hash: str = "",
) -> bytes:
    """The 月通报 as .docx bytes."""
    title = title or monthly_title(data)
    w = Writer()
    write_blocks(w, monthly_blocks(data, narrative, title=title, number=number, day=day, corrects=corrects))
    return w.save(title=title, author=office_of(data), when=issued_at, identifier=content_hash)


# ---------------------------------------------------------------- dispatch summary

DISPATCH_LIST_LIMIT = 3  # lagging tasks named one by one; the rest by reason, all in the sheet


def render_dispatch(data: DispatchData, *, day: dt.date) -> bytes:
    """The one-page 旬调度 summary as .docx bytes: totals, reporting, the most lagging
    tasks and the reasons of all of them; each task's row is in the sheet."""
    w = Writer()
    scope = scope_name(data.plan_title, data.campaign_title)
    title = f"{scope}{data.period_label}调度情况"
    w.title(break_title(title), spaced=False)
    w.paragraph(f"（统计截止日期：{cn.arabic_date(dt.date.fromisoformat(data.as_of))}）", "期号")
    s = data.summary
    w.heading(1, 1, "总体情况")
    pending = f"，未到报送期{s.n(Status.NOT_STARTED)}项" if s.n(Status.NOT_STARTED) else ""
    w.paragraph(
        f"纳入调度任务{s.total}项：已完成{s.n(Status.DONE)}项，正常推进{s.n(Status.ON_TRACK)}项，"
        f"滞后{s.n(Status.LAGGING)}项，严重滞后{s.n(Status.SERIOUS)}项，未报送{s.n(Status.NOT_REPORTED)}项"
        f"{pending}；平均完成进度{_pct(s.progress)}，序时进度{_pct(s.expected)}。"
    )
    due = sum(r.due for r in data.reporting)
    submitted = sum(r.submitted for r in data.reporting)
    w.heading(1, 2, "报送情况")
    if due:
        late = [r.unit for r in data.late_units]
        missing = [r.unit for r in data.missing_units]
        text = f"本期应报{due}份，已报{submitted}份，报送率{_pct(round(submitted / due * 100, 1))}。"
        if late:
            text += f"逾期报送的有{names(late, 3, '个单位')}。"
        if missing:
            text += f"未报送的有{names(missing, 3, '个单位')}。"
        if not late and not missing:
            text += "各单位均按时报送。"
        w.paragraph(text)
    else:
        w.paragraph("本期无应报送的进度报告。")
    w.heading(1, 3, "滞后事项")
    lagging = data.lagging
    if lagging:
        named = "；".join(
            f"{quoted(t)}（{names(units_of(t), 1, '个单位')}，进度{_pct(t.progress)}）"
            for t in lagging[:DISPATCH_LIST_LIMIT]
        )
        more = f"等{len(lagging)}项" if len(lagging) > DISPATCH_LIST_LIMIT else ""
        text = f"滞后及严重滞后任务{len(lagging)}项，主要有{named}{more}。"
        groups = [(label, tasks) for label, tasks in reason_groups(lagging)]
        text += "从原因看，" + "、".join(f"{label}{len(tasks)}项" for label, tasks in groups[:4]) + "。"
    else:
        text = "本期无滞后任务。"
    w.paragraph(text + "逐项任务的进展、存在问题和下步计划见调度表（Excel）。")
    return w.save(title=title, author=data.issuer or "落实")


# ---------------------------------------------------------------- quarterly review


def render_review(data: ReviewData, *, day: dt.date, number: int | None = None) -> bytes:
    """The 季讲评 as .docx bytes: method, ranking, details."""
    w = Writer()
    issuer = data.issuer or "综合协调组办公室"
    issue = f"{dt.date.fromisoformat(data.as_of).year}年第{number}期" if number else data.quarter_label
    w.masthead("工作讲评", issue, issuer, day)
    w.title(break_title(review_title(data)))
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
    ranked = sum(1 for u in data.units if u.ranked)
    w.paragraph(f"本季度参与排名的单位{ranked}个。")
    for line in commentary(data):
        w.paragraph(line)
    w.table(
        ["名次", "单位", "综合得分", "报送及时性", "序时进度", "指标完成", "督办办结"],
        [
            [
                str(u.rank) if u.ranked else "不排名",
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
    w.paragraph("计分办法：", "附注", bold=True)
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
