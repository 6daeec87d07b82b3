"""Importing plans: one transaction, idempotent, revisions keep task identity."""

import json

import pytest
from django.apps import apps

from luoshi.accounts.permissions import SYSTEM
from luoshi.cli import main as luoshi
from luoshi.plans.choices import TaskRole
from luoshi.plans.lookups import get_plan
from luoshi.plans.models import Plan, Task, TaskForce, Unit, UnitAlias
from luoshi.plans.services import import_plan
from luoshi.plans.validation import PlanError
from tests.plans.factories import make_plan

pytestmark = pytest.mark.django_db


def row_counts() -> dict[str, int]:
    return {model.__name__: model.objects.count() for model in apps.get_app_config("plans").get_models()}


def write(tmp_path, plan, name="plan.json") -> str:
    path = tmp_path / name
    path.write_text(json.dumps(plan, ensure_ascii=False), encoding="utf-8")
    return str(path)


def test_import_creates_the_three_lists(tmp_path, capsys):
    assert luoshi(["import", write(tmp_path, make_plan())]) == 0
    plan = Plan.objects.get()
    assert (plan.doc_number, plan.year, plan.version) == ("示政办发〔2025〕3号", 2025, 1)
    assert plan.source_name == "plan.json" and plan.source_file.read().startswith(b"{")
    task = Task.objects.get(section__sid="附件1/一/(一)")
    assert [u.name for u in task.leads()] == ["县工信局"]
    assert [u.name for u in task.cooperators()] == ["县发改局", "城关镇"]
    assert task.deadline.isoformat() == "2025-12-31"
    assert task.part.key == "附件1"
    assert plan.targets.count() == 3
    force = TaskForce.objects.get()
    assert force.office.name == "县工信局"
    assert [s.name for s in force.seats.filter(role="deputy")] == ["县工信局主要负责人"]
    assert "已导入" in capsys.readouterr().out


def test_importing_the_same_plan_again_changes_nothing(tmp_path, capsys):
    path = write(tmp_path, make_plan())
    assert luoshi(["import", path]) == 0
    before = row_counts()
    ids = sorted(Task.objects.values_list("pk", flat=True))
    assert luoshi(["import", path]) == 0
    assert row_counts() == before
    assert sorted(Task.objects.values_list("pk", flat=True)) == ids
    assert "方案未变化" in capsys.readouterr().out


def test_revised_plan_becomes_a_new_version_and_unchanged_tasks_keep_their_ids(tmp_path, capsys):
    assert luoshi(["import", write(tmp_path, make_plan())]) == 0
    first = {t.section.sid: t.pk for t in Task.objects.select_related("section")}

    revised = make_plan()
    sections = revised["sections"]
    # edit (一), remove (三), add (四) with a new unit
    sections[2]["text"] = "新增规模工业企业12家。(县工信局牵头负责，县发改局、城关镇等按职责分工负责)"
    revised["tasks"][0]["cooperators"] = ["县发改局"]
    sections.pop(4)
    revised["tasks"].pop(2)
    sections.insert(
        4,
        {
            "id": "附件1/一/(四)",
            "part": "附件1",
            "parent": "附件1/一",
            "number": "(四)",
            "title": "强化要素保障",
            "text": "(县自然资源局牵头负责)",
        },
    )
    revised["tasks"].append(
        {"section": "附件1/一/(四)", "leads": ["县自然资源局"], "cooperators": [], "deadline": None}
    )
    capsys.readouterr()
    assert luoshi(["import", write(tmp_path, revised, "revised.json")]) == 0
    out = capsys.readouterr().out

    latest = get_plan()
    assert latest.version == 2 and Plan.objects.count() == 2
    now = {t.section.sid: t.pk for t in Task.objects.filter(plan=latest).select_related("section")}
    assert now["附件1/一/(二)"] == first["附件1/一/(二)"]  # unchanged: same task
    assert now["附件1/一/(一)"] == first["附件1/一/(一)"]  # edited: same task, new content
    assert now["附件1/一/(四)"] not in first.values()
    assert "附件1/一/(三)" not in now
    # the removed task stays with the version that had it
    assert Task.objects.get(pk=first["附件1/一/(三)"]).plan.version == 1
    edited = Task.objects.get(pk=first["附件1/一/(一)"])
    assert "12家" in edited.text and [u.name for u in edited.cooperators()] == ["县发改局"]
    assert "新增任务 1 项，删除 1 项，修改 1 项，新增单位 1 个" in out
    assert "+ 新增任务 附件1/一/(四)" in out and "- 删除任务 附件1/一/(三)" in out
    assert "* 修改任务 附件1/一/(一)：内容、责任单位" in out
    assert "+ 新增单位 县自然资源局" in out
    assert latest.diff["tasks_removed"] == ["附件1/一/(三)"]


def test_two_spellings_of_a_unit_are_one_unit_with_an_alias():
    import_plan(SYSTEM, make_plan())
    assert not Unit.objects.filter(name="县住建(交通)局").exists()
    unit = Unit.objects.get(name="县住建局(交通局)")
    assert UnitAlias.objects.get(name="县住建(交通)局").unit == unit
    task = Task.objects.get(section__sid="附件1/一/(二)")
    assert task.cooperators() == [unit]


def test_units_are_one_registry_across_plans():
    import_plan(SYSTEM, make_plan())
    other = make_plan(
        title="示范县2026年重点工作责任分解", date="2026-02-01", doc_number="示政办发〔2026〕1号"
    )
    other["tasks"][0]["leads"] = ["县工信局"]
    import_plan(SYSTEM, other)
    assert Plan.objects.count() == 2
    assert Unit.objects.filter(name="县工信局").count() == 1
    assert Task.objects.filter(task_units__unit__name="县工信局", task_units__role=TaskRole.LEAD).count() == 2


def test_group_phrases_are_units_of_the_group_kind():
    import_plan(SYSTEM, make_plan())
    assert Unit.objects.get(name="县直有关单位").kind == "group"
    assert Unit.objects.get(name="城关镇").kind == "street_town"


def test_commands_default_to_the_latest_plan_and_take_another(tmp_path):
    import_plan(SYSTEM, make_plan())
    newer = import_plan(
        SYSTEM,
        make_plan(title="示范县2026年重点工作责任分解", date="2026-02-01", doc_number="示政办发〔2026〕1号"),
    ).plan
    assert get_plan() == newer
    assert get_plan("示政办发〔2025〕3号").year == 2025
    with pytest.raises(PlanError, match="找不到方案"):
        get_plan("不存在的方案")
