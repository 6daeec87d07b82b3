"""Bad plan files: a Chinese message naming the place, exit 1, nothing written."""

import json

import pytest
from django.apps import apps

from luoshi.cli import main as luoshi
from tests.plans.factories import make_plan

pytestmark = pytest.mark.django_db


def nothing_written() -> bool:
    """No plan, unit or import row (the install's organisation is made on first use)."""
    models = [m for m in apps.get_app_config("plans").get_models() if m.__name__ != "Organisation"]
    return all(model.objects.count() == 0 for model in models)


def run_import(tmp_path, capsys, content: bytes, name="plan.json") -> tuple[int, str]:
    path = tmp_path / name
    path.write_bytes(content)
    capsys.readouterr()
    code = luoshi(["import", str(path)])
    return code, capsys.readouterr().err


def as_bytes(plan) -> bytes:
    return json.dumps(plan, ensure_ascii=False).encode()


def test_unknown_schema_is_refused(tmp_path, capsys):
    code, err = run_import(tmp_path, capsys, as_bytes(make_plan(schema="luoshi.plan/9")))
    assert code == 1 and "schema" in err and "不支持的格式" in err
    assert nothing_written()


def test_missing_field_is_named(tmp_path, capsys):
    plan = make_plan()
    del plan["sections"][2]["number"]
    code, err = run_import(tmp_path, capsys, as_bytes(plan))
    assert code == 1 and "sections[2].number：缺少此字段" in err
    assert "未写入任何内容" in err
    assert nothing_written()


def test_task_naming_a_section_not_in_the_plan_is_refused(tmp_path, capsys):
    plan = make_plan()
    plan["tasks"][1]["section"] = "附件9/一"
    code, err = run_import(tmp_path, capsys, as_bytes(plan))
    assert code == 1 and "tasks[1].section：条目 附件9/一 不在 sections 中" in err
    assert nothing_written()


def test_every_problem_is_listed(tmp_path, capsys):
    plan = make_plan()
    plan["targets"][0]["op"] = "≈"
    plan["tasks"][0]["deadline"] = "2025-13-01"
    code, err = run_import(tmp_path, capsys, as_bytes(plan))
    assert code == 1 and "2 处错误" in err
    assert "targets[0].op" in err and "tasks[0].deadline" in err
    assert nothing_written()


def test_file_that_is_not_utf8_json_is_refused(tmp_path, capsys):
    code, err = run_import(tmp_path, capsys, json.dumps(make_plan(), ensure_ascii=False).encode("gbk"))
    assert code == 1 and "不是 UTF-8 编码的 JSON 文件" in err
    assert nothing_written()


def test_broken_json_names_line_and_column(tmp_path, capsys):
    code, err = run_import(tmp_path, capsys, b'{\n  "schema": "luoshi.plan/1",\n  "title" "x"\n}')
    assert code == 1 and "第 3 行第 11 列" in err
    assert nothing_written()


def test_missing_file_is_named(tmp_path, capsys):
    capsys.readouterr()
    assert luoshi(["import", str(tmp_path / "nope.json")]) == 1
    assert "找不到文件" in capsys.readouterr().err


def test_failure_midway_leaves_nothing(tmp_path, capsys, monkeypatch):
    """A fault after the first rows are written rolls the whole import back."""
    from luoshi.plans import services
    from luoshi.plans.validation import PlanError

    def explode(*args, **kwargs):
        raise PlanError("模拟的导入故障")

    monkeypatch.setattr(services, "_import_task_forces", explode)
    code, err = run_import(tmp_path, capsys, as_bytes(make_plan()))
    assert code == 1 and "模拟的导入故障" in err
    assert nothing_written()
