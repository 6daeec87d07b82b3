"""A plan import under review: staged from a file, fixed, dry-run, confirmed or
discarded; only the coordinator (or the system) does any of it."""

import json

import pytest
from django.core.exceptions import PermissionDenied

from luoshi.accounts.permissions import SYSTEM, actor_for
from luoshi.plans.choices import ImportState
from luoshi.plans.imports import (
    confirm_import,
    discard_import,
    dry_run,
    set_groups,
    set_renames,
    set_target_fix,
    stage_import,
)
from luoshi.plans.models import GroupMapping, PendingImport, Plan
from luoshi.plans.validation import PlanError
from tests.plans.factories import make_plan

pytestmark = pytest.mark.django_db


def as_file(data: dict) -> bytes:
    return json.dumps(data, ensure_ascii=False).encode()


def test_a_staged_plan_is_confirmed_with_the_clerks_unit_fixes():
    pending = stage_import(SYSTEM, "plan.json", as_file(make_plan()))
    assert pending.state == ImportState.PENDING and not Plan.objects.exists()
    assert dry_run(SYSTEM, pending.plan_data).created and not Plan.objects.exists()  # rolled back
    set_renames(SYSTEM, pending, {"城关镇": "城关镇人民政府", "县工信局": "  "})
    assert pending.renames == {"城关镇": "城关镇人民政府"}
    result = confirm_import(SYSTEM, pending)
    pending.refresh_from_db()
    assert pending.state == ImportState.CONFIRMED and pending.plan == result.plan
    assert pending.result["version"] == 1
    assert result.plan.tasks.filter(task_units__unit__name="城关镇人民政府").exists()


def test_only_the_coordinator_stages_confirms_or_discards(personas):
    office = actor_for(personas["office"])
    with pytest.raises(PermissionDenied, match="只有综合协调组办公室可以导入方案"):
        stage_import(office, "plan.json", as_file(make_plan(title="另一个方案")))
    assert not PendingImport.objects.exists()
    pending = stage_import(
        actor_for(personas["coordinator"]), "plan.json", as_file(make_plan(title="另一个方案"))
    )
    for write in (confirm_import, discard_import):
        with pytest.raises(PermissionDenied):
            write(office, pending)
    pending.refresh_from_db()
    assert pending.state == ImportState.PENDING and Plan.objects.count() == 1  # the personas' plan only
    discard_import(actor_for(personas["coordinator"]), pending)
    pending.refresh_from_db()
    assert pending.state == ImportState.DISCARDED


def test_an_unreadable_file_is_refused_in_chinese_and_nothing_is_kept():
    with pytest.raises(PlanError):
        stage_import(SYSTEM, "x.json", b"{not json")
    assert not PendingImport.objects.exists()


def test_a_group_mapped_in_review_applies_to_a_later_cli_import(tmp_path, capsys):
    from luoshi.cli import main as luoshi

    pending = stage_import(SYSTEM, "plan.json", as_file(make_plan(title="甲方案")))
    with pytest.raises(PlanError, match="“县财政局”不在单位名录中"):
        set_groups(SYSTEM, pending, {"县直有关单位": "县发改局、县财政局"})
    pending.refresh_from_db()
    assert pending.groups == {}  # nothing half-kept
    set_groups(SYSTEM, pending, {"县直有关单位": "县发改局"})
    confirm_import(SYSTEM, pending)
    assert GroupMapping.objects.get(name="县直有关单位").units.get().name == "县发改局"

    path = tmp_path / "plan.json"
    path.write_bytes(as_file(make_plan(title="乙方案")))
    assert luoshi(["import", str(path)]) == 0
    task = Plan.objects.get(title="乙方案").tasks.get(section__sid="附件1/一/(三)")
    assert [u.name for u in task.cooperators()] == ["县发改局"]
    capsys.readouterr()
    assert luoshi(["units", "--json"]) == 0
    assert "县直有关单位" not in {row["name"] for row in json.loads(capsys.readouterr().out)}


def test_a_corrected_target_is_audited_and_imported(personas):
    from luoshi.audit.models import AuditLog

    pending = stage_import(SYSTEM, "plan.json", as_file(make_plan(title="甲方案")))
    assert set_target_fix(SYSTEM, pending, 0, {"subject": "", "op": "≥", "value": "六", "unit": "%"}) == {
        "subject": "请填写指标名称",
        "op": "请选择比较方式（不低于、超过、不高于、低于、达到）",
        "value": "目标值“六”不是数字，请只填数字（如 90 或 1.5）",
    }
    assert (
        set_target_fix(
            SYSTEM, pending, 0, {"subject": "地区生产总值增速", "op": ">=", "value": "6.5", "unit": "％"}
        )
        == {}
    )
    row = AuditLog.objects.filter(operation="更正指标").get()
    assert row.changes["指标名称"] == ["地区生产总值增长", "地区生产总值增速"]
    result = confirm_import(SYSTEM, pending)
    target = result.plan.targets.get(section__sid="正文/一")
    assert (target.subject, str(target.value_display), target.unit) == ("地区生产总值增速", "6.5", "%")
