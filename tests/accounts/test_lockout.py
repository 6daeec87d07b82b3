"""Lock-out after repeated failed logins (等保, django-axes): five failures of one account
name from one address lock that name from that address; twenty from one address, whatever
the names, lock the address. Chinese messages, HTTP 429; the coordinator lifts a lock on
the 账号安全 page or with ``luoshi unlock``."""

import datetime as dt

import pytest
import time_machine
from django.test import Client, override_settings
from django.utils import timezone

from luoshi.audit.choices import AuditAction
from luoshi.audit.models import AuditLog
from tests.web.helpers import PASSWORD

pytestmark = pytest.mark.django_db

HOME, ELSEWHERE = "10.20.0.7", "10.99.0.66"


def login(username, password, address=HOME, client=None, **extra):
    return (client or Client()).post(
        "/login/", {"username": username, "password": password}, REMOTE_ADDR=address, **extra
    )


def test_five_failures_lock_the_account_from_that_address_with_a_chinese_message(personas, today):
    for _ in range(4):
        response = login("reporter_a", "wrong-password")
        assert response.status_code == 200 and "用户名或密码不正确" in response.content.decode()
    response = login("reporter_a", "wrong-password")
    assert response.status_code == 429
    page = response.content.decode()
    assert "连续 5 次登录失败，账号已锁定 15 分钟" in page and "后再试" in page
    # even the right password is refused while locked, and the attempt is recorded as blocked
    response = login("reporter_a", PASSWORD)
    assert response.status_code == 429 and "账号已锁定" in response.content.decode()
    assert AuditLog.objects.filter(action=AuditAction.LOGIN_FAILED, username="reporter_a").count() == 5
    assert AuditLog.objects.filter(action=AuditAction.LOGIN_BLOCKED, username="reporter_a").exists()
    # other accounts from the same address are unaffected
    assert login("reporter_b", PASSWORD).status_code == 302


def test_nobody_elsewhere_can_lock_the_coordinator_out(personas, today):
    for _ in range(8):
        login("coordinator", "guess", address=ELSEWHERE)
    assert login("coordinator", PASSWORD, address=ELSEWHERE).status_code == 429
    assert login("coordinator", PASSWORD, address=HOME).status_code == 302  # at her own desk


def test_one_address_cannot_try_passwords_across_all_accounts(personas, today):
    names = ["reporter_a", "head_a", "reporter_b", "head_b", "office", "coordinator", "leader"]
    tried = 0
    for round_ in range(3):  # three guesses at each account: no account reaches five
        for name in names:
            login(name, f"guess-{round_}")
            tried += 1
    assert tried == 21
    response = login("leader", PASSWORD)  # a right password from that address is refused too
    assert response.status_code == 429
    assert "本机地址（10.20.0.7）登录失败次数过多" in response.content.decode()
    assert login("leader", PASSWORD, address=ELSEWHERE).status_code == 302


def test_lock_out_ends_after_its_time(personas, today):
    for _ in range(5):
        login("reporter_a", "wrong")
    assert login("reporter_a", PASSWORD).status_code == 429
    with time_machine.travel(timezone.now() + dt.timedelta(minutes=16)):
        assert login("reporter_a", PASSWORD).status_code == 302


def test_a_success_resets_the_accounts_count_not_the_addresss(personas, today):
    for _ in range(4):
        login("reporter_a", "wrong")
    assert login("reporter_a", PASSWORD).status_code == 302
    for _ in range(4):
        login("reporter_a", "wrong")
    assert login("reporter_a", PASSWORD).status_code == 302
    # the address has 8 failures on record: twelve more, on names of no account, lock it
    for n in range(12):
        login(f"nobody{n}", "wrong")
    assert login("reporter_a", PASSWORD).status_code == 429


@override_settings(LUOSHI_TRUSTED_PROXIES=1)
def test_behind_the_proxy_the_client_address_is_the_one_nginx_saw(personas, today):
    """nginx appends the address it was called from; what a client wrote itself stands
    further left and cannot move it to a fresh, unlocked address."""
    for n in range(5):
        login("reporter_a", "wrong", address="127.0.0.1", HTTP_X_FORWARDED_FOR=f"1.2.3.{n}, {HOME}")
    assert (
        login(
            "reporter_a", PASSWORD, address="127.0.0.1", HTTP_X_FORWARDED_FOR=f"8.8.8.8, {HOME}"
        ).status_code
        == 429
    )
    assert (
        login("reporter_a", PASSWORD, address="127.0.0.1", HTTP_X_FORWARDED_FOR=ELSEWHERE).status_code == 302
    )
    row = AuditLog.objects.filter(action=AuditAction.LOGIN_FAILED).first()
    assert str(row.ip) == HOME  # the audit log takes the same address


