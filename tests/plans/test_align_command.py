"""luoshi align LOWER UPPER [--json]: suggestions listed per task, kept as links; bad input
is a Chinese error naming the argument, and nothing is written."""

import json
from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from luoshi.plans.models import TaskLink

pytestmark = pytest.mark.django_db


def run(*args):
    out = StringIO()
    call_command("align", *[str(a) for a in args], stdout=out)
    return out.getvalue()


def test_lists_each_task_with_its_three_candidates(plan, personas, city_plan):
    text = run(plan.pk, city_plan.pk)
    assert "对标：示范县实施“三大攻坚”工作方案（本级）→ 示范市实施“三大攻坚”工作方案（示范市）" in text
    assert "新增建议 9 条" in text
    assert "附件1/一/(三) 优化营商环境  [待确认]" in text
    assert "1. 附件1/二/(四) 推进政务服务一网通办  相似度" in text
    assert TaskLink.objects.count() == 9


def test_json_and_running_again_adds_nothing(plan, personas, city_plan):
    run(plan.pk, city_plan.pk)
    data = json.loads(run(plan.pk, city_plan.pk, "--json"))
    assert data["created"] == 0 and data["upper_plan"] == city_plan.pk
    first = data["tasks"][0]
    assert first["section"] == "附件1/一/(一)" and first["links"][0]["upper_section"] == "附件1/二/(一)"
    assert [link["rank"] for link in first["links"]] == [1, 2, 3]
    assert TaskLink.objects.count() == 9


def test_bad_arguments_say_what_is_wrong(plan, personas, city_plan):
    with pytest.raises(CommandError, match="下级方案：没有编号为 999 的方案"):
        run(999, city_plan.pk)
    with pytest.raises(CommandError, match="上级方案：请给出方案编号"):
        run(plan.pk, "示范市")
    with pytest.raises(CommandError, match="不属于“示范市”的上级组织"):
        run(city_plan.pk, plan.pk)
    assert not TaskLink.objects.exists()
