"""Render a template (STYLE 15, step two): the protected workbook of a unit's due tasks,
its input cells shaded and checked, with the hidden ``_meta`` sheet that lets an upload
find edited key cells."""

import datetime as dt

from openpyxl import Workbook
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter
from openpyxl.workbook.protection import WorkbookProtection
from openpyxl.worksheet.datavalidation import DataValidation
from openpyxl.worksheet.worksheet import Worksheet

from luoshi.core.sheets import (
    BODY_FONT,
    BORDER,
    FONT,
    INPUT_FILL,
    KEY_FILL,
    WRAP,
    cell_text,
    excel_number,
    new_sheet,
    put,
    row_height,
    save,
    workbook,
)
from luoshi.plans.models import Plan, Unit

from ..choices import REPORTED_STATES, ReportState
from ..values import measure_kind
from .gather import DueTask, TemplateData, gather_template
from .layout import (
    FIRST_ROW,
    LOCKED,
    MEASURE_RULES,
    PROGRESS_COL,
    ROLE_SHORT,
    TARGET_COLUMNS,
    TARGET_NOTE,
    TARGET_SHEET,
    TARGET_VALUE_COL,
    TASK_COLUMNS,
    TASK_INPUTS,
    TASK_NOTE,
    TASK_SHEET,
    UNLOCKED,
    Column,
)
from .meta import meta_header, write_meta


def _date_text(day: dt.date) -> str:
    return f"{day.year}年{day.month}月{day.day}日"


def _state_text(item: DueTask) -> str:
    report = item.report
    if report is None:
        return "未填报"
    if report.state == ReportState.RETURNED:
        return f"已退回：{report.return_reason}" if report.return_reason else "已退回"
    if report.state in REPORTED_STATES:
        return f"{report.get_state_display()}，不能再修改"
    return report.get_state_display()


def _rule_text(unit: str) -> str:
    return MEASURE_RULES[measure_kind(unit)][4]


class _Writer:
    """Writes cells and remembers the text of every locked one for ``_meta``."""

    def __init__(self):
        self.keys: list[tuple[str, str, str]] = []

    def put(self, sheet: Worksheet, row: int, column: int, value, *, locked: bool = True, style=WRAP):
        cell = put(sheet, row, column, value)
        cell.alignment = style
        cell.protection = LOCKED if locked else UNLOCKED
        if locked:
            self.keys.append((sheet.title, cell.coordinate, cell_text(value)))
        return cell


def _sheet(book: Workbook, writer: _Writer, name: str, title: str, note: str, columns: list[Column]):
    return new_sheet(book, name, title, columns, note=note, write=writer.put)


def _row_height(values: list, columns: list[Column]) -> float:
    return row_height(values, [c.width for c in columns], min_lines=2)


def _protect(sheet: Worksheet) -> None:
    """Sheet protection with no password: locked cells cannot be edited, rows and sheets not
    added or deleted, but columns and rows may be resized and cells selected."""
    protection = sheet.protection
    protection.sheet = True
    protection.formatColumns = False
    protection.formatRows = False
    protection.selectLockedCells = False
    protection.selectUnlockedCells = False


def _validation(kind: str, operator: str, low, high, title: str, message: str) -> DataValidation:
    return DataValidation(
        type=kind,
        operator=operator,
        formula1=str(low),
        formula2=None if high is None else str(high),
        allow_blank=True,
        showErrorMessage=True,
        showInputMessage=True,
        errorStyle="stop",
        errorTitle=title,
        error=message,
        promptTitle=title,
        prompt=message,
    )


