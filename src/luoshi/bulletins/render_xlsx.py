"""Render: the dispatch sheet (旬调度表) and the quarterly review (季讲评) as workbooks,
laid out by the shared ``sheets`` module like every workbook of Luoshi: a title row, a
header row that stays in view and prints on every page, A4 landscape fitted to the
width, row heights that show wrapped text, and text that is never a live formula."""

from openpyxl.styles import Font, PatternFill

from luoshi.core import sheets
from luoshi.core.sheets import Column
from luoshi.reporting.status import STATUS_COLOURS, Status

from .compose import scope_name
from .dispatch import DispatchData
from .review import COMPONENTS, ReviewData, weights_text


def _fill(status: str) -> PatternFill | None:
    try:
        colour = STATUS_COLOURS[Status(status)].lstrip("#")
    except ValueError:
        return None
    return PatternFill("solid", fgColor=colour)


def _number(value):
    return "" if value is None else value


def _rows(sheet, columns: list[Column], rows: list[list]) -> None:
    for values in rows:
        sheets.append(sheet, values)
    sheets.finish_sheet(sheet, columns)


def _lines(sheet, lines: list[str], *, bold_first: bool = False) -> None:
    """Notes under a table (formula, weights), one line a row, as text."""
    row = sheet.max_row + 2
    for offset, line in enumerate(lines):
        cell = sheets.put(sheet, row + offset, 1, line)
        cell.font = Font(name=sheets.FONT, size=10, bold=bold_first and offset == 0)


DISPATCH_COLUMNS = [
    Column("序号", 6),
    Column("攻坚", 10),
    Column("编号", 16),
    Column("任务", 28),
    Column("牵头单位", 16),
    Column("配合单位", 16),
    Column("序时进度(%)", 9),
    Column("完成进度(%)", 9),
    Column("状态", 9),
    Column("本期进展", 36),
    Column("存在问题", 28),
    Column("下步计划", 28),
    Column("未报送单位", 16),
]


def dispatch_workbook(data: DispatchData) -> bytes:
    """One row per task: campaign, task, units, expected and actual progress, status, the
    period's progress, problem and next step; then each unit's reporting."""
    book = sheets.workbook()
    title = f"{scope_name(data.plan_title, data.campaign_title)}{data.period_label}调度表"
    sheet = sheets.new_sheet(
        book,
        "调度表",
        title,
        DISPATCH_COLUMNS,
        note=f"统计截止日期：{data.as_of}　报送期限：{data.due_date}",
    )
    first = sheet.max_row + 1
    _rows(
        sheet,
        DISPATCH_COLUMNS,
        [
            [
                index,
                t.campaign,
                t.sid,
                t.title,
                t.unit,
                t.cooperators,
                t.expected,
                _number(t.progress),
                t.status_label,
                t.progress_text,
                t.problems,
                t.next_steps,
                "、".join(t.missing_units),
            ]
            for index, t in enumerate(data.rows, start=1)
        ],
    )
    for offset, t in enumerate(data.rows):
        fill = _fill(t.status)
        if fill is not None:
            cell = sheet.cell(row=first + offset, column=9)
            cell.fill = fill
            cell.font = Font(name=sheets.FONT, size=10, color="FFFFFF", bold=True)

    columns = [
        Column("单位", 30),
        *(Column(name, 8) for name in ("应报", "已报", "按时", "逾期", "未报", "未到期")),
    ]
    report = sheets.new_sheet(
        book, "报送情况", f"{data.period_label}报送情况", columns, note=f"统计截止日期：{data.as_of}"
    )
    _rows(
        report,
        columns,
        [[r.unit, r.due, r.submitted, r.on_time, r.late, r.missing, r.pending] for r in data.reporting],
    )
    return sheets.save(book, title=title)


def review_workbook(data: ReviewData) -> bytes:
    """Ranking (with the formula and weights under it), scoring details, and the method."""
    book = sheets.workbook()
    title = f"{data.quarter_label}{scope_name(data.plan_title)}工作讲评排名"
    labels = [label for _name, label in COMPONENTS]
    columns = [
        Column("名次", 8),
        Column("单位", 30),
        Column("综合得分", 10),
        *(Column(x, 12) for x in labels),
    ]
    sheet = sheets.new_sheet(
        book, "排名", title, columns, note=f"统计截止日期：{data.as_of}　权重：{weights_text(data)}"
    )
    _rows(
        sheet,
        columns,
        [
            [
                u.rank if u.total is not None else "不排名",
                u.unit,
                _number(u.total),
                _number(u.timeliness),
                _number(u.progress),
                _number(u.targets),
                _number(u.supervision),
            ]
            for u in data.units
        ],
    )
    _lines(sheet, ["计分公式", *data.formula, f"本季度权重：{weights_text(data)}。"], bold_first=True)

    detail_columns = [
        Column("单位", 30),
        *(
            Column(name, 10)
            for name in ("应报", "按时", "逾期", "负责任务", "滞后任务", "关联指标", "督办到期", "按时办结")
        ),
    ]
    details = sheets.new_sheet(
        book, "评分明细", f"{data.quarter_label}评分明细", detail_columns, note=f"统计截止日期：{data.as_of}"
    )
    _rows(
        details,
        detail_columns,
        [
            [
                u.unit,
                u.reports_due,
                u.reports_on_time,
                u.reports_late,
                u.tasks,
                u.tasks_lagging,
                u.target_count,
                u.items_due,
                u.items_on_time,
            ]
            for u in sorted(data.units, key=lambda u: u.unit)
        ],
    )

    method_columns = [Column("考核项目", 40), Column("权重(%)", 12)]
    method = sheets.new_sheet(
        book, "讲评办法", "讲评办法", method_columns, note="各项权重由综合协调组办公室设定，合计 100"
    )
    _rows(
        method,
        method_columns,
        [[label, getattr(data.weights, name)] for name, label in COMPONENTS]
        + [["合计", data.weights.total()]],
    )
    _lines(method, data.formula)
    return sheets.save(book, title=title)
