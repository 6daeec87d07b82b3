"""The Excel upload against the input limits: a control character or an over-long text in
a cell is named by sheet and cell, a sheet with rows past the limit is refused before it
is read; nothing is written."""

import pytest

from luoshi.accounts.permissions import SYSTEM
from luoshi.reporting.excel import TASK_SHEET
from luoshi.reporting.models import Report
from tests.clock import travel_to

from .helpers import MAY_9
from .test_excel import fill, refused, template, to_bytes


@pytest.fixture(autouse=True)
def may_9(plan):
    travel_to(MAY_9)


def test_a_control_character_in_a_cell_is_named_by_sheet_and_cell(plan):
    book = fill(template(plan), text="新引进企业\x7f3家")
    lines = refused(to_bytes(book), SYSTEM)
    assert any("任务填报!H4" in line and "本期进展含有不可见的控制字符（U+007F）" in line for line in lines)
    assert not Report.objects.exists()


def test_a_text_over_the_limit_in_a_cell_is_named_by_sheet_and_cell(plan, settings):
    settings.LUOSHI_LIMITS = {**settings.LUOSHI_LIMITS, "report_text_max": 50}
    book = fill(template(plan), text="进" * 51)
    lines = refused(to_bytes(book), SYSTEM)
    assert any("任务填报!H4" in line and "本期进展最多 50 字，现有 51 字" in line for line in lines)
    assert not Report.objects.exists()


def test_a_template_with_rows_past_the_limit_is_refused_before_reading(plan, settings):
    settings.LUOSHI_LIMITS = {**settings.LUOSHI_LIMITS, "xlsx_max_rows": 500}
    book = fill(template(plan))
    book[TASK_SHEET]["A1000"] = "多余"
    lines = refused(to_bytes(book), SYSTEM)
    assert any("工作表“任务填报”超过 500 行" in line for line in lines)
    assert not Report.objects.exists()


def test_luoshi_upload_refuses_a_file_over_the_limit_before_reading_it(plan, settings, tmp_path, capsys):
    from luoshi.cli import main

    settings.LUOSHI_LIMITS = {**settings.LUOSHI_LIMITS, "upload_max_bytes": 1024}
    path = tmp_path / "填报.xlsx"
    path.write_bytes(to_bytes(fill(template(plan))))
    assert main(["upload", str(path)]) == 1
    assert "超过上传上限 1 KB" in capsys.readouterr().err
    assert not Report.objects.exists()
