"""A plan import under review: staged from a file, fixed, dry-run, confirmed or
discarded; only the coordinator (or the system) does any of it."""

import json

import pytest
from django.core.exceptions import PermissionDenied

from luoshi.accounts.permissions import SYSTEM, actor_for
from luoshi.plans.choices import ImportState
from luoshi.plans.imports import confirm_import, discard_import, dry_run, set_renames, stage_import
from luoshi.plans.models import PendingImport, Plan
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
