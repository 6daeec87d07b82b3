"""If-Match on writes (api/versioning.py): the ETag a read gave back lets a write go
through; a stale one is 412 in Chinese with nothing written; no If-Match is accepted."""

import json

import pytest

from luoshi.accounts.permissions import actor_for
from luoshi.reporting import services
from luoshi.reporting.choices import ReportState
from luoshi.reporting.models import Report, ReportTransition
from tests.web.helpers import draft, submitted

pytestmark = pytest.mark.django_db


def post(client, url, data=None, **headers):
    return client.post(url, json.dumps(data or {}), content_type="application/json", headers=headers)


def test_the_etag_read_lets_the_step_through_and_changes_with_it(personas, today, client_for):
    report = draft(personas["reporter_a"])
    client = client_for(personas["reporter_a"])
    etag = client.get(f"/api/v1/reports/{report.pk}")["ETag"]
    response = post(client, f"/api/v1/reports/{report.pk}/submit", **{"If-Match": etag})
    assert response.status_code == 200 and response.json()["state"] == ReportState.SUBMITTED
    assert response["ETag"] != etag
    assert client.get(f"/api/v1/reports/{report.pk}")["ETag"] == response["ETag"]


def test_a_stale_etag_is_412_and_nothing_is_written(personas, today, client_for):
    report = submitted(personas["reporter_a"])
    head = client_for(personas["head_a"])
    etag = head.get(f"/api/v1/reports/{report.pk}")["ETag"]
    # meanwhile the head approves it on the page
    services.approve_report(actor_for(personas["head_a"]), report)
    office = client_for(personas["office"])
    response = post(office, f"/api/v1/reports/{report.pk}/return", {"reason": "补充"}, **{"If-Match": etag})
    assert response.status_code == 412 and "If-Match" in response.json()["error"]
    report.refresh_from_db()
    assert report.state == ReportState.APPROVED and report.return_reason == ""
    assert not ReportTransition.objects.filter(report=report, to_state=ReportState.RETURNED).exists()


def test_a_change_not_made_through_the_api_changes_the_etag_too(personas, today, client_for):
    report = draft(personas["reporter_a"])
    client = client_for(personas["reporter_a"])
    etag = client.get(f"/api/v1/reports/{report.pk}")["ETag"]
    services.add_evidence(actor_for(personas["reporter_a"]), report, "名单.pdf", b"%PDF-1.4 x")
    response = post(client, f"/api/v1/reports/{report.pk}/submit", **{"If-Match": etag})
    assert response.status_code == 412
    assert Report.objects.get(pk=report.pk).state == ReportState.DRAFT


def test_no_if_match_or_a_star_is_accepted(personas, today, client_for):
    first, second = draft(personas["reporter_a"]), draft(personas["reporter_b"], "附件1/一/(二)")
    response = post(client_for(personas["reporter_a"]), f"/api/v1/reports/{first.pk}/submit")
    assert response.status_code == 200
    response = post(
        client_for(personas["reporter_b"]), f"/api/v1/reports/{second.pk}/submit", **{"If-Match": "*"}
    )
    assert response.status_code == 200


def test_if_match_is_checked_after_permission(personas, today, client_for):
    report = draft(personas["reporter_b"], "附件1/一/(二)")
    response = post(
        client_for(personas["reporter_a"]), f"/api/v1/reports/{report.pk}/submit", **{"If-Match": '"x"'}
    )
    assert response.status_code == 404
