"""Rectification ledgers: 15 inspection problems in, every bad cell named, nothing
half-imported, and the round trip export → edit → import keeping every item."""

import datetime as dt
from io import BytesIO

import pytest
from openpyxl import Workbook, load_workbook

from luoshi.core.sheets import SheetError
from luoshi.supervision.choices import Action, ItemState, Source
from luoshi.supervision.ledger import import_ledger, write_ledger
from luoshi.supervision.models import Ledger, LedgerUpload, SupervisionItem
from luoshi.supervision.services import accept_item, close_item, feed_back, start_check

from .conftest import EVIDENCE

HEADER = ["序号", "问题描述", "整改措施", "责任单位", "配合单位", "整改时限", "来源"]
UNITS = ["县工信局", "县发改局", "县政务服务中心"]


def problems(count=15):
    return [
        [
            index,
            f"巡察发现问题{index}：台账资料不全",
            f"措施{index}：补齐资料并建立长效机制",
            UNITS[index % 3],
            "城关镇" if index % 2 else "",
            dt.date(2025, 6, index),
            "整改问题",
        ]
        for index in range(1, count + 1)
    ]


def xlsx(rows, header=HEADER, title="2025年县委第一巡察组反馈问题整改台账") -> bytes:
    book = Workbook()
    sheet = book.active
    sheet.append([title])
    sheet.append(header)
    for row in rows:
        sheet.append(row)
    out = BytesIO()
    book.save(out)
    return out.getvalue()


def test_fifteen_problems_become_fifteen_items(actors):
    result = import_ledger(actors["coordinator"], xlsx(problems()), "巡察整改台账.xlsx")
    assert len(result.created) == 15 and result.updated == []
    items = SupervisionItem.objects.filter(ledger=result.ledger).order_by("pk")
    assert items.count() == 15
    first = items.first()
    assert (first.ledger_number, first.lead_unit.name, first.deadline, first.source, first.state) == (
        "1",
        "县发改局",
        dt.date(2025, 6, 1),
        Source.RECTIFICATION,
        ItemState.ASSIGNED,
    )
    assert [u.name for u in first.cooperating_units.all()] == ["城关镇"]
    assert first.measures.startswith("措施1")
    assert result.ledger.title == "巡察整改台账"
    upload = LedgerUpload.objects.get(ledger=result.ledger)
    assert upload.created_count == 15 and upload.file.read()[:2] == b"PK"


def test_missing_columns_are_named_and_nothing_imported(actors):
    header = ["序号", "问题描述", "整改措施", "配合单位"]
    with pytest.raises(SheetError, match="缺少必需的列：责任单位、整改时限"):
        import_ledger(actors["coordinator"], xlsx([r[:3] + [r[4]] for r in problems()], header), "台账.xlsx")
    assert not Ledger.objects.exists() and not SupervisionItem.objects.exists()


def test_every_bad_cell_is_named_and_nothing_imported(actors):
    rows = problems()
    rows[2][3] = "县不存在局"
    rows[4][5] = "下个月"
    rows[6][1] = ""
    with pytest.raises(SheetError) as caught:
        import_ledger(actors["coordinator"], xlsx(rows), "台账.xlsx")
    assert caught.value.errors == [
        "第5行 D5（责任单位）：找不到单位“县不存在局”（请用单位名录中的名称或别名）",
        "第7行 F7（整改时限）：“下个月”不是日期（应如 2025-06-30 或 2025年6月30日）",
        "第9行 B9（问题描述）：问题描述不能为空",
    ]
    assert not SupervisionItem.objects.exists() and not Ledger.objects.exists()


def test_reporter_cannot_import(actors):
    from django.core.exceptions import PermissionDenied

    with pytest.raises(PermissionDenied):
        import_ledger(actors["reporter_a"], xlsx(problems(2)), "台账.xlsx")
    assert not SupervisionItem.objects.exists()


def test_round_trip_export_edit_import_keeps_every_item(actors, tmp_path):
    result = import_ledger(actors["coordinator"], xlsx(problems()), "巡察整改台账.xlsx")
    items = list(SupervisionItem.objects.filter(ledger=result.ledger).order_by("pk"))
    worked = items[0]  # 序号 1, led by 县发改局
    accept_item(actors["reporter_b"], worked)
    feed_back(actors["reporter_b"], worked, "资料已补齐", [EVIDENCE])

    path = tmp_path / "导出.xlsx"
    write_ledger(result.ledger.items.order_by("pk"), result.ledger.title, path)
    book = load_workbook(path)
    sheet = book.active
    header = [cell.value for cell in sheet[2]]
    assert header[:3] == ["编号", "序号", "问题描述"] and header[-3:] == ["当前状态", "办结日期", "最新反馈"]
    row_of_worked = next(row for row in sheet.iter_rows(min_row=3) if row[0].value == worked.pk)
    assert row_of_worked[header.index("当前状态")].value == "已反馈"
    assert row_of_worked[header.index("最新反馈")].value == "资料已补齐"
    row_of_worked[header.index("整改措施")].value = "补齐资料，建立月度自查制度"
    row_of_worked[header.index("整改时限")].value = "2025年6月30日"
    edited = tmp_path / "修改后.xlsx"
    book.save(edited)

    again = import_ledger(actors["coordinator"], edited.read_bytes(), "修改后.xlsx")
    assert again.ledger == result.ledger
    assert (len(again.created), len(again.updated), again.unchanged) == (0, 1, 14)
    assert SupervisionItem.objects.count() == 15
    worked.refresh_from_db()
    assert worked.measures == "补齐资料，建立月度自查制度" and worked.deadline == dt.date(2025, 6, 30)
    assert worked.state == ItemState.FED_BACK
    edit = worked.transitions.get(action=Action.EDIT)
    assert "整改措施" in edit.reason and "2025-06-30" in edit.reason
    assert result.ledger.uploads.count() == 2


def test_reimport_without_ids_matches_by_number(actors):
    first = import_ledger(actors["coordinator"], xlsx(problems(3)), "台账.xlsx")
    rows = problems(4)
    rows[0][2] = "新的措施"
    again = import_ledger(actors["coordinator"], xlsx(rows), "台账.xlsx", ledger=first.ledger)
    assert (len(again.created), len(again.updated), again.unchanged) == (1, 1, 2)
    assert first.ledger.items.count() == 4


def test_a_closed_item_cannot_be_edited_by_reimport(actors, tmp_path):
    result = import_ledger(actors["coordinator"], xlsx(problems(3)), "台账.xlsx")
    item = result.ledger.items.get(ledger_number="1")  # led by 县发改局
    accept_item(actors["reporter_b"], item)
    feed_back(actors["reporter_b"], item, "已完成", [EVIDENCE])
    start_check(actors["verifier"], item)
    close_item(actors["verifier"], item)
    path = tmp_path / "x.xlsx"
    write_ledger(result.ledger.items.order_by("pk"), "t", path)
    book = load_workbook(path)
    sheet = book.active
    for row in sheet.iter_rows(min_row=3):
        if row[0].value == item.pk:
            row[2].value = "改写已销号的问题"
    book.save(path)
    with pytest.raises(SheetError, match="已销号，不能再修改"):
        import_ledger(actors["coordinator"], path.read_bytes(), "x.xlsx")
    item.refresh_from_db()
    assert item.content.startswith("巡察发现问题1")
