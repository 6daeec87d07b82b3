"""The audit log: a row for every change (who, what, where), every login and failed
login, every refusal; never a password; read-only in the admin."""

import pytest
from django.test import Client

from luoshi.audit.choices import AuditAction
from luoshi.audit.models import AuditLog
from tests.web.helpers import PASSWORD, PERIOD, TASK_A, task

pytestmark = pytest.mark.django_db


def login(client, username, password):
    return client.post("/login/", {"username": username, "password": password})


def test_every_change_is_audited_with_who_what_where(personas, today, client_for):
    client = client_for(personas["reporter_a"])
    client.post(
        f"/fill/{task(TASK_A).pk}/{PERIOD}/",
        {"progress": "30", "progress_text": "进展", "action": "save"},
        REMOTE_ADDR="10.1.2.3",
        HTTP_USER_AGENT="测试浏览器",
    )
    row = AuditLog.objects.get(operation="填写报告")
    assert row.user == personas["reporter_a"] and row.ip == "10.1.2.3" and row.user_agent == "测试浏览器"
    assert row.method == "POST" and row.path.startswith("/fill/") and row.address == "10.1.2.3"
    assert row.object_type == "reporting.report" and row.action == AuditAction.CREATE
    assert row.changes["progress_text"] == [None, "进展"]


def test_refused_changes_and_logins_are_audited(personas, today, client_for):
    login(Client(), "reporter_a", PASSWORD)
    login(Client(), "reporter_a", "bad")
    client_for(personas["reporter_a"]).post("/import/")
    actions = set(AuditLog.objects.values_list("action", flat=True))
    assert {AuditAction.LOGIN, AuditAction.LOGIN_FAILED, AuditAction.DENIED} <= actions
    assert not AuditLog.objects.filter(summary__icontains=PASSWORD).exists()


def test_audit_log_is_read_only_in_the_admin(personas, today):
    client = Client()
    personas["coordinator"].is_staff = personas["coordinator"].is_superuser = True
    personas["coordinator"].save()
    client.force_login(personas["coordinator"])
    assert client.get("/admin/audit/auditlog/").status_code == 200
    assert client.get("/admin/audit/auditlog/add/").status_code == 403
