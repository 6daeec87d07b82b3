"""Security basics: lock-out after five failed logins, password rules, CSRF, idle
time-out, and an audit row for every change, login and failed login."""

import pytest
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.test import Client, override_settings

from luoshi.audit.choices import AuditAction
from luoshi.audit.models import AuditLog
from tests.web.helpers import PASSWORD, PERIOD, TASK_A, task

pytestmark = pytest.mark.django_db


def login(client, username, password):
    return client.post("/login/", {"username": username, "password": password})


def test_five_failed_logins_lock_the_account_with_a_chinese_message(personas, today):
    client = Client()
    for _ in range(4):
        response = login(client, "reporter_a", "wrong-password")
        assert "用户名或密码不正确" in response.content.decode()
    response = login(client, "reporter_a", "wrong-password")
    assert "账号已锁定" in response.content.decode() and "后再试" in response.content.decode()
    # even the right password is refused while locked, and the attempt is recorded
    response = login(client, "reporter_a", PASSWORD)
    assert response.status_code == 200 and "账号已锁定" in response.content.decode()
    assert AuditLog.objects.filter(action=AuditAction.LOGIN_FAILED, username="reporter_a").count() == 5
    assert AuditLog.objects.filter(action=AuditAction.LOGIN_BLOCKED, username="reporter_a").exists()
    # other accounts are unaffected
    assert login(Client(), "reporter_b", PASSWORD).status_code == 302


def test_lock_out_ends_after_its_time(personas, today):
    import datetime as dt

    client = Client()
    for _ in range(5):
        login(client, "reporter_a", "wrong")
    AuditLog.objects.filter(username="reporter_a").update(
        at=AuditLog.objects.first().at - dt.timedelta(minutes=16)
    )
    assert login(client, "reporter_a", PASSWORD).status_code == 302


def test_a_successful_login_resets_the_count(personas, today):
    for _ in range(4):
        login(Client(), "reporter_a", "wrong")
    assert login(Client(), "reporter_a", PASSWORD).status_code == 302
    for _ in range(4):
        login(Client(), "reporter_a", "wrong")
    assert login(Client(), "reporter_a", PASSWORD).status_code == 302


@pytest.mark.parametrize(
    ("password", "missing"),
    [
        ("luoshi@2025x", "大写字母"),
        ("LUOSHI@2025X", "小写字母"),
        ("Luoshi@abcde", "数字"),
        ("Luoshi2025xx", "特殊符号"),
    ],
)
def test_passwords_need_all_four_character_classes(password, missing):
    with pytest.raises(ValidationError) as error:
        validate_password(password)
    assert missing in " ".join(error.value.messages)


def test_short_passwords_are_refused_and_strong_ones_pass():
    with pytest.raises(ValidationError):
        validate_password("Lu@20x")
    validate_password("Xdt#Plan2025!")


def test_csrf_is_enforced(personas, today):
    client = Client(enforce_csrf_checks=True)
    client.force_login(personas["reporter_a"])
    response = client.post(f"/fill/{task(TASK_A).pk}/{PERIOD}/", {"progress_text": "x"})
    assert response.status_code == 403
    assert "页面已过期" in response.content.decode()


@override_settings(LUOSHI_IDLE_SECONDS=1)
def test_idle_session_ends(personas, today):
    client = Client()
    client.force_login(personas["reporter_a"])
    session = client.session
    session["luoshi_seen"] = 1  # long ago
    session.save()
    response = client.get("/")
    assert response.status_code == 302 and "idle=1" in response["Location"]
    assert client.get("/").status_code == 302  # signed out


def test_every_change_is_audited_with_who_what_where(personas, today, client_for):
    client = client_for(personas["reporter_a"])
    client.post(
        f"/fill/{task(TASK_A).pk}/{PERIOD}/",
        {"progress": "30", "progress_text": "进展", "action": "save"},
        REMOTE_ADDR="10.1.2.3",
        HTTP_USER_AGENT="测试浏览器",
    )
    row = AuditLog.objects.get(action=AuditAction.CHANGE)
    assert row.user == personas["reporter_a"] and row.ip == "10.1.2.3" and row.user_agent == "测试浏览器"
    assert row.method == "POST" and row.path.startswith("/fill/")
    assert row.object_type == "reporting.report" and row.summary["notes"][0]["action"] == "save_draft"
    assert "progress_text" in row.summary["fields"]


def test_refused_changes_and_logins_are_audited(personas, today, client_for):
    login(Client(), "reporter_a", PASSWORD)
    login(Client(), "reporter_a", "bad")
    client_for(personas["reporter_a"]).post("/import/")
    actions = set(AuditLog.objects.values_list("action", flat=True))
    assert {AuditAction.LOGIN, AuditAction.LOGIN_FAILED, AuditAction.DENIED} <= actions
    assert not AuditLog.objects.filter(summary__icontains=PASSWORD).exists()


def test_audit_log_is_read_only_in_the_admin(personas, today):
    client = Client()
    client.force_login(personas["coordinator"])
    personas["coordinator"].is_staff = personas["coordinator"].is_superuser = True
    personas["coordinator"].save()
    assert client.get("/admin/audit/auditlog/").status_code == 200
    assert client.get("/admin/audit/auditlog/add/").status_code == 403
