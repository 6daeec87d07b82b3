"""In the admin, reports and their history, supervision items and their steps, bulletins
and the audit log are shown and never written, superusers included; every admin write
that is allowed leaves an audit row."""

import datetime as dt

import pytest
from django.contrib import admin
from django.test import Client

from luoshi.accounts.permissions import SYSTEM
from luoshi.audit.admin import AuditedModelAdmin
from luoshi.audit.models import AuditLog
from luoshi.bulletins.services import create_bulletin, issue_bulletin
from luoshi.reporting.choices import ReportState
from luoshi.reporting.models import Report
from luoshi.supervision.choices import Source
from luoshi.supervision.services import create_item
from tests.clock import travel_to
from tests.reporting.helpers import MAY_9, accepted

pytestmark = pytest.mark.django_db


@pytest.fixture
def superuser_client(django_user_model):
    user = django_user_model.objects.create_superuser("admin", "a@example.com", "Luoshi@2025x")
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def report(personas):
    travel_to(MAY_9)
    return accepted("附件1/一/(一)", "县工信局", progress="40", text="已审定的进展")


def test_a_superuser_posting_a_change_to_a_report_gets_403_and_nothing_changes(report, superuser_client):
    url = f"/admin/reporting/report/{report.pk}/change/"
    assert superuser_client.get(url).status_code == 200  # shown
    response = superuser_client.post(
        url, {"state": ReportState.DRAFT, "progress": "99", "progress_text": "改过了", "revision": 1}
    )
    assert response.status_code == 403
    report.refresh_from_db()
    assert (report.state, report.progress_text, report.revision) == (ReportState.ACCEPTED, "已审定的进展", 1)
    assert report.transitions.count() == 4  # draft, submitted, approved, accepted: nothing added
    assert (
        superuser_client.post(f"/admin/reporting/report/{report.pk}/delete/", {"post": "yes"}).status_code
        == 403
    )
    assert superuser_client.get("/admin/reporting/report/add/").status_code == 403
    assert Report.objects.filter(pk=report.pk).exists()


def test_supervision_items_issued_bulletins_and_audit_rows_are_read_only_for_a_superuser(
    plan, superuser_client
):
    from luoshi.plans.models import Unit

    travel_to(MAY_9)
    item = create_item(
        SYSTEM, content="园区污水管网未按期建成", lead_unit=Unit.objects.get(name="县工信局"), deadline=dt.date(2025, 5, 23),
        source=Source.SPECIAL,
    )  # fmt: skip
    bulletin = issue_bulletin(SYSTEM, create_bulletin(SYSTEM, plan, "2025-04"))
    row = AuditLog.objects.first()
    for url in (
        f"/admin/supervision/supervisionitem/{item.pk}/change/",
        f"/admin/supervision/itemtransition/{item.transitions.first().pk}/change/",
        f"/admin/bulletins/bulletin/{bulletin.pk}/change/",
        f"/admin/audit/auditlog/{row.pk}/change/",
    ):
        assert superuser_client.get(url).status_code == 200, url
        assert superuser_client.post(url, {"title": "改"}).status_code == 403, url
        assert (
            superuser_client.post(url.replace("/change/", "/delete/"), {"post": "yes"}).status_code == 403
        ), url
    for url in ("/admin/supervision/supervisionitem/add/", "/admin/audit/auditlog/add/"):
        assert superuser_client.get(url).status_code == 403
    item.refresh_from_db()
    assert item.title != "改"


def test_every_admin_records_its_writes_in_the_audit_log():
    plain = [type(a).__name__ for a in admin.site._registry.values() if not isinstance(a, AuditedModelAdmin)]
    assert plain == []
