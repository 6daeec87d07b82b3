"""The shape of an uploaded workbook: that it opens as an .xlsx, has the template's sheets,
its key cells as the template wrote them and no rows added by hand."""

import warnings

from openpyxl.utils.cell import coordinate_from_string

from luoshi.core.sheets import Grid, SheetError, cell_text, read_grids
from luoshi.plans.models import Plan, Task, TaskUnit, Unit

from .layout import (
    FIRST_ROW,
    GRID_COLUMNS,
    HEADER_ROW,
    SHEETS,
    TARGET_COLUMNS,
    TARGET_SHEET,
    TASK_COLUMNS,
    TASK_SHEET,
)
from .meta import Meta
from .results import Problem, UploadError


def open_upload(data: bytes):
    """The template's sheets of an uploaded workbook, read streaming (a ``GridBook``) once
    ``limits.check_xlsx`` has measured the file (``read_grids``)."""
    if not data:
        raise UploadError([("", "", "上传的文件是空的")])
    if data[:4] == b"\xd0\xcf\x11\xe0":
        raise UploadError(
            [
                (
                    "",
                    "",
                    "这是旧版 Excel（.xls）或加了密码的文件：请直接在系统下载的 .xlsx 模板中填写，"
                    "另存时选择“Excel 工作簿（*.xlsx）”，不要设置密码",
                )
            ]
        )
    if data[:4] != b"PK\x03\x04":
        raise UploadError([("", "", "文件不是 Excel 工作簿（.xlsx）：请上传系统下载的填报模板")])
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            return read_grids(data, "填报表", SHEETS, max_col=GRID_COLUMNS)
    except SheetError as exc:  # over a limit
        raise UploadError([("", "", message) for message in exc.errors]) from None
    except Exception:  # a damaged file fails in many ways inside openpyxl; all mean the same here
        raise UploadError([("", "", "文件已损坏或不是有效的 Excel 工作簿（.xlsx），无法读取")]) from None


def _short(text: str, limit: int = 30) -> str:
    return text if len(text) <= limit else text[:limit] + "…"


def _check_keys(book, meta: Meta) -> list[Problem]:
    problems = []
    columns = {TASK_SHEET: TASK_COLUMNS, TARGET_SHEET: TARGET_COLUMNS}
    for sheet_name, coordinate, text in meta.keys:
        if sheet_name not in book.sheetnames:
            continue
        cell = book[sheet_name][coordinate]
        actual = cell_text(cell.value)
        if actual == text:
            continue
        if cell.row >= FIRST_ROW and cell.column <= len(columns[sheet_name]):
            spec = columns[sheet_name][cell.column - 1]
            what = f"“{spec.title}”列由系统生成" if spec.key else "本行已报送，单元格已锁定"
        elif cell.row == HEADER_ROW:
            what = "表头"
        else:
            what = "标题和说明"
        problems.append(
            (
                sheet_name,
                coordinate,
                f"{what}，不能改动（原为“{_short(text)}”，现为“{_short(actual)}”）；请撤销改动或重新下载模板",
            )
        )
    return problems


def added_rows(sheet: Grid, meta: Meta, expected: set[int], width: int) -> list[int]:
    """Rows below the header that the template did not have but that now hold something
    (a row of only generated cells, such as a note, is checked with the key cells)."""
    key_rows = {coordinate_from_string(cell)[1] for name, cell, _ in meta.keys if name == sheet.title}
    rows = []
    for cells in sheet.iter_rows(min_row=FIRST_ROW, max_col=width):
        row = cells[0].row
        if row in expected or row in key_rows:
            continue
        if any(cell.value not in (None, "") for cell in cells):
            rows.append(row)
    return rows


def sheet_problems(book, meta: Meta) -> list[Problem]:
    """Sheets added or missing (missing ones stop the check here), and edited key cells."""
    problems: list[Problem] = [
        (
            name,
            "",
            "不是模板中的工作表：请勿在填报表中增加工作表，删除此表或把内容填回“任务填报”“指标填报”后再上传",
        )
        for name in book.sheetnames
        if name not in SHEETS
    ]
    missing = [name for name in SHEETS[:2] if name not in book.sheetnames]
    if missing:
        problems.extend(
            (name, "", "模板中的此工作表不见了（被删除或改名）：请重新下载模板") for name in missing
        )
        raise UploadError(problems)
    return problems + _check_keys(book, meta)


def added_task_row(sheet: Grid, row: int, unit: Unit, plan: Plan) -> Problem:
    raw = sheet.cell(row=row, column=1).value
    cell = f"A{row}"
    try:
        task_id = int(cell_text(raw))
    except ValueError:
        task_id = None
    task = (
        Task.objects.filter(pk=task_id, plan__organisation_id=plan.organisation_id, plan__series=plan.series)
        .select_related("section")
        .first()
        if task_id
        else None
    )
    if task is not None:
        if not TaskUnit.objects.filter(task=task, unit=unit).exists():
            return (
                TASK_SHEET,
                cell,
                f"{unit.name} 不是任务 {task.section.sid} 的牵头或配合单位，不能填报此任务（此行是在模板外增加的）",
            )
        return (
            TASK_SHEET,
            cell,
            f"任务 {task.section.sid} 不在本模板中：请勿在模板中增加行，如需填报请重新下载模板",
        )
    return (TASK_SHEET, cell, f"第 {row} 行不是模板中的任务行：请勿在模板中增加行，如需填报请重新下载模板")
