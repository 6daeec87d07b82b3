"""The three lists (三张清单) as one Excel workbook a clerk can print on A4 landscape."""

from dataclasses import dataclass
from pathlib import Path

from openpyxl import Workbook
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

from .choices import TaskRole
from .models import Plan, Target, Task

HEADER_FILL = PatternFill("solid", fgColor="DDEBF7")
THIN = Side(style="thin", color="999999")
BORDER = Border(left=THIN, right=THIN, top=THIN, bottom=THIN)
WRAP = Alignment(wrap_text=True, vertical="top")
CENTER = Alignment(horizontal="center", vertical="center", wrap_text=True)
FONT = "宋体"


@dataclass
class Column:
    title: str
    width: float


def new_sheet(book: Workbook, name: str, title: str, columns: list) -> Worksheet:
    """A sheet with a title row, a frozen header row and A4 landscape print set-up; the
    columns need a ``title`` and a ``width``. Every Excel ledger of Luoshi uses it."""
    sheet = book.create_sheet(name)
    sheet.append([title])
    sheet.merge_cells(start_row=1, start_column=1, end_row=1, end_column=len(columns))
    sheet["A1"].font = Font(name=FONT, size=14, bold=True)
    sheet["A1"].alignment = CENTER
    sheet.row_dimensions[1].height = 28
    sheet.append([c.title for c in columns])
    for index, column in enumerate(columns, start=1):
        cell = sheet.cell(row=2, column=index)
        cell.font = Font(name=FONT, size=11, bold=True)
        cell.fill = HEADER_FILL
        cell.alignment = CENTER
        cell.border = BORDER
        sheet.column_dimensions[get_column_letter(index)].width = column.width
    sheet.freeze_panes = "A3"
    sheet.print_title_rows = "2:2"
    sheet.page_setup.orientation = "landscape"
    sheet.page_setup.paperSize = sheet.PAPERSIZE_A4
    sheet.page_setup.fitToWidth = 1
    sheet.page_setup.fitToHeight = 0
    sheet.sheet_properties.pageSetUpPr.fitToPage = True
    sheet.print_options.horizontalCentered = True
    sheet.page_margins.left = sheet.page_margins.right = 0.4
    sheet.oddFooter.center.text = "第 &P 页，共 &N 页"
    return sheet


def finish_sheet(sheet: Worksheet, columns: int) -> None:
    """Filters over the header, borders, wrapping and the body font."""
    last = sheet.max_row
    sheet.auto_filter.ref = f"A2:{get_column_letter(columns)}{max(last, 2)}"
    for row in sheet.iter_rows(min_row=3, max_row=last, max_col=columns):
        for cell in row:
            cell.alignment = WRAP
            cell.border = BORDER
            cell.font = Font(name=FONT, size=10)


def _names(units) -> str:
    return "、".join(unit.name for unit in units)


TARGET_COLUMNS = [
    Column("序号", 6),
    Column("攻坚", 22),
    Column("条目", 18),
    Column("指标", 30),
    Column("目标", 14),
    Column("单位", 10),
    Column("原文", 60),
]
TASK_COLUMNS = [
    Column("序号", 6),
    Column("攻坚", 22),
    Column("条目", 18),
    Column("任务", 30),
    Column("任务内容", 70),
    Column("牵头单位", 22),
    Column("配合单位", 30),
    Column("完成时限", 12),
]
DUTY_COLUMNS = [
    Column("单位", 20),
    Column("角色", 10),
    Column("攻坚", 22),
    Column("条目", 18),
    Column("任务", 60),
    Column("完成时限", 12),
]


def plan_tasks(plan: Plan):
    return (
        Task.objects.filter(plan=plan)
        .select_related("part", "section")
        .prefetch_related("task_units__unit")
        .order_by("section__order")
    )


def write_three_lists(plan: Plan, path: str | Path) -> dict[str, int]:
    """Write 目标清单, 任务清单 and 责任清单 of ``plan`` to ``path``; return row counts."""
    book = Workbook()
    book.remove(book.active)
    tasks = list(plan_tasks(plan))

    targets = new_sheet(book, "目标清单", f"{plan.title} 目标清单", TARGET_COLUMNS)
    target_rows = Target.objects.filter(plan=plan).select_related("part", "section").order_by("order")
    for index, target in enumerate(target_rows, start=1):
        targets.append(
            [
                index,
                target.part.title,
                target.section.sid,
                target.subject or target.text,
                f"{target.get_op_display()} {target.value_display}",
                target.unit,
                target.text,
            ]
        )
    finish_sheet(targets, len(TARGET_COLUMNS))

    task_sheet = new_sheet(book, "任务清单", f"{plan.title} 任务清单", TASK_COLUMNS)
    for index, task in enumerate(tasks, start=1):
        task_sheet.append(
            [
                index,
                task.part.title,
                task.section.sid,
                task.title,
                task.text,
                _names(task.leads()),
                _names(task.cooperators()),
                task.deadline.isoformat() if task.deadline else "",
            ]
        )
    finish_sheet(task_sheet, len(TASK_COLUMNS))

    duties = new_sheet(book, "责任清单", f"{plan.title} 责任清单", DUTY_COLUMNS)
    by_unit: dict = {}
    for task in tasks:
        for role in task.task_units.all():
            by_unit.setdefault(role.unit, {TaskRole.LEAD: [], TaskRole.COOPERATOR: []})[role.role].append(
                task
            )
    duty_rows = 0
    for unit in sorted(by_unit, key=lambda u: (u.order, u.name)):
        first_row = duties.max_row + 1
        for role in (TaskRole.LEAD, TaskRole.COOPERATOR):
            for task in by_unit[unit][role]:
                duties.append(
                    [
                        unit.name,
                        TaskRole(role).label,
                        task.part.title,
                        task.section.sid,
                        task.title,
                        task.deadline.isoformat() if task.deadline else "",
                    ]
                )
                duty_rows += 1
        # one block per unit: a bold unit name over its rows
        duties.cell(row=first_row, column=1).font = Font(name=FONT, bold=True)
    finish_sheet(duties, len(DUTY_COLUMNS))
    for unit_row in duties.iter_rows(min_row=3, max_col=1):
        cell = unit_row[0]
        above = duties.cell(row=cell.row - 1, column=1).value
        cell.font = Font(name=FONT, size=10, bold=cell.value != above)

    book.properties.title = f"{plan.title} 三张清单"
    book.properties.creator = "落实 Luoshi"
    Path(path).parent.mkdir(parents=True, exist_ok=True)
    book.save(path)
    return {"targets": target_rows.count(), "tasks": len(tasks), "duties": duty_rows}
