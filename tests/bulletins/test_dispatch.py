"""The 旬调度 sheet: one row per task with its unit, progress, status, problem, next step."""

import io

from openpyxl import load_workbook

from luoshi.bulletins import documents
from luoshi.reporting import engine
from luoshi.reporting.periods import span_for_key
from luoshi.reporting.policy import Schedule

from .conftest import LAGGING_REASON, TASK_A, TASK_B, TASK_C


def test_dispatch_sheet_has_a_row_per_task_with_unit_progress_status_problem_next_step(reported, actors):
    book = load_workbook(io.BytesIO(documents.dispatch_xlsx(actors["coordinator"], reported, "2025-05-3")))
    sheet = book["调度表"]
    assert sheet.page_setup.orientation == "landscape" and sheet.page_setup.fitToWidth == 1
    assert sheet.print_title_rows == "$3:$3"
    assert sheet["A1"].value == "示范县实施“三大攻坚”2025年5月下旬调度表"
    headers = [c.value for c in sheet[3]]
    assert headers[:9] == [
        "序号",
        "攻坚",
        "编号",
        "任务",
        "牵头单位",
        "配合单位",
        "序时进度(%)",
        "完成进度(%)",
        "状态",
    ]
    rows = {r[2]: dict(zip(headers, r, strict=True)) for r in sheet.iter_rows(min_row=4, values_only=True)}
    assert set(rows) == {TASK_A, TASK_B, TASK_C}
    lagging = rows[TASK_B]
    assert lagging["牵头单位"] == "县发改局"
    assert lagging["完成进度(%)"] == 5
    assert lagging["状态"] == "滞后"
    assert lagging["存在问题"] == LAGGING_REASON
    assert lagging["下步计划"] == "协调自然资源部门"
    assert rows[TASK_C]["状态"] == "未报送" and rows[TASK_C]["未报送单位"] == "县政务服务中心"


def test_dispatch_status_is_the_engines_as_of_the_due_date(reported, actors):
    data = documents.dispatch_data(actors["coordinator"], reported, "2025-05-3")
    due = Schedule.of(reported).due(span_for_key("2025-05-3"))
    assert data.due_date == due.isoformat()
    rollup = engine.plan_status(reported, due).rollup()
    assert data.summary.total == rollup.total
    assert data.summary.counts == {k: rollup.count(k) for k in data.summary.counts}


def test_dispatch_reporting_sheet_names_missing_units(reported, actors):
    book = load_workbook(io.BytesIO(documents.dispatch_xlsx(actors["coordinator"], reported, "2025-05-1")))
    sheet = book["报送情况"]
    missing = {row[0]: row[5] for row in sheet.iter_rows(min_row=4, values_only=True)}
    assert missing["县发改局"] >= 1 and missing["县政务服务中心"] == 1
    # 5月上旬 ends Sat 10 May, due Mon 12 May; judged the day after (05-13): 县工信局's
    # report came on 05-20
    assert missing["县工信局"] == 1
    assert sheet["A2"].value == "统计截止日期：2025-05-12"


def test_report_text_like_a_formula_stays_text_in_the_dispatch_and_review_workbooks(plan, actors):
    import datetime as dt

    from .conftest import report

    traps = ["=SUM(A1)", "+1", "-1", "@x"]
    report(
        TASK_A, "县工信局", "2025-05-1", 20, on=dt.date(2025, 5, 12), problems=traps[0], next_steps=traps[1]
    )
    report(
        TASK_B, "县发改局", "2025-05-1", 10, on=dt.date(2025, 5, 12), problems=traps[3], next_steps=traps[2]
    )
    for content in (
        documents.dispatch_xlsx(actors["coordinator"], plan, "2025-05-1"),
        documents.review_xlsx(actors["coordinator"], plan, "2025Q2"),
    ):
        book = load_workbook(io.BytesIO(content))
        cells = [cell for sheet in book.worksheets for row in sheet.iter_rows() for cell in row]
        assert [c.coordinate for c in cells if c.data_type == "f"] == []
        if "调度表" in book.sheetnames:
            assert set(traps) <= {c.value for c in cells}
