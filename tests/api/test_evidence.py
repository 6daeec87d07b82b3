"""Evidence of a report in the API: listed on the report, downloadable through the same
permission checks as the report (another unit: 404)."""

import pytest
from django.contrib.auth import get_user_model

from luoshi.accounts.models import Profile
from luoshi.accounts.permissions import actor_for
from luoshi.plans.models import Unit
from luoshi.reporting import services
from tests.web.helpers import draft

pytestmark = pytest.mark.django_db


def test_a_reports_files_are_listed_and_downloadable_through_the_checks(personas, today, client_for):
    reporter = actor_for(personas["reporter_a"])
    report = draft(personas["reporter_a"])
    services.add_evidence(reporter, report, "企业名单.pdf", b"%PDF-1.4 list")
    report = services.submit_report(reporter, report)
    head = client_for(personas["head_a"])
    files = head.get(f"/api/v1/reports/{report.pk}").json()["evidence"]
    assert [(f["name"], f["size"]) for f in files] == [("企业名单.pdf", 13)]
    listed = head.get("/api/v1/reports").json()["items"]
    assert next(r for r in listed if r["id"] == report.pk)["evidence"] == files
    response = head.get(files[0]["url"])
    assert response.status_code == 200 and b"".join(response.streaming_content) == b"%PDF-1.4 list"
    outsider = get_user_model().objects.create_user("outsider", password="Luoshi@2025x")
    Profile.objects.create(user=outsider, role="reporter", unit=Unit.objects.get(name="县政务服务中心"))
    assert client_for(outsider).get(files[0]["url"]).status_code == 404
    assert head.get(f"/api/v1/reports/{report.pk}/evidence/999999").status_code == 404