def render_template(data: TemplateData) -> bytes:
    """The workbook of ``data`` as .xlsx bytes."""
    book = workbook()
    writer = _Writer()
    title = f"{data.unit.name} {data.span.label} 进度填报（报送期限：{_date_text(data.due)}）"
    tasks = _sheet(book, writer, TASK_SHEET, title, TASK_NOTE, TASK_COLUMNS)
    targets = _sheet(book, writer, TARGET_SHEET, title, TARGET_NOTE, TARGET_COLUMNS)
    entries: list[tuple[str, str, str, str, str]] = []
    cadence = data.span.cadence.label
    target_row = FIRST_ROW
    value_ranges: dict[str, list[str]] = {}
    for row, item in enumerate(data.tasks, start=FIRST_ROW):
        task, report = item.task, item.report
        editable = not item.reported
        values = [
            task.pk,
            task.section.sid,
            task.title,
            ROLE_SHORT.get(item.role, item.role),
            f"{data.span.label}（{cadence}）",
            _date_text(data.due),
            excel_number(report.progress) if report else None,
            report.progress_text if report else None,
            report.problems if report else None,
            report.next_steps if report else None,
            report.coordination if report else None,
            _state_text(item),
        ]
        for column, (value, spec) in enumerate(zip(values, TASK_COLUMNS, strict=True), start=1):
            locked = spec.key or not editable
            cell = writer.put(tasks, row, column, None if value == "" else value, locked=locked)
            cell.font = BODY_FONT
            cell.border = BORDER
            cell.fill = INPUT_FILL if not locked else KEY_FILL
            if column in TASK_INPUTS and column != PROGRESS_COL:
                cell.number_format = "@"
        tasks.row_dimensions[row].height = _row_height(values, TASK_COLUMNS)
        entries.append(("task", TASK_SHEET, str(row), str(task.pk), report.state if item.reported else ""))
        for target in item.targets:
            kind = measure_kind(target.unit)
            values = [
                target.pk,
                task.pk,
                target.section.sid,
                target.subject or target.text,
                f"{target.get_op_display()}{target.value_display}",
                target.unit,
                excel_number(item.values.get(target.pk)),
                _rule_text(target.unit),
            ]
            for column, (value, spec) in enumerate(zip(values, TARGET_COLUMNS, strict=True), start=1):
                locked = spec.key or not editable
                cell = writer.put(targets, target_row, column, value, locked=locked)
                cell.font = BODY_FONT
                cell.border = BORDER
                cell.fill = INPUT_FILL if not locked else KEY_FILL
            if editable:
                value_ranges.setdefault(kind, []).append(f"{get_column_letter(TARGET_VALUE_COL)}{target_row}")
            targets.row_dimensions[target_row].height = _row_height(values, TARGET_COLUMNS)
            entries.append(("target", TARGET_SHEET, str(target_row), str(target.pk), str(task.pk)))
            target_row += 1

    last_task_row = FIRST_ROW + len(data.tasks) - 1
    progress = _validation(
        "decimal",
        "between",
        0,
        100,
        "完成进度",
        "完成进度请填写 0 到 100 之间的数字（如 80），不要写“约”“%”等字样。",
    )
    column = get_column_letter(PROGRESS_COL)
    progress.add(f"{column}{FIRST_ROW}:{column}{last_task_row}")
    tasks.add_data_validation(progress)
    for kind, cells in value_ranges.items():
        check, operator, low, high, rule = MEASURE_RULES[kind]
        validation = _validation(
            check, operator, low, high, "实际值", f"实际值请填写{rule}，不带单位和文字。"
        )
        for cell in cells:
            validation.add(cell)
        targets.add_data_validation(validation)
    if target_row == FIRST_ROW:
        writer.put(targets, FIRST_ROW, 1, "本期所填任务没有量化指标，无需填写本表。").font = Font(
            name=FONT, size=10, color="7F7F7F"
        )
        targets.merge_cells(f"A{FIRST_ROW}:{get_column_letter(len(TARGET_COLUMNS))}{FIRST_ROW}")
    for sheet in (tasks, targets):
        _protect(sheet)

    entries.extend(("key", sheet, cell, text, "") for sheet, cell, text in writer.keys)
    header = meta_header(data.plan.pk, data.unit.pk, data.span.key, data.generated_at)
    write_meta(book, header, entries)
    book.active = 0
    book.security = WorkbookProtection(lockStructure=True)
    return save(book, title=title)


def build_template(plan: Plan, unit: Unit, period_key: str) -> bytes:
    """The unit's Excel template for the period (``2025-05-1``) as .xlsx bytes."""
    return render_template(gather_template(plan, unit, period_key))
