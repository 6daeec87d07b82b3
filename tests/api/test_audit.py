"""/api/v1/audit: the audit log is read through the API by whom the admin lets read it
(staff with audit.view_auditlog), nobody else, whatever their role in the work; the
chain check is ``luoshi audit verify``'s."""

import json

import pytest
from django.contrib.auth.models import Permission
from django.db import connection

from luoshi.audit.models import AuditLog
from tests.web.helpers import draft

pytestmark = pytest.mark.django_db

URL = "/api/v1/audit"


@pytest.fixture
def auditor(django_user_model):
    """A staff user given only the permission to view the audit log."""
    user = django_user_model.objects.create_user("auditor", password="Luoshi@2025x", is_staff=True)
    user.user_permissions.add(Permission.objects.get(codename="view_auditlog"))
    return user


def test_only_those_the_admin_lets_read_the_log_read_it_here(personas, auditor, today, client_for):
    draft(personas["reporter_a"])
    for name in ("reporter_a", "head_a", "office", "coordinator", "leader"):
        response = client_for(personas[name]).get(URL)
        assert response.status_code == 403, name
        assert response.json() == {"error": "审计日志仅供系统管理员和审计人员查看"}
        assert client_for(personas[name]).get(f"{URL}/verify").status_code == 403
        assert client_for(personas[name]).get(f"{URL}/1").status_code == 403
    rows = client_for(auditor).get(URL).json()
    assert rows["count"] == AuditLog.objects.count() > 0
    assert client_for(auditor).get("/admin/audit/auditlog/").status_code == 200  # the admin agrees


def test_rows_are_filtered_and_shown_in_full(personas, auditor, today, client_for):
    report = draft(personas["reporter_a"])
    client = client_for(auditor)
    rows = client.get(URL, {"object_type": "reporting.report", "object_id": str(report.pk)}).json()["items"]
    assert rows and all(r["object_id"] == str(report.pk) for r in rows)
    assert rows[0]["username"] == "reporter_a" and rows[0]["changes"]
    one = client.get(f"{URL}/{rows[0]['sequence']}").json()
    assert one == rows[0]
    assert client.get(URL, {"username": "nobody"}).json()["items"] == []
    assert client.get(URL, {"since": "2099-01-01"}).json()["count"] == 0
    assert client.get(URL, {"until": "2000-01-01"}).json()["count"] == 0
    response = client.get(f"{URL}/999999")
    assert response.status_code == 404 and response.json() == {"error": "没有第 999999 条审计记录"}


def test_a_row_shows_its_organisation_and_the_rule_it_was_hashed_by(personas, auditor, today, client_for):
    draft(personas["reporter_a"])
    row = client_for(auditor).get(URL, {"username": "reporter_a"}).json()["items"][0]
    assert row["hash_version"] == 2
    assert row["organisation"] == personas["reporter_a"].profile.organisation_id


def test_pagination_walks_the_log_newest_first_without_gaps(personas, auditor, today, client_for):
    draft(personas["reporter_a"])
    client = client_for(auditor)
    seen, cursor = [], None
    while True:
        body = client.get(URL, {"limit": 2, **({"cursor": cursor} if cursor else {})}).json()
        seen += [r["sequence"] for r in body["items"]]
        cursor = body["next_cursor"]
        if not cursor:
            break
    total = AuditLog.objects.count()
    assert seen == list(range(total, 0, -1))


def test_the_chain_check_names_the_row_that_was_edited(personas, auditor, today, client_for):
    draft(personas["reporter_a"])
    client = client_for(auditor)
    result = client.get(f"{URL}/verify").json()
    assert result["ok"] is True and result["checked"] == AuditLog.objects.count() and result["problem"] == ""
    with connection.cursor() as cursor:
        cursor.execute("UPDATE audit_auditlog SET object_repr = %s WHERE sequence = 1", ["报告X"])
    result = client.get(f"{URL}/verify").json()
    assert result["ok"] is False and result["sequence"] == 1 and "内容被修改过" in result["problem"]
    assert json.dumps(result, ensure_ascii=False).count("报告X") == 1