def test_the_coordinator_sees_and_lifts_a_lock_on_the_security_page(personas, today, client_for):
    for _ in range(5):
        login("reporter_a", "wrong")
    coordinator = client_for(personas["coordinator"])
    page = coordinator.get("/security/")
    assert page.status_code == 200
    locks = page.content.decode()
    assert "reporter_a" in locks and HOME in locks and "解除锁定" in locks
    response = coordinator.post("/security/unlock/", {"username": "reporter_a", "address": HOME})
    assert response.status_code == 302
    assert "已解除账号 reporter_a" in coordinator.get("/security/").content.decode()
    assert login("reporter_a", PASSWORD).status_code == 302
    row = AuditLog.objects.filter(operation="解除登录锁定").get()
    assert row.user == personas["coordinator"] and row.summary["username"] == "reporter_a"


def test_a_reporter_cannot_reach_the_security_page(personas, today, client_for):
    for _ in range(5):
        login("reporter_b", "wrong")
    reporter = client_for(personas["reporter_a"])
    assert reporter.get("/security/").status_code == 403
    assert reporter.post("/security/unlock/", {"username": "reporter_b", "address": HOME}).status_code == 403
    assert login("reporter_b", PASSWORD).status_code == 429  # still locked
    assert "账号安全" not in reporter.get("/").content.decode()  # not in the navigation


def test_luoshi_unlock_lists_and_lifts_a_lock(personas, today):
    from io import StringIO

    from django.core.management import CommandError, call_command

    for _ in range(5):
        login("head_a", "wrong")
    out = StringIO()
    call_command("unlock", "--list", stdout=out)
    assert "head_a" in out.getvalue() and HOME in out.getvalue()
    out = StringIO()
    call_command("unlock", "head_a", stdout=out)
    assert "已解除 账号 head_a 的登录锁定" in out.getvalue()
    assert login("head_a", PASSWORD).status_code == 302
    with pytest.raises(CommandError, match="请指明要解除锁定的账号或地址"):
        call_command("unlock")


def test_a_coordinator_sees_and_lifts_only_the_locks_of_its_organisation(orgs, today, client_for, settings):
    """Locks of a user of 西洞庭 and of 鼎城区, and of an address where only 鼎城区's users
    failed: the 鼎城区 coordinator sees its own two, not 西洞庭's; the city's sees all three
    but, read-only below, lifts none of them; a lock of a name that is nobody's only the
    top organisation's coordinator sees."""
    for _ in range(5):
        login("xd_reporter", "wrong")
        login("dc_reporter", "wrong", address=ELSEWHERE)
    settings.LUOSHI_ADDRESS_FAILURE_LIMIT = 10
    for _ in range(4):  # 13 failures from ELSEWHERE in all: the address is locked too
        for name in ("dc_agri", "dc_coord"):
            login(name, "wrong", address=ELSEWHERE)
    for _ in range(5):
        login("nobody-at-all", "wrong", address="10.30.0.1")
    district = client_for(orgs["dc_coordinator"])
    page = district.get("/security/").content.decode()
    assert "dc_reporter" in page and "地址（所有账号）" in page and ELSEWHERE in page
    assert "xd_reporter" not in page and HOME not in page and "nobody-at-all" not in page
    assert district.post("/security/unlock/", {"username": "xd_reporter", "address": HOME}).status_code == 403
    assert login("xd_reporter", PASSWORD).status_code == 429  # still locked
    assert district.post("/security/unlock/", {"address": HOME}).status_code == 403
    city = client_for(orgs["city_coordinator"])
    page = city.get("/security/").content.decode()
    assert "xd_reporter" in page and "dc_reporter" in page and "nobody-at-all" in page
    assert "下级组织，只能查看" in page
    assert city.post("/security/unlock/", {"address": ELSEWHERE}).status_code == 403
    assert district.post("/security/unlock/", {"address": ELSEWHERE}).status_code == 302
    assert login("dc_agri", PASSWORD, address=ELSEWHERE).status_code == 302
    row = AuditLog.objects.filter(operation="解除登录锁定").get()
    assert row.user == orgs["dc_coordinator"] and row.summary["address"] == ELSEWHERE
