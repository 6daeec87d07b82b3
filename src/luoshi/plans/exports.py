"""The three lists (三张清单) as one Excel workbook a clerk can print on A4 landscape."""

from pathlib import Path

from openpyxl.styles import Font

from luoshi.core.sheets import BODY_FONT, FONT, Column, append, finish_sheet, new_sheet, save, workbook

from .choices import TaskRole
from .models import Plan, Target, Task


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
        .select_related("plan", "part", "section")
        .prefetch_related("task_units__unit")
        .order_by("section__order")
    )


def write_three_lists(plan: Plan, path: str | Path) -> dict[str, int]:
    """Write 目标清单, 任务清单 and 责任清单 of ``plan`` to ``path``; return row counts."""
    book, counts = _three_lists(plan)
    Path(path).parent.mkdir(parents=True, exist_ok=True)
    save(book, path, title=f"{plan.title} 三张清单")
    return counts


def three_lists_xlsx(plan: Plan) -> bytes:
    """The three lists of ``plan`` as the bytes of one workbook (a page's download, a job)."""
    book, _ = _three_lists(plan)
    data = save(book, title=f"{plan.title} 三张清单")
    assert data is not None
    return data


def _three_lists(plan: Plan):
    """The workbook of the three lists, and the rows of each."""
    book = workbook()
    tasks = list(plan_tasks(plan))

    targets = new_sheet(book, "目标清单", f"{plan.title} 目标清单", TARGET_COLUMNS)
    target_rows = Target.objects.filter(plan=plan).select_related("part", "section").order_by("order")
    for index, target in enumerate(target_rows, start=1):
        append(
            targets,
            [
                index,
                target.part.title,
                target.section.sid,
                target.subject or target.text,
                f"{target.get_op_display()} {target.value_display}",
                target.unit,
                target.text,
            ],
        )
    finish_sheet(targets, TARGET_COLUMNS)

    task_sheet = new_sheet(book, "任务清单", f"{plan.title} 任务清单", TASK_COLUMNS)
    for index, task in enumerate(tasks, start=1):
        append(
            task_sheet,
            [
                index,
                task.part.title,
                task.section.sid,
                task.title,
                task.text,
                _names(task.leads()),
                _names(task.cooperators()),
                task.deadline_label,
            ],
        )
    finish_sheet(task_sheet, TASK_COLUMNS)

    duties = new_sheet(book, "责任清单", f"{plan.title} 责任清单", DUTY_COLUMNS)
    by_unit: dict = {}
    for task in tasks:
        for role in task.task_units.all():
            by_unit.setdefault(role.unit, {TaskRole.LEAD: [], TaskRole.COOPERATOR: []})[role.role].append(
                task
            )
    duty_rows = 0
    for unit in sorted(by_unit, key=lambda u: (u.order, u.name)):
        for role in (TaskRole.LEAD, TaskRole.COOPERATOR):
            for task in by_unit[unit][role]:
                append(
                    duties,
                    [
                        unit.name,
                        TaskRole(role).label,
                        task.part.title,
                        task.section.sid,
                        task.title,
                        task.deadline_label,
                    ],
                )
                duty_rows += 1
    finish_sheet(duties, DUTY_COLUMNS)
    # one block per unit: a bold unit name over its rows
    for unit_row in duties.iter_rows(min_row=3, max_col=1):
        cell = unit_row[0]
        above = duties.cell(row=cell.row - 1, column=1).value
        cell.font = Font(name=FONT, size=BODY_FONT.size, bold=cell.value != above)

    return book, {"targets": target_rows.count(), "tasks": len(tasks), "duties": duty_rows}
