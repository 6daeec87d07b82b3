"""Merging two spellings of a unit moves everything that names it, in one transaction."""

import datetime as dt

import pytest
from django.contrib.auth import get_user_model

from luoshi.accounts.models import Profile
from luoshi.accounts.permissions import SYSTEM
from luoshi.plans.merge import merge_units
from luoshi.plans.models import TaskForce, Unit, UnitAlias
from luoshi.reporting.choices import ReportState
from luoshi.reporting.models import Report
from luoshi.supervision.choices import Source
from luoshi.supervision.services import create_item
from tests.clock import travel_to
from tests.reporting.helpers import MAY_9, accepted, report, task

pytestmark = pytest.mark.django_db


@pytest.fixture
def busy_unit(personas):
    """县工信局 with reports, users, an office and a supervision item, and 县发改局 with a
    draft on the same task and period as one of 县工信局's accepted reports."""
    travel_to(MAY_9)
    accepted("附件1/一/(一)", "县工信局", progress="40", text="工信局已审定")
    report("附件1/一/(一)", "县发改局", progress="", text="发改局草稿")
    report("附件1/一/(二)", "县发改局", progress="30")
    return create_item(
        SYSTEM,
        content="园区污水管网未按期建成",
        lead_unit=Unit.objects.get(name="县工信局"),
        cooperating_units=[Unit.objects.get(name="县发改局")],
        deadline=dt.date(2025, 5, 23),
        source=Source.SPECIAL,
    )


def test_merge_moves_reports_users_items_and_keeps_the_old_name(busy_unit):
    keep, other = Unit.objects.get(name="县发改局"), Unit.objects.get(name="县工信局")
    result = merge_units(keep, other)
    assert not Unit.objects.filter(name="县工信局").exists()
    assert UnitAlias.objects.get(name="县工信局").unit == keep
    assert set(Profile.objects.filter(unit=keep).values_list("user__username", flat=True)) == {
        "reporter_a",
        "head_a",
        "office",
        "reporter_b",
        "head_b",
    }
    assert TaskForce.objects.get().office == keep
    busy_unit.refresh_from_db()
    assert busy_unit.lead_unit == keep
    assert list(busy_unit.cooperating_units.all()) == []  # never cooperates on what it leads
    # both reported on task (一) in 5月上旬: the accepted one stays current, the draft is kept
    reports = Report.objects.filter(task=task("附件1/一/(一)"), unit=keep).order_by("revision")
    assert [(r.revision, r.state, r.is_current, r.progress_text) for r in reports] == [
        (1, ReportState.DRAFT, False, "发改局草稿"),
        (2, ReportState.ACCEPTED, True, "工信局已审定"),
    ]
    assert (
        "县发改局”原有报告作为第1至1版保留"
        in reports[1].transitions.order_by("created_at", "pk").last().reason
    )
    assert Report.objects.filter(unit=keep).count() == 3
    assert result.moved["进度报告"] == 1 and result.moved["用户角色"] == 3
    assert "审核进度更靠后的" in result.message()


def test_admin_merge_of_a_unit_with_reports_says_what_it_moved(busy_unit, client):
    admin = get_user_model().objects.create_superuser("admin", "a@example.com", "Luoshi@2025x")
    client.force_login(admin)
    keep, other = Unit.objects.get(name="县发改局"), Unit.objects.get(name="县工信局")
    response = client.post(
        "/admin/plans/unit/",
        {"action": "merge_selected", "_selected_action": [keep.pk, other.pk]},
        follow=True,
    )
    assert response.status_code == 200
    page = response.content.decode()
    assert "已将“县工信局”合并到“县发改局”，移交" in page
    assert "作为历史版本保留" in page
    assert not Report.objects.filter(unit__name="县工信局").exists()


def test_a_merge_that_cannot_finish_changes_nothing(busy_unit, monkeypatch):
    from luoshi.plans import merge
    from luoshi.plans.validation import PlanError

    def refuse(keep, other):
        raise PlanError("测试：拒绝")

    keep, other = Unit.objects.get(name="县发改局"), Unit.objects.get(name="县工信局")
    monkeypatch.setitem(merge._MERGE_RULES, "supervision.SupervisionItem", refuse)
    with pytest.raises(PlanError):
        merge_units(keep, other)
    assert Report.objects.filter(unit=other).count() == 1
    assert Profile.objects.filter(unit=other).count() == 3
    assert Unit.objects.filter(pk=other.pk).exists()
