"""luoshi bulletin / dispatch / review: files written, Chinese errors for bad input."""

import io
import json

import pytest
from docx import Document

from luoshi.bulletins.choices import State
from luoshi.bulletins.models import Bulletin
from luoshi.cli import main

pytestmark = pytest.mark.django_db


def run(capsys, *argv):
    code = main(list(argv))
    out = capsys.readouterr()
    return code, out.out, out.err


def test_bulletin_command_writes_a_draft_and_reuses_it(reported, tmp_path, capsys):
    target = tmp_path / "may.docx"
    code, out, _err = run(capsys, "bulletin", "--month", "2025-05", "-o", str(target))
    assert code == 0, _err
    assert "草稿" in out and "滞后 1 项" in out
    assert Document(str(target)).paragraphs
    code, _out, _err = run(capsys, "bulletin", "--month", "2025-05", "-o", str(target))
    assert code == 0
    assert Bulletin.objects.filter(state=State.DRAFT).count() == 1


def test_bulletin_command_issues_and_prints_json(reported, tmp_path, capsys):
    target = tmp_path / "may.docx"
    code, out, err = run(
        capsys,
        "bulletin",
        "--month",
        "2025-05",
        "--campaign",
        "附件1",
        "-o",
        str(target),
        "--issue",
        "--json",
    )
    assert code == 0, err
    result = json.loads(out)
    assert result["number"] == 1 and result["state"] == "issued"
    assert result["summary"]["counts"]["lagging"] == 1
    import hashlib

    assert hashlib.sha256(target.read_bytes()).hexdigest() == result["sha256"]


def test_bulletin_command_refuses_bad_input_in_chinese(reported, tmp_path, capsys):
    code, _out, err = run(capsys, "bulletin", "--month", "2025-13", "-o", str(tmp_path / "x.docx"))
    assert code == 1 and err.startswith("错误：") and "无法识别的月份" in err
    code, _out, err = run(capsys, "bulletin", "--month", "2025-05", "-o", str(tmp_path / "x.pdf"))
    assert code == 1 and "应以 .docx 结尾" in err
    code, _out, err = run(capsys, "bulletin", "--month", "2025-05", "--campaign", "附件9")
    assert code == 1 and "找不到攻坚" in err


def test_dispatch_command_writes_sheet_and_summary(reported, tmp_path, capsys):
    sheet = tmp_path / "d.xlsx"
    code, out, err = run(capsys, "dispatch", "--period", "2025-05-2", "-o", str(sheet))
    assert code == 0, err
    assert sheet.exists() and (tmp_path / "d.docx").exists()
    assert "2025年5月中旬调度" in out
    code, _out, err = run(capsys, "dispatch", "--period", "2025-05-4")
    assert code == 1 and "无法识别的周期" in err


def test_review_command_sets_weights_and_refuses_bad_sums(reported, tmp_path, capsys):
    target = tmp_path / "q2.docx"
    code, _out, err = run(
        capsys, "review", "--quarter", "2025Q2", "--weights", "50,30,10,5", "-o", str(target)
    )
    assert code == 1 and "四项权重之和应为 100，现为 95" in err
    assert not target.exists()
    code, _out, err = run(capsys, "review", "--quarter", "2025Q2", "--weights", "50,50")
    assert code == 1 and "应为四个数" in err
    code, out, err = run(
        capsys, "review", "--quarter", "2025q2", "--weights", "40,30,20,10", "-o", str(target)
    )
    assert code == 0, err
    assert (tmp_path / "q2.xlsx").exists()
    text = "\n".join(p.text for p in Document(io.BytesIO(target.read_bytes())).paragraphs)
    assert "报送及时性40%，序时进度30%，指标完成20%，督办按时办结10%" in text


def test_bulletin_issue_twice_is_refused_and_correct_issues_a_correction(reported, tmp_path, capsys):
    first = tmp_path / "may.docx"
    assert run(capsys, "bulletin", "--month", "2025-05", "--issue", "-o", str(first))[0] == 0
    code, _out, err = run(
        capsys, "bulletin", "--month", "2025-05", "--issue", "-o", str(tmp_path / "again.docx")
    )
    assert code != 0 and "已于2025年6月10日印发（2025年第1期" in err
    assert not (tmp_path / "again.docx").exists()
    assert Bulletin.objects.filter(state=State.DRAFT).count() == 0  # nothing half-written
    code, out, err = run(
        capsys, "bulletin", "--month", "2025-05", "--issue", "--correct", "-o", str(tmp_path / "fix.docx")
    )
    assert code == 0, err
    assert "已印发2025年第2期" in out
    fix = Bulletin.objects.get(number=2)
    assert fix.corrects.number == 1


def test_bulletin_verify_names_the_issue_or_refuses(reported, tmp_path, capsys):
    issued = tmp_path / "may.docx"
    run(capsys, "bulletin", "--month", "2025-05", "--issue", "-o", str(issued))
    code, out, _err = run(capsys, "bulletin", "verify", str(issued))
    assert code == 0 and "是印发的原件：2025年第1期" in out
    draft = tmp_path / "june.docx"
    run(capsys, "bulletin", "--month", "2025-06", "-o", str(draft))
    code, _out, err = run(capsys, "bulletin", "verify", str(draft))
    assert code != 0 and "不是本系统印发的通报" in err
    code, _out, err = run(capsys, "bulletin")
    assert code != 0 and "请用 --month 指定月份" in err
