"""luoshi projects: import, update, reconcile, rates, ledger; bad input as a Chinese error."""

import json
from io import BytesIO, StringIO

import pytest
from django.core.management import CommandError, call_command
from openpyxl import Workbook

from luoshi.projects.models import Project

from .test_services import (  # noqa: F401  (TODAY fixes the date through the autouse fixture)
    ROWS,
    TODAY,
    today,  # noqa: F401
    xlsx,
)


def run(*args):
    out = StringIO()
    call_command("projects", *args, stdout=out)
    return out.getvalue()


def sheet(header, rows) -> bytes:
    book = Workbook()
    book.active.append(header)
    for row in rows:
        book.active.append(row)
    out = BytesIO()
    book.save(out)
    return out.getvalue()


def test_the_project_commands(personas, tmp_path):
    ledger = tmp_path / "台账.xlsx"
    ledger.write_bytes(xlsx(ROWS))
    assert json.loads(run("import", str(ledger), "--json")) == {"created": 3, "updated": 0, "unchanged": 0}
    run(
        "update",
        "XM-02",
        "--week",
        "2025-W23",
        "--started",
        "2025-06-03",
        "--progress",
        "15",
        "--as",
        "reporter_b",
    )
    assert str(Project.objects.get(code="XM-02").actual_start) == "2025-06-03"
    updates = tmp_path / "周调度.xlsx"
    updates.write_bytes(sheet(["项目编号", "支付资金(万元)", "本周进展"], [["XM-03", 80, "平台上线测试"]]))
    assert json.loads(run("update", "--week", "2025-W23", "--file", str(updates), "--json"))["updated"] == [
        "XM-03"
    ]
    finance = tmp_path / "财政确认.xlsx"
    finance.write_bytes(sheet(["项目编号", "支付资金(万元)"], [["XM-01", 400], ["XM-03", 70]]))
    result = json.loads(run("reconcile", str(finance), "--period", "2025-F12", "--json"))
    assert [(d["project"], d["difference"]) for d in result["differences"]] == [("XM-03", "-10.00")]
    rates = json.loads(run("rates", "--as-of", "2025-06-04", "--by", "unit", "--json"))
    # 县工信局: paid 80 of 200 allocated; 县发改局: 400 + 300 of 800 + 300
    assert rates["groups"]["县工信局"]["payment_rate"] == "40.0"
    assert rates["groups"]["县发改局"]["payment_rate"] == "63.6"
    out = tmp_path / "导出.xlsx"
    assert "已导出 3 个项目" in run("ledger", "-o", str(out))
    assert "资金支付率" in run("rates")


def test_bad_input_is_a_chinese_error(personas, tmp_path):
    ledger = tmp_path / "台账.xlsx"
    ledger.write_bytes(xlsx(ROWS))
    run("import", str(ledger))
    with pytest.raises(CommandError, match="支付资金（900.00万元）不能大于到位资金"):
        run("update", "XM-01", "--week", "2025-W23", "--paid", "900")
    with pytest.raises(CommandError, match="形象进度（%）：“很多”不是数字"):
        run("update", "XM-01", "--week", "2025-W23", "--progress", "很多")
    with pytest.raises(CommandError, match="找不到文件"):
        run("import", str(tmp_path / "无.xlsx"))
    with pytest.raises(CommandError, match="--as-of 应为日期"):
        run("rates", "--as-of", "六月")
    with pytest.raises(CommandError, match="项目编号 XM-09 不存在"):
        run("update", "XM-09", "--week", "2025-W23", "--paid", "1")
