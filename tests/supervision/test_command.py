"""luoshi supervise: each subcommand through the command, bad input as a Chinese error."""

import json

import pytest
from django.core.management import CommandError, call_command

from luoshi.supervision.choices import ItemState
from luoshi.supervision.models import SupervisionItem

from .test_ledger import problems, xlsx


def run(*args):
    from io import StringIO

    out = StringIO()
    call_command("supervise", *args, stdout=out)
    return out.getvalue()


def test_create_list_and_the_loop_from_the_command_line(people, tmp_path):
    created = json.loads(
        run(
            "create",
            "--as",
            "coordinator",
            "--content",
            "路灯损坏未修复",
            "--lead",
            "县发改局",
            "--deadline",
            "2025-05-30",
            "--source",
            "群众反映",
            "--task",
            "附件1/一/(二)",
            "--json",
        )
    )
    pk = created["id"]
    run("transition", str(pk), "accept", "--as", "reporter_b")
    evidence = tmp_path / "照片.jpg"
    evidence.write_bytes(b"\xff\xd8jpeg")
    run(
        "transition",
        str(pk),
        "feedback",
        "--as",
        "reporter_b",
        "--comment",
        "已修复",
        "--file",
        str(evidence),
    )
    run("transition", str(pk), "check", "--as", "verifier")
    with pytest.raises(CommandError, match="承办单位不能销号"):
        run("transition", str(pk), "close", "--as", "verifier_b")
    assert "已办结" in run("transition", str(pk), "close", "--as", "verifier")
    rows = json.loads(run("list", "--json", "--state", "closed"))
    assert [r["id"] for r in rows] == [pk]


def test_bad_input_is_a_chinese_error(people):
    with pytest.raises(CommandError, match="找不到单位“县不存在局”"):
        run("create", "--content", "x", "--lead", "县不存在局", "--deadline", "2025-05-30")
    with pytest.raises(CommandError, match="办理时限 应为日期"):
        run("create", "--content", "x", "--lead", "县发改局", "--deadline", "五月底")
    assert not SupervisionItem.objects.exists()
    with pytest.raises(CommandError, match="督办事项 999 不存在"):
        run("transition", "999", "accept", "--as", "reporter_b")


def test_instruct_import_export_and_remind(people, tmp_path):
    item = json.loads(
        run("instruct", "--as", "leader", "--task", "附件1/一/(二)", "--text", "请一周内拿出方案", "--json")
    )
    assert item["lead_unit"] == "县发改局" and item["deadline"] == "2025-05-19"
    source = tmp_path / "台账.xlsx"
    source.write_bytes(xlsx(problems()))
    summary = json.loads(run("import-ledger", str(source), "--json"))
    assert summary["created"] == 15
    out = tmp_path / "导出.xlsx"
    assert "已导出 15 项" in run("export-ledger", "-o", str(out), "--ledger", str(summary["ledger_id"]))
    again = json.loads(run("import-ledger", str(out), "--json"))
    assert (again["created"], again["unchanged"]) == (0, 15)
    reminded = json.loads(run("remind", "--as-of", "2025-05-20", "--json"))
    assert reminded["escalated"] == [item["id"]]  # the 批示 was due on 19 May
    assert len(reminded["sent"]) == 1
    assert SupervisionItem.objects.get(pk=item["id"]).state == ItemState.ASSIGNED
