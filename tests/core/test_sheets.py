"""Every workbook Luoshi writes keeps text that looks like a formula as text: a report or
a ledger saying ``=SUM(A1)``, ``+1``, ``-1`` or ``@x`` reaches the office's Excel as words,
on visible and hidden sheets alike; and the printable sheets carry one layout."""

import datetime as dt
import io

import pytest
from openpyxl import load_workbook

from luoshi.accounts.permissions import SYSTEM, actor_for
from luoshi.core import sheets
from luoshi.plans.exports import write_three_lists
from luoshi.plans.services import import_plan
from luoshi.projects.figures import project_ledger
from luoshi.projects.models import Project
from luoshi.projects.services import import_projects
from luoshi.reporting.excel import build_template, find_unit
from luoshi.reporting.services import submit_report
from luoshi.supervision.ledger import import_ledger
from luoshi.supervision.ledger import write_ledger as write_supervision_ledger
from tests.clock import travel_to
from tests.plans.factories import make_plan
from tests.reporting.helpers import MAY_9, report

pytestmark = pytest.mark.django_db

TRAPS = ["=SUM(A1)", "+1", "-1", "@x"]


def formulas(book) -> list[str]:
    """Every cell of every sheet (very hidden ones too) that holds a formula."""
    return [
        f"{sheet.title}!{cell.coordinate}"
        for sheet in book.worksheets
        for row in sheet.iter_rows()
        for cell in row
        if cell.data_type == "f"
    ]


def texts(book) -> set[str]:
    return {
        cell.value
        for sheet in book.worksheets
        for row in sheet.iter_rows()
        for cell in row
        if cell.value is not None
    }


def upload(header: list[str], rows: list[list], title: str = "") -> bytes:
    """A sheet as a clerk would send it, its cells typed as text."""
    book = sheets.workbook()
    sheet = book.create_sheet("Sheet1")
    if title:
        sheets.append(sheet, [title])
    sheets.append(sheet, header)
    for row in rows:
        sheets.append(sheet, row)
    return sheets.save(book)


def test_report_text_like_a_formula_stays_text_in_the_template(plan):
    travel_to(MAY_9)
    # a draft, shown in the input cells, and a submitted report, locked and kept in _meta
    report(
        "附件1/一/(二)",
        "县发改局",
        text=TRAPS[0],
        problems=TRAPS[1],
        next_steps=TRAPS[2],
        coordination=TRAPS[3],
    )
    submit_report(SYSTEM, report("附件1/一/(一)", "县发改局", text=TRAPS[0], problems=TRAPS[3]))
    book = load_workbook(io.BytesIO(build_template(plan, find_unit("县发改局"), "2025-05-1")))
    assert book["_meta"].sheet_state == "veryHidden"
    assert formulas(book) == []
    assert TRAPS[0] in {cell.value for row in book["_meta"].iter_rows() for cell in row}
    assert set(TRAPS) <= texts(book)


def test_plan_text_like_a_formula_stays_text_in_the_three_lists(db, tmp_path):
    document = make_plan()
    tasks = [section for section in document["sections"] if "牵头" in section["text"]]
    for section, trap in zip(tasks, TRAPS, strict=False):
        section["title"] = trap
    plan = import_plan(SYSTEM, document).plan
    path = tmp_path / "三张清单.xlsx"
    write_three_lists(plan, path)
    book = load_workbook(path)
    assert formulas(book) == []
    assert set(TRAPS[: len(tasks)]) <= texts(book)


def test_ledger_text_like_a_formula_stays_text_in_the_supervision_ledger(personas, tmp_path):
    travel_to(dt.date(2025, 5, 12))
    coordinator = actor_for(personas["coordinator"])
    rows = [[n, trap, trap, "县发改局", "", dt.date(2025, 6, n)] for n, trap in enumerate(TRAPS, start=1)]
    result = import_ledger(
        coordinator,
        upload(["序号", "问题描述", "整改措施", "责任单位", "配合单位", "整改时限"], rows),
        "台账.xlsx",
    )
    path = tmp_path / "整改台账.xlsx"
    write_supervision_ledger(result.ledger.items.order_by("pk"), TRAPS[0], path)
    book = load_workbook(path)
    assert formulas(book) == []
    assert set(TRAPS) <= texts(book)


def test_project_names_like_a_formula_stay_text_in_the_project_ledger(personas, tmp_path):
    travel_to(dt.date(2025, 6, 4))
    rows = [[f"XM-0{n}", trap, "县发改局", 100] for n, trap in enumerate(TRAPS, start=1)]
    import_projects(SYSTEM, upload(["项目编号", "项目名称", "责任单位", "总投资(万元)"], rows), "台账.xlsx")
    assert set(Project.objects.values_list("name", flat=True)) == set(TRAPS)
    path = tmp_path / "项目台账.xlsx"
    project_ledger(SYSTEM, dt.date(2025, 6, 4), path)
    book = load_workbook(path)
    assert formulas(book) == []
    assert set(TRAPS) <= texts(book)


def test_printable_sheets_share_one_layout(plan, tmp_path):
    path = tmp_path / "三张清单.xlsx"
    write_three_lists(plan, path)
    sheet = load_workbook(path)["任务清单"]
    assert sheet.freeze_panes == "A3"
    assert sheet.auto_filter.ref.startswith("A2:H")
    assert (sheet.page_setup.orientation, sheet.page_setup.paperSize) == ("landscape", 9)
    assert sheet.sheet_properties.pageSetUpPr.fitToPage and sheet.page_setup.fitToWidth == 1
    assert sheet.print_title_rows == "$2:$2"
    assert "&P" in sheet.oddFooter.center.text
    # the long 任务内容 wraps onto more than one line, and the row is tall enough to show it
    assert sheet["E3"].alignment.wrap_text
    assert sheet.row_dimensions[3].height > sheets.LINE_HEIGHT


@pytest.mark.parametrize(
    ("value", "expected"),
    [("2025年6月30日", dt.date(2025, 6, 30)), ("2025/6/3", dt.date(2025, 6, 3)), (None, None)],
)
def test_dates_are_read_in_the_ways_clerks_write_them(value, expected):
    assert sheets.parse_date(value) == expected


def test_bad_cells_are_refused_in_chinese():
    with pytest.raises(ValueError, match="不是日期"):
        sheets.parse_date("下月底")
    with pytest.raises(ValueError, match="不是数字"):
        sheets.parse_decimal("约80")
    with pytest.raises(ValueError, match="0 到 100"):
        sheets.parse_decimal("120%", percent=True)
