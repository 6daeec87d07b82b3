"""The three lists as a workbook a clerk can filter and print."""

import pytest
from openpyxl import load_workbook

from luoshi.accounts.permissions import SYSTEM
from luoshi.cli import main as luoshi
from luoshi.plans.services import import_plan
from tests.plans.factories import make_plan

pytestmark = pytest.mark.django_db


@pytest.fixture
def workbook(tmp_path):
    import_plan(SYSTEM, make_plan())
    path = tmp_path / "三张清单.xlsx"
    assert luoshi(["export", "three-lists", "-o", str(path)]) == 0
    return load_workbook(path)


def rows(sheet):
    return [list(r) for r in sheet.iter_rows(min_row=3, values_only=True)]


def test_workbook_has_the_three_lists(workbook):
    assert workbook.sheetnames == ["目标清单", "任务清单", "责任清单"]


def test_task_list_has_one_row_per_task_with_canonical_units(workbook):
    sheet = workbook["任务清单"]
    assert [c.value for c in sheet[2]] == [
        "序号",
        "攻坚",
        "条目",
        "任务",
        "任务内容",
        "牵头单位",
        "配合单位",
        "完成时限",
    ]
    body = rows(sheet)
    assert len(body) == 3
    assert body[0][1:4] == ["产业攻坚实施方案", "附件1/一/(一)", "培育产业集群"]
    assert body[0][5:] == ["县工信局", "县发改局、城关镇", "年底前"]
    assert body[1][6] == "县住建局(交通局)"  # written 县住建(交通)局 in the clause


def test_deadline_reads_as_the_document_states_it(tmp_path):
    plan = make_plan()
    plan["sections"][4]["text"] += "完成时限：长期坚持。"
    import_plan(SYSTEM, plan)
    path = tmp_path / "三张清单.xlsx"
    assert luoshi(["export", "three-lists", "-o", str(path)]) == 0
    book = load_workbook(path)
    # stated date at the year's end, none stated (the year's end), a stated phrase
    assert [r[7] for r in rows(book["任务清单"])] == ["年底前", "年底前", "长期坚持"]
    assert {r[5] for r in rows(book["责任清单"]) if r[0] == "县政务服务中心"} == {"长期坚持"}


def test_deadline_dates_are_worded_as_plans_word_them():
    from datetime import date

    from luoshi.plans.deadlines import deadline_label

    assert deadline_label("", date(2025, 6, 30), 2025) == "2025年6月底前"
    assert deadline_label("", date(2025, 9, 15), 2025) == "2025年9月15日前"
    assert deadline_label("", date(2026, 12, 31), 2025) == "2026年底前"
    assert deadline_label("建成投用。（牵头单位：县住建局；完成时限：2025年11月底前）", None, 2025) == (
        "2025年11月底前"
    )


def test_target_list_states_each_target(workbook):
    body = rows(workbook["目标清单"])
    assert [r[3] for r in body] == ["地区生产总值增长", "新增规模工业企业", "实施重点项目"]
    assert body[0][4:6] == ["不低于 6", "%"]


def test_responsibility_list_has_a_block_per_unit(workbook):
    body = rows(workbook["责任清单"])
    blocks = {}
    for unit, role, *_rest in body:
        blocks.setdefault(unit, []).append(role)
    assert blocks["县发改局"] == ["牵头单位", "配合单位"]
    assert blocks["城关镇"] == ["配合单位"]
    units_in_order = list(dict.fromkeys(r[0] for r in body))
    assert len(units_in_order) == len(blocks)  # each unit's rows are together


def test_sheets_print_on_a4_landscape_with_frozen_filtered_headers(workbook):
    for sheet in workbook.worksheets:
        assert sheet.freeze_panes == "A3"
        assert sheet.auto_filter.ref.startswith("A2:")
        assert sheet.page_setup.orientation == "landscape"
        assert int(sheet.page_setup.paperSize) == 9  # A4
        assert sheet.column_dimensions["B"].width >= 10
        assert sheet.cell(row=3, column=2).alignment.wrap_text


def test_export_refuses_a_wrong_file_name(tmp_path, capsys):
    import_plan(SYSTEM, make_plan())
    assert luoshi(["export", "three-lists", "-o", str(tmp_path / "x.csv")]) == 1
    assert "应以 .xlsx 结尾" in capsys.readouterr().err


def test_export_without_any_plan_says_so(tmp_path, capsys):
    assert luoshi(["export", "three-lists", "-o", str(tmp_path / "x.xlsx")]) == 1
    assert "还没有导入任何方案" in capsys.readouterr().err


def test_demo_plan_lists_a_deadline_for_every_task(tmp_path):
    from luoshi.demo.seed import load_demo_plan

    load_demo_plan()
    path = tmp_path / "三张清单.xlsx"
    assert luoshi(["export", "three-lists", "-o", str(path)]) == 0
    deadlines = [r[7] for r in rows(load_workbook(path)["任务清单"])]
    assert len(deadlines) == 116
    assert set(deadlines) == {"年底前"}  # the demo plan names no other time limit
