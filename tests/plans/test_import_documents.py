"""`luoshi import` takes a plan document as well as Plan JSON: the parser runs first."""

import pytest
from docx import Document

from luoshi.cli import main as luoshi
from luoshi.plans.models import Plan, Task

pytestmark = pytest.mark.django_db

LINES = [
    "示范县人民政府办公室关于印发《示范县优化营商环境攻坚行动方案》的通知",
    "示政办发〔2025〕8号",
    "示范县优化营商环境攻坚行动方案",
    "一、重点任务",
    "（一）深化“一网通办”。推进政务服务事项全程网办，一网通办率达到90%以上。（县政务服务中心牵头，县直有关单位按职责分工负责）",
    "（二）降低企业成本。清理规范涉企收费。（县发改局、县财政局牵头，各乡镇按职责分工负责）",
    "示范县人民政府办公室",
    "2025年3月1日",
]


def test_a_word_document_is_parsed_and_imported(tmp_path, capsys):
    document = Document()
    for line in LINES:
        document.add_paragraph(line)
    path = tmp_path / "营商环境方案.docx"
    document.save(path)
    assert luoshi(["import", str(path)]) == 0
    plan = Plan.objects.get()
    assert plan.doc_number == "示政办发〔2025〕8号" and plan.source_name == "营商环境方案.docx"
    one = Task.objects.get(section__sid="正文/一/(一)")
    assert [u.name for u in one.leads()] == ["县政务服务中心"]
    assert [u.name for u in one.cooperators()] == ["县直有关单位"]
    two = Task.objects.get(section__sid="正文/一/(二)")
    assert [u.name for u in two.leads()] == ["县发改局", "县财政局"]
    assert plan.targets.get().value == 90


def test_a_file_that_is_no_document_is_refused_naming_it(tmp_path, capsys):
    path = tmp_path / "scan.pdf"
    path.write_bytes(b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF")
    assert luoshi(["import", str(path)]) == 1
    err = capsys.readouterr().err
    assert err.startswith("错误：scan.pdf：") and "未写入任何内容" in err
    assert not Plan.objects.exists()
