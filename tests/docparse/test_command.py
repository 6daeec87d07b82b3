"""``luoshi parse FILE [--json]``: the tree, the JSON, and Chinese errors without tracebacks."""

import json

from luoshi.docparse.command import main

from .helpers import DATA


def test_json_output(capsys):
    assert main([str(DATA / "city-fengong-table-2025.txt"), "--json"]) == 0
    plan = json.loads(capsys.readouterr().out)
    assert plan["schema"] == "luoshi.plan/1"
    assert plan["tasks"][0]["leads"] == ["市住建局"]


def test_tree_output_names_units_deadlines_and_targets(capsys):
    assert main([str(DATA / "city-fengong-table-2025.txt")]) == 0
    out = capsys.readouterr().out
    assert "【正文】南川市推进城市更新三年行动任务分工" in out
    assert "牵头：市住建局" in out
    assert "配合：市财政局、市自然资源和规划局" in out
    assert "时限：2025-12-31" in out
    assert "目标：改造老旧小区 ≥ 120个" in out


def test_tree_lists_warnings(capsys):
    assert main([str(DATA / "novel.txt")]) == 0
    assert "提示（2 条）" in capsys.readouterr().out


def test_missing_file_is_a_chinese_message(tmp_path, capsys):
    assert main([str(tmp_path / "nope.txt")]) == 1
    captured = capsys.readouterr()
    assert captured.out == ""
    assert "文件" in captured.err
    assert "Traceback" not in captured.err


def test_directory_is_a_chinese_message(tmp_path, capsys):
    assert main([str(tmp_path)]) == 1
    assert "Traceback" not in capsys.readouterr().err
