"""The input limits of core/limits.py: control characters and long texts refused with the
field named, workbooks measured from their zip directory before openpyxl reads them."""

import io
import os
import subprocess
import sys
import zipfile

import pytest
from openpyxl import Workbook

from luoshi.core import limits
from luoshi.core.sheets import Field, SheetError, read_rows


def small_limits(settings, **values):
    settings.LUOSHI_LIMITS = {**limits.DEFAULTS, **values}


def sheet_bytes(rows: int, title="台账") -> bytes:
    book = Workbook()
    sheet = book.active
    sheet.title = title
    sheet.append(["项目名称", "金额"])
    for number in range(rows):
        sheet.append([f"项目{number}", number])
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def zipped(members: dict[str, bytes]) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in members.items():
            archive.writestr(name, data)
    return out.getvalue()


COLUMNS = [Field("name", ("项目名称",), required=True), Field("amount", ("金额",))]


@pytest.mark.parametrize("char", ["\x00", "\x01", "\x0b", "\x1f", "\x7f", "\ud800"])
def test_control_characters_are_refused_naming_the_field(char):
    with pytest.raises(limits.LimitError, match="本期进展含有不可见的控制字符"):
        limits.check_text(f"完成{char}摸底", "本期进展")


def test_tab_newline_and_return_are_text():
    limits.check_text("第一行\r\n第二行\t完", "本期进展")


def test_report_text_longer_than_the_setting_is_refused(settings):
    small_limits(settings, report_text_max=10)
    limits.check_text("字" * 10, "存在问题", max_length=0)
    with pytest.raises(limits.LimitError, match="存在问题最多 10 字，现有 11 字"):
        limits.check_text("字" * 11, "存在问题", max_length=0)


def test_the_first_control_character_in_nested_data_is_found_with_its_path():
    data = {"title": "方案", "tasks": [{"title": "好"}, {"title": "坏\x00"}]}
    assert limits.find_control(data) == ("tasks[1].title", "U+0000")
    assert limits.find_control({"ok": ["a", 1, None]}) is None


def test_a_workbook_within_the_limits_is_read(settings):
    small_limits(settings, xlsx_max_rows=100)
    rows = read_rows(sheet_bytes(99), "台账.xlsx", COLUMNS)
    assert len(rows) == 99 and rows[-1].values == {"name": "项目98", "amount": 98}


def test_a_sheet_with_too_many_rows_is_refused_naming_it(settings):
    small_limits(settings, xlsx_max_rows=100)
    with pytest.raises(SheetError, match="工作表“重点项目”超过 100 行"):
        read_rows(sheet_bytes(100, "重点项目"), "台账.xlsx", COLUMNS)


def test_one_row_far_down_counts_as_all_the_rows_above_it(settings):
    # a reader fills the gap up to row 1,000,000 with empty rows
    small_limits(settings, xlsx_max_rows=100)
    data = sheet_bytes(3)
    archive = zipfile.ZipFile(io.BytesIO(data))
    members = {name: archive.read(name) for name in archive.namelist()}
    sheet = members["xl/worksheets/sheet1.xml"]
    members["xl/worksheets/sheet1.xml"] = sheet.replace(
        b"</sheetData>",
        b'<row r="1000000"><c r="A1000000" t="inlineStr"><is><t>x</t></is></c></row></sheetData>',
    )
    with pytest.raises(limits.LimitError, match="超过 100 行"):
        limits.check_xlsx(zipped(members), "台账.xlsx")


def test_a_workbook_expanding_past_the_limit_is_refused_before_reading(settings):
    small_limits(settings, xlsx_max_expanded_bytes=1024 * 1024)
    data = zipped({"xl/workbook.xml": b"<workbook/>", "xl/worksheets/sheet1.xml": b" " * (2 * 1024 * 1024)})
    assert len(data) < 20 * 1024
    with pytest.raises(limits.LimitError, match="解压后有 2 MB，超过读取上限 1 MB（疑似“压缩炸弹”）"):
        limits.check_xlsx(data, "炸弹.xlsx")


def test_one_member_compressed_too_well_is_refused(settings):
    small_limits(settings, xlsx_max_ratio=100)
    data = zipped({"xl/sharedStrings.xml": b"a" * (3 * 1024 * 1024)})
    with pytest.raises(limits.LimitError, match="xl/sharedStrings.xml 压缩比超过 100 倍"):
        limits.check_xlsx(data, "炸弹.xlsx")


def test_too_many_members_are_refused(settings):
    small_limits(settings, xlsx_max_members=10)
    data = zipped({f"xl/media/{n}.png": b"x" for n in range(11)})
    with pytest.raises(limits.LimitError, match="压缩包内有 11 个文件"):
        limits.check_xlsx(data, "台账.xlsx")


def test_an_upload_over_the_size_limit_is_refused(settings):
    small_limits(settings, upload_max_bytes=1000)
    with pytest.raises(SheetError, match="超过上传上限 1 KB"):
        read_rows(b"PK\x03\x04" + b"x" * 1001, "台账.xlsx", COLUMNS)


def test_a_ledger_cell_with_a_control_character_is_named_by_sheet_and_cell():
    book = Workbook()
    sheet = book.active
    sheet.title = "台账"
    sheet.append(["项目名称", "金额"])
    sheet.append(["项目\x7f甲", 1])
    out = io.BytesIO()
    book.save(out)
    with pytest.raises(SheetError, match=r"台账!A2：单元格含有不可见的控制字符（U\+007F）"):
        read_rows(out.getvalue(), "台账.xlsx", COLUMNS)


def test_limits_are_read_from_environment_variables(tmp_path):
    code = (
        "import django; django.setup(); from luoshi.core import limits; print(limits.limit('xlsx_max_rows'))"
    )
    env = {
        **os.environ,
        "LUOSHI_XLSX_MAX_ROWS": "123",
        "DJANGO_SETTINGS_MODULE": "luoshi.settings",
        "LUOSHI_DATA_DIR": str(tmp_path),
    }
    out = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "123"


def test_a_damaged_worksheet_stream_is_refused_in_chinese():
    data = bytearray(sheet_bytes(50))
    archive = zipfile.ZipFile(io.BytesIO(bytes(data)))
    member = archive.getinfo("xl/worksheets/sheet1.xml")
    start = member.header_offset + 30 + len(member.filename.encode()) + len(member.extra)
    for offset in range(start + 10, start + 40):
        data[offset] ^= 0xFF  # scramble the deflate stream
    with pytest.raises(SheetError, match="已损坏"):
        read_rows(bytes(data), "台账.xlsx", COLUMNS)


@pytest.mark.django_db
def test_a_ledger_file_over_the_limit_is_refused_by_the_cli_before_reading(settings, tmp_path, capsys):
    from luoshi.cli import main
    from luoshi.projects.models import Project

    small_limits(settings, upload_max_bytes=1024)
    path = tmp_path / "项目台账.xlsx"
    path.write_bytes(sheet_bytes(200))
    assert main(["projects", "import", str(path)]) == 1
    assert "超过上传上限 1 KB" in capsys.readouterr().err
    assert not Project.objects.exists()
