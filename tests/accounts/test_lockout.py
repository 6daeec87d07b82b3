"""Lock-out after repeated failed logins (等保): five failures in a row lock the account
name for the lock-out time, on the pages, the admin and the API alike."""

import pytest
from django.test import Client

from luoshi.audit.choices import AuditAction
from luoshi.audit.models import AuditLog
from tests.web.helpers import PASSWORD

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

    import time_machine
    from django.utils import timezone

    client = Client()
    for _ in range(5):
        login(client, "reporter_a", "wrong")
    assert "账号已锁定" in login(client, "reporter_a", PASSWORD).content.decode()
    with time_machine.travel(timezone.now() + dt.timedelta(minutes=16)):  # audit rows are never edited
        assert login(client, "reporter_a", PASSWORD).status_code == 302


def test_a_successful_login_resets_the_count(personas, today):
    for _ in range(4):
        login(Client(), "reporter_a", "wrong")
    assert login(Client(), "reporter_a", PASSWORD).status_code == 302
    for _ in range(4):
        login(Client(), "reporter_a", "wrong")
    assert login(Client(), "reporter_a", PASSWORD).status_code == 302


def test_a_locked_account_cannot_authenticate_anywhere(personas, today):
    from django.contrib.auth import authenticate

    from luoshi.accounts.lockout import locked_until

    for _ in range(5):
        login(Client(), "reporter_b", "wrong")
    assert locked_until("reporter_b") is not None and locked_until("reporter_a") is None
    assert authenticate(username="reporter_b", password=PASSWORD) is None  # the backend itself refuses
    assert authenticate(username="reporter_a", password=PASSWORD) == personas["reporter_a"]
