"""Render: the dispatch sheet (旬调度表) and the quarterly review (季讲评) as Excel
workbooks: a title row, a header row that stays in view, a filter, status colours."""

import io

from openpyxl import Workbook
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.utils import get_column_letter

from luoshi.reporting.status import STATUS_COLOURS, Status

from .dispatch import DispatchData
from .render_docx import scope_name, weights_text
from .review import COMPONENTS, ReviewData

FONT = "宋体"
THIN = Side(style="thin", color="999999")
BORDER = Border(left=THIN, right=THIN, top=THIN, bottom=THIN)
HEAD_FILL = PatternFill("solid", fgColor="DDE4EE")
WRAP = Alignment(wrap_text=True, vertical="center")
CENTER = Alignment(horizontal="center", vertical="center", wrap_text=True)


def _fill(status: str) -> PatternFill | None:
    try:
        colour = STATUS_COLOURS[Status(status)].lstrip("#")
    except ValueError:
        return None
    return PatternFill("solid", fgColor=colour)


def _sheet(sheet, title: str, subtitle: str, headers: list[str], widths: list[int]) -> None:
    sheet.append([title])
    sheet.append([subtitle])
    sheet.append(headers)
    last = get_column_letter(len(headers))
    sheet.merge_cells(f"A1:{last}1")
    sheet.merge_cells(f"A2:{last}2")
    sheet["A1"].font = Font(name=FONT, size=16, bold=True)
    sheet["A1"].alignment = CENTER
    sheet["A2"].font = Font(name=FONT, size=10, color="555555")
    sheet.row_dimensions[1].height = 30
    for index, (cell, width) in enumerate(zip(sheet[3], widths, strict=True), start=1):
        cell.font = Font(name=FONT, size=11, bold=True)
        cell.fill = HEAD_FILL
        cell.alignment = CENTER
        cell.border = BORDER
        sheet.column_dimensions[get_column_letter(index)].width = width
    sheet.freeze_panes = "A4"


def _rows(sheet, rows: list[list], center: set[int], status_column: int | None = None) -> None:
    body = Font(name=FONT, size=10)
    for values in rows:
        sheet.append(values)
        row = sheet.max_row
        for index in range(1, len(values) + 1):
            cell = sheet.cell(row=row, column=index)
            cell.font = body
            cell.border = BORDER
            cell.alignment = CENTER if index - 1 in center else WRAP
    if sheet.max_row > 3:
        sheet.auto_filter.ref = f"A3:{get_column_letter(sheet.max_column)}{sheet.max_row}"


def _number(value):
    return "" if value is None else value


def dispatch_workbook(data: DispatchData) -> bytes:
    """One row per task: campaign, task, units, expected and actual progress, status, the
    period's progress, problem and next step."""
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = "调度表"
    headers = [
        "序号",
        "攻坚",
        "任务",
        "牵头单位",
        "配合单位",
        "序时进度(%)",
        "完成进度(%)",
        "状态",
        "本期进展",
        "存在问题",
        "下步计划",
        "未报送单位",
    ]
    _sheet(
        sheet,
        f"{scope_name(data.plan_title, data.campaign_title)}{data.period_label}调度表",
        f"统计截止日期：{data.as_of}　报送期限：{data.due_date}",
        headers,
        [6, 10, 40, 18, 18, 10, 10, 10, 40, 30, 30, 18],
    )
    rows = [
        [
            index,
            t.campaign,
            f"{t.sid} {t.title}",
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
    ]
    _rows(sheet, rows, center={0, 1, 5, 6, 7})
    for offset, t in enumerate(data.rows):
        fill = _fill(t.status)
        if fill is not None:
            cell = sheet.cell(row=4 + offset, column=8)
            cell.fill = fill
            cell.font = Font(name=FONT, size=10, color="FFFFFF", bold=True)

    report = workbook.create_sheet("报送情况")
    _sheet(
        report,
        f"{data.period_label}报送情况",
        f"统计截止日期：{data.as_of}",
        ["单位", "应报", "已报", "按时", "逾期", "未报", "未到期"],
        [30, 8, 8, 8, 8, 8, 8],
    )
    _rows(
        report,
        [[r.unit, r.due, r.submitted, r.on_time, r.late, r.missing, r.pending] for r in data.reporting],
        center={1, 2, 3, 4, 5, 6},
    )
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


def review_workbook(data: ReviewData) -> bytes:
    """Ranking, scoring details and the method (weights and formula)."""
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = "排名"
    labels = [label for _name, label in COMPONENTS]
    _sheet(
        sheet,
        f"{data.quarter_label}{scope_name(data.plan_title)}工作讲评排名",
        f"统计截止日期：{data.as_of}　权重：{weights_text(data)}",
        ["名次", "单位", "综合得分", *labels],
        [8, 30, 12, 12, 12, 12, 14],
    )
    _rows(
        sheet,
        [
            [
                u.rank if u.total is not None else "",
                u.unit,
                _number(u.total),
                _number(u.timeliness),
                _number(u.progress),
                _number(u.targets),
                _number(u.supervision),
            ]
            for u in data.units
        ],
        center={0, 2, 3, 4, 5, 6},
    )
    row = sheet.max_row + 2
    sheet.cell(row=row, column=1, value="计分公式").font = Font(name=FONT, size=10, bold=True)
    for offset, line in enumerate(data.formula, start=1):
        sheet.cell(row=row + offset, column=1, value=line).font = Font(name=FONT, size=10)

    details = workbook.create_sheet("评分明细")
    _sheet(
        details,
        f"{data.quarter_label}评分明细",
        f"报送情况统计至：{data.reporting_as_of}",
        ["单位", "应报", "按时", "逾期", "负责任务", "滞后任务", "关联指标", "督办到期", "按时办结"],
        [30, 8, 8, 8, 10, 10, 10, 10, 10],
    )
    _rows(
        details,
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
        center=set(range(1, 9)),
    )

    method = workbook.create_sheet("讲评办法")
    _sheet(method, "讲评办法", "各项权重由综合协调组办公室设定，合计 100", ["考核项目", "权重(%)"], [40, 12])
    _rows(
        method,
        [[label, getattr(data.weights, name)] for name, label in COMPONENTS]
        + [["合计", data.weights.total()]],
        center={1},
    )
    row = method.max_row + 2
    for offset, line in enumerate(data.formula):
        method.cell(row=row + offset, column=1, value=line).font = Font(name=FONT, size=10)
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()
