"""Who reads which report and who may write it (``reporting.permissions``): 404 alike
for a missing report and another unit's, 403 for one it may only read."""

import pytest
from django.core.exceptions import PermissionDenied
from django.http import Http404

from luoshi.accounts.permissions import actor_for
from luoshi.plans.permissions import visible_tasks
from luoshi.reporting.permissions import get_report_for, visible_reports
from tests.web.helpers import TASK_A, TASK_B, approved, draft, submitted

pytestmark = pytest.mark.django_db


def test_a_user_without_role_sees_nothing(personas, today, django_user_model):
    nobody = django_user_model.objects.create_user("nobody", password="x")
    assert not visible_tasks(actor_for(nobody)).exists()
    assert not visible_reports(actor_for(nobody)).exists()


def test_drafts_are_seen_by_their_own_unit_only(personas, today):
    report = draft(personas["reporter_a"])
    assert get_report_for(actor_for(personas["reporter_a"]), report.pk, write=True) == report
    assert get_report_for(actor_for(personas["head_a"]), report.pk) == report
    for who in ("reporter_b", "head_b"):
        with pytest.raises(Http404):
            get_report_for(actor_for(personas[who]), report.pk)


def test_office_sees_reports_of_its_campaign_once_handed_in(personas, today):
    theirs = draft(personas["reporter_b"], TASK_B)
    office = actor_for(personas["office"])
    with pytest.raises(Http404):
        get_report_for(office, theirs.pk)
    theirs = submitted(personas["reporter_b"], TASK_B)
    assert get_report_for(office, theirs.pk) == theirs


def test_lead_sees_cooperators_parts_once_submitted_never_their_drafts(personas, today):
    part = draft(personas["reporter_b"], TASK_A, progress="", text="配合完成项目对接")
    lead = actor_for(personas["reporter_a"])
    with pytest.raises(Http404):
        get_report_for(lead, part.pk)
    part = submitted(personas["reporter_b"], TASK_A, progress="", text="配合完成项目对接")
    assert get_report_for(lead, part.pk) == part
    # but the cooperator does not see the lead's report
    mine = submitted(personas["reporter_a"])
    with pytest.raises(Http404):
        get_report_for(actor_for(personas["reporter_b"]), mine.pk)


@pytest.mark.parametrize("who", ["head_a", "office", "coordinator", "leader"])
def test_readers_other_than_the_reporter_may_not_write(personas, today, who):
    report = submitted(personas["reporter_a"])
    with pytest.raises(PermissionDenied):
        get_report_for(actor_for(personas[who]), report.pk, write=True)


def test_submitted_report_is_read_only_even_for_its_reporter(personas, today):
    report = submitted(personas["reporter_a"])
    with pytest.raises(PermissionDenied):
        get_report_for(actor_for(personas["reporter_a"]), report.pk, write=True)


def test_approved_report_visible_to_office_and_coordinator(personas, today):
    report = approved(personas["reporter_a"], personas["head_a"])
    for who in ("office", "coordinator", "leader"):
        assert get_report_for(actor_for(personas[who]), report.pk) == report
