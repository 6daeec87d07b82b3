"""The organisation tree from the command line (``luoshi org``), imports into an
organisation (``luoshi import --org``), and who may grow the tree."""

import json

import pytest
from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied
from django.core.management import call_command
from django.core.management.base import CommandError

from luoshi.accounts.permissions import SYSTEM, actor_for
from luoshi.audit.models import AuditLog
from luoshi.plans.models import Organisation, Plan, Unit
from luoshi.plans.organisations import add_organisation, move_organisation
from luoshi.plans.validation import PlanError
from tests.plans.factories import make_plan

pytestmark = pytest.mark.django_db


def run(*args, capsys) -> str:
    call_command(*args)
    return capsys.readouterr().out


def test_org_add_list_move_and_a_user_put_in_one(capsys, personas, tmp_path):
    run("org", "add", "示范市", "--level", "city", capsys=capsys)
    out = run("org", "add", "邻县", "--level", "district", "--parent", "示范市", capsys=capsys)
    assert "已新增组织：邻县" in out
    district = Organisation.objects.get(parent__isnull=True, name="本级")
    out = run("org", "move", str(district.pk), "--parent", "示范市", capsys=capsys)
    assert "上级为 示范市" in out
    city = Organisation.objects.get(name="示范市")
    district.refresh_from_db()
    assert district.path == f"{city.path}{district.pk}/"
    rows = json.loads(run("org", "list", "--json", capsys=capsys))
    assert [(r["name"], r["parent"]) for r in rows] == [
        ("示范市", None),
        ("本级", city.pk),
        ("邻县", city.pk),
    ]
    assert rows[1]["plans"] == 1 and rows[1]["users"] == 7
    out = run("org", "user", "leader", "示范市", "--manages-below", capsys=capsys)
    assert "leader 属于 示范市（可办理下级组织事项）" in out
    leader = actor_for(get_user_model().objects.get(username="leader"))
    assert leader.org_id == city.pk and leader.manages_below
    with pytest.raises(CommandError, match="属于单位“县工信局”，该单位不在“示范市”的名录中"):
        call_command("org", "user", "reporter_a", "示范市")
    with pytest.raises(CommandError, match="不能把“示范市”移到它自己或它的下级“邻县”之下"):
        call_command("org", "move", "示范市", "--parent", "邻县")
    assert {"新增组织", "调整组织上级", "调整用户所属组织"} <= set(
        AuditLog.objects.values_list("operation", flat=True)
    )

    # a plan imported into the sibling lands there, with units of its own registry
    path = tmp_path / "plan.json"
    path.write_text(json.dumps(make_plan(), ensure_ascii=False), encoding="utf-8")
    out = run("import_plan", str(path), "--org", "邻县", capsys=capsys)
    assert "已导入" in out
    sibling = Organisation.objects.get(name="邻县")
    plan = Plan.objects.get(organisation=sibling)
    assert plan.version == 1  # its own series, not a new version of the district's plan
    assert Unit.objects.filter(name="县工信局").count() == 2
    assert set(plan.tasks.values_list("task_units__unit__organisation", flat=True)) == {sibling.pk}
    with pytest.raises(CommandError, match="找不到组织“无此县”"):
        call_command("import_plan", str(path), "--org", "无此县")


def test_a_coordinator_grows_the_tree_below_its_own_organisation_only(personas):
    from luoshi.accounts.models import Profile

    city = add_organisation(SYSTEM, "示范市", level="city")
    district = Organisation.objects.get(name="本级")
    district = move_organisation(SYSTEM, district, city)
    with pytest.raises(PermissionDenied, match="获授“可办理下级组织事项”的综合协调组办公室"):
        add_organisation(actor_for(personas["coordinator"]), "城关镇", level="town", parent=district)
    Profile.objects.filter(user=personas["coordinator"]).update(manages_below=True)
    coordinator = actor_for(Profile.objects.get(user=personas["coordinator"]).user)
    town = add_organisation(coordinator, "城关镇", level="town", parent=district)
    assert town.path.startswith(district.path)
    with pytest.raises(PermissionDenied, match="获授“可办理下级组织事项”的综合协调组办公室"):
        add_organisation(coordinator, "邻县", level="district", parent=city)
    with pytest.raises(PermissionDenied):
        add_organisation(actor_for(personas["leader"]), "东街道", level="town", parent=district)
    with pytest.raises(PlanError, match="“城关镇”是乡镇（街道），其下级组织不能是乡镇（街道）"):
        add_organisation(SYSTEM, "东村", level="town", parent=town)
    assert not Organisation.objects.filter(name__in=["邻县", "东街道", "东村"]).exists()


def test_two_districts_with_plans_of_one_title_keep_their_own_settings(plan):
    from luoshi.bulletins.lookups import review_weights
    from luoshi.bulletins.services import set_review_weights
    from luoshi.plans.services import import_plan
    from luoshi.reporting.policy import policy_for

    city = add_organisation(SYSTEM, "示范市", level="city")
    sibling = add_organisation(SYSTEM, "邻县", level="district", parent=city)
    theirs = import_plan(SYSTEM, make_plan(), organisation=sibling).plan
    assert theirs.series == plan.series and theirs.version == 1
    policy = policy_for(theirs)
    policy.head_approval = False
    policy.save()
    assert policy_for(plan).head_approval is True
    set_review_weights(SYSTEM, theirs, timeliness=40, progress=30, targets=20, supervision=10)
    assert review_weights(plan).timeliness != 40 and review_weights(theirs).timeliness == 40
