"""更正: an accepted report is corrected by its office through a step that keeps the old
version and records who changed which fields from what to what, and why."""

import pytest
from django.core.exceptions import PermissionDenied

from luoshi.accounts.permissions import actor_for
from luoshi.audit.models import AuditLog
from luoshi.reporting.choices import ReportState
from luoshi.reporting.models import Report
from luoshi.reporting.revisions import correct_report
from luoshi.reporting.services import ReportingError
from tests.clock import travel_to
from tests.reporting.helpers import MAY_9, accepted, report

pytestmark = pytest.mark.django_db


@pytest.fixture
def done(personas):
    travel_to(MAY_9)
    return accepted("附件1/一/(一)", "县工信局", progress="40", text="新引进企业3家")


def test_a_correction_keeps_the_accepted_version_and_says_who_changed_what_and_why(done, personas):
    office = actor_for(personas["office"])
    new = correct_report(
        office, done, progress="45", progress_text="新引进企业4家", reason="核实后企业数有误"
    )
    old = Report.objects.get(pk=done.pk)
    assert (old.revision, old.is_current, old.progress_text, old.state) == (
        1,
        False,
        "新引进企业3家",
        ReportState.ACCEPTED,
    )
    assert (new.revision, new.is_current, new.state, new.progress_text) == (
        2,
        True,
        ReportState.ACCEPTED,
        "新引进企业4家",
    )
    step = new.transitions.get()
    assert step.actor == personas["office"]
    assert (
        step.reason
        == "更正第1版：核实后企业数有误（完成进度：40.0 → 45.0；本期进展：新引进企业3家 → 新引进企业4家）"
    )
    row = AuditLog.objects.filter(operation="更正报告").get()
    assert row.user == personas["office"] and row.object_id == str(new.pk)
    assert row.changes == {"progress": ["40.0", "45.0"], "progress_text": ["新引进企业3家", "新引进企业4家"]}
    assert row.summary["reason"] == "核实后企业数有误"


def test_a_correction_needs_a_reason_a_change_and_the_office(done, personas):
    office = actor_for(personas["office"])
    with pytest.raises(ReportingError, match="更正时请写明原因"):
        correct_report(office, done, progress_text="新", reason=" ")
    with pytest.raises(ReportingError, match="与原报告相同"):
        correct_report(office, done, progress_text="新引进企业3家", reason="核实")
    with pytest.raises(PermissionDenied):
        correct_report(actor_for(personas["reporter_a"]), done, progress_text="新", reason="核实")
    with pytest.raises(ReportingError, match="不能更正这些内容：state"):
        correct_report(office, done, state="draft", reason="核实")
    assert Report.objects.filter(task=done.task).count() == 1  # nothing half-written
    assert Report.objects.get(pk=done.pk).is_current


def test_a_report_not_yet_accepted_is_not_corrected_but_returned(personas):
    travel_to(MAY_9)
    draft = report("附件1/一/(一)", "县工信局")
    with pytest.raises(ReportingError, match="只有已审定的当前报告需要更正"):
        correct_report(actor_for(personas["office"]), draft, progress_text="新", reason="核实")


def test_the_office_corrects_through_the_api_and_others_are_refused(done, personas):
    import json

    from django.test import Client

    def post(user, data):
        client = Client()
        client.force_login(personas[user])
        return client.post(
            f"/api/v1/reports/{done.pk}/correct", json.dumps(data), content_type="application/json"
        )

    assert post("reporter_a", {"progress_text": "改", "reason": "核实"}).status_code == 403
    response = post("office", {"progress_text": "改"})
    assert response.status_code == 400 and response.json()["error"] == "更正时请写明原因"
    response = post("office", {"progress_text": "新引进企业4家", "reason": "核实后企业数有误"})
    assert response.status_code == 200
    assert (
        response.json()["progress_text"] == "新引进企业4家"
        and response.json()["state"] == ReportState.ACCEPTED
    )
    assert Report.objects.get(pk=response.json()["id"]).revision == 2


def test_the_office_corrects_on_the_report_page(done, personas):
    from django.test import Client

    office, reporter = Client(), Client()
    office.force_login(personas["office"])
    reporter.force_login(personas["reporter_a"])
    page = office.get(f"/reports/{done.pk}/").content.decode()
    assert "更正（保留原版本" in page
    assert "更正（保留原版本" not in reporter.get(f"/reports/{done.pk}/").content.decode()
    url = f"/reports/{done.pk}/correct/"
    form = {
        "progress": "40",
        "progress_text": "新引进企业4家",
        "problems": "",
        "next_steps": "",
        "coordination": "",
    }
    response = office.post(url, form)
    assert response.status_code == 400 and "更正时请写明原因" in response.content.decode()
    assert reporter.post(url, {**form, "reason": "核实"}).status_code == 403
    response = office.post(url, {**form, "reason": "核实后企业数有误"})
    new = Report.objects.get(task=done.task, is_current=True)
    assert response["Location"] == f"/reports/{new.pk}/" and new.revision == 2
    history = office.get(response["Location"]).content.decode()
    assert "更正第1版：核实后企业数有误（本期进展：新引进企业3家 → 新引进企业4家）" in history
