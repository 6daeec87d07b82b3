"""The unit registry: listing with counts, merging two units in the admin."""

import json

import pytest
from django.contrib.auth import get_user_model

from luoshi.accounts.permissions import SYSTEM
from luoshi.cli import main as luoshi
from luoshi.plans.models import GroupMapping, Task, Unit, UnitAlias
from luoshi.plans.services import import_plan
from luoshi.plans.units import alias_key
from tests.plans.factories import make_plan

pytestmark = pytest.mark.django_db


def test_alias_key_matches_bracket_placements():
    assert alias_key("区住建(交通)局") == alias_key("区住建局(交通局)")
    assert alias_key("区住建（交通）局") == alias_key("区住建局（交通局）")
    assert alias_key("区应急局(水利局)") != alias_key("区住建局(交通局)")
    assert alias_key("区发改局") == "区发改局"


def test_units_command_lists_task_counts(capsys):
    import_plan(SYSTEM, make_plan())
    assert luoshi(["units", "--json"]) == 0
    rows = {row["name"]: row for row in json.loads(capsys.readouterr().out)}
    assert rows["县发改局"]["leads"] == 1 and rows["县发改局"]["cooperates"] == 1
    assert rows["县住建局(交通局)"]["aliases"] == ["县住建(交通)局"]
    assert "县直有关单位" not in rows  # a group phrase is no unit of the registry
    assert luoshi(["units"]) == 0
    out = capsys.readouterr().out
    assert "共 5 个单位" in out and "县直有关单位" not in out


def test_admin_merges_two_units(client):
    import_plan(SYSTEM, make_plan())
    admin = get_user_model().objects.create_superuser("admin", "a@example.com", "Luoshi@2025x")
    client.force_login(admin)
    keep = Unit.objects.get(name="县发改局")
    other = Unit.objects.get(name="县工信局")
    response = client.post(
        "/admin/plans/unit/",
        {"action": "merge_selected", "_selected_action": [keep.pk, other.pk]},
        follow=True,
    )
    assert "已将“县工信局”合并到“县发改局”" in response.content.decode()
    assert not Unit.objects.filter(name="县工信局").exists()
    assert UnitAlias.objects.get(name="县工信局").unit == keep
    task = Task.objects.get(section__sid="附件1/一/(一)")
    # 县发改局 cooperated on this task and 县工信局 led it: the merged unit leads
    assert [u.name for u in task.leads()] == ["县发改局"] and [u.name for u in task.cooperators()] == [
        "城关镇"
    ]
    # a later import that writes the old name lands on the merged unit
    import_plan(SYSTEM, make_plan(title="示范县2026年重点工作", date="2026-01-05"))
    assert not Unit.objects.filter(name="县工信局").exists()


def test_admin_refuses_merging_other_than_two(client):
    import_plan(SYSTEM, make_plan())
    admin = get_user_model().objects.create_superuser("admin", "a@example.com", "Luoshi@2025x")
    client.force_login(admin)
    response = client.post(
        "/admin/plans/unit/",
        {"action": "merge_selected", "_selected_action": [Unit.objects.first().pk]},
        follow=True,
    )
    assert "请恰好选择两个单位" in response.content.decode()


def test_the_admin_lists_no_group_as_a_unit(client):
    import_plan(SYSTEM, make_plan())
    admin = get_user_model().objects.create_superuser("admin", "a@example.com", "Luoshi@2025x")
    client.force_login(admin)
    html = client.get("/admin/plans/unit/").content.decode()
    assert "县发改局" in html and "县直有关单位" not in html
    GroupMapping.objects.create(name="县直有关单位")
    html = client.get("/admin/plans/groupmapping/").content.decode()
    assert "县直有关单位" in html and "（不承担报送）" in html
