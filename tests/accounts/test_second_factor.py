"""The second factor (两步验证, django-otp TOTP): a role the policy names enrols after its
password and reaches nothing else until done; whoever has a device confirms a code at
each sign-in; the coordinator resets a lost phone. Codes are computed as an authenticator
app computes them (RFC 6238), from the key shown on the enrolment page."""

import base64

import pytest
from django.test import Client, override_settings
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from luoshi.audit.models import AuditLog
from tests.web.helpers import PASSWORD

pytestmark = pytest.mark.django_db

REQUIRED = override_settings(LUOSHI_REQUIRE_2FA_ROLES=["coordinator", "leader", "admin"])


def sign_in(username) -> Client:
    client = Client()
    response = client.post("/login/", {"username": username, "password": PASSWORD})
    assert response.status_code == 302
    return client


def code_for(secret_text: str, *, later: int = 0) -> str:
    """What the app shows for the key typed in (``later`` steps of 30 s on)."""
    key = base64.b32decode(secret_text.replace(" ", "") + "=" * (-len(secret_text.replace(" ", "")) % 8))
    return f"{totp(key, drift=later):06d}"


def secret_on(page: str) -> str:
    start = page.index('id="otp-secret">') + len('id="otp-secret">')
    return page[start : page.index("</code>", start)]


def enrol(client) -> str:
    page = client.get("/account/otp/").content.decode()
    secret = secret_on(page)
    assert 'src="data:image/svg+xml;base64,' in page  # the QR code, drawn as SVG
    response = client.post("/account/otp/", {"code": code_for(secret), "next": "/"})
    assert response.status_code == 302 and response["Location"] == "/"
    return secret


@REQUIRED
def test_a_required_role_enrols_after_its_password_and_reaches_nothing_else_before(personas, today):
    client = sign_in("coordinator")
    for path in ("/", "/board/", "/security/", "/tasks/"):
        response = client.get(path)
        assert response.status_code == 302 and response["Location"].startswith("/account/otp/?next="), path
    page = client.get("/account/otp/").content.decode()
    assert "须先绑定两步验证" in page and "otpauth://totp/" in page
    wrong = client.post("/account/otp/", {"code": "000000"})
    assert wrong.status_code == 400 and "验证码不正确或已过期" in wrong.content.decode()
    secret = secret_on(page)
    assert secret_on(client.get("/account/otp/").content.decode()) == secret  # a reload keeps the key
    response = client.post("/account/otp/", {"code": code_for(secret), "next": "/board/"})
    assert response.status_code == 302 and response["Location"] == "/board/"
    assert client.get("/board/").status_code == 200
    assert TOTPDevice.objects.get(user=personas["coordinator"]).confirmed
    assert AuditLog.objects.filter(operation="绑定两步验证", user=personas["coordinator"]).exists()


@REQUIRED
def test_with_a_device_the_sign_in_asks_for_the_code(personas, today):
    secret = enrol(sign_in("leader"))
    client = sign_in("leader")
    response = client.get("/board/")
    assert response.status_code == 302 and response["Location"] == "/login/otp/?next=%2Fboard%2F"
    bad = client.post("/login/otp/?next=/board/", {"code": "12345"})
    assert bad.status_code == 400 and "请输入验证器上显示的 6 位数字" in bad.content.decode()
    # the code of the enrolment's step was used once: the next step's code is taken
    response = client.post("/login/otp/", {"code": code_for(secret, later=1), "next": "/board/"})
    assert response.status_code == 302 and response["Location"] == "/board/"
    assert client.get("/board/").status_code == 200


@REQUIRED
def test_roles_the_policy_leaves_out_sign_in_with_the_password_alone(personas, today):
    client = sign_in("reporter_a")
    assert client.get("/fill/").status_code == 200


@REQUIRED
def test_an_unverified_session_is_not_signed_in_to_the_api_but_a_token_is(personas, today):
    from luoshi.accounts.permissions import actor_for
    from luoshi.accounts.services import create_token

    coordinator = personas["coordinator"]
    _, secret = create_token(actor_for(coordinator), coordinator, name="同步脚本", scope="read", days=30)
    client = sign_in("coordinator")  # no device yet: owes enrolment
    assert client.get("/api/v1/plans").status_code == 401
    assert Client().get("/api/v1/plans", headers={"authorization": f"Bearer {secret}"}).status_code == 200
    enrol(client)
    assert client.get("/api/v1/plans").status_code == 200


@REQUIRED
def test_the_coordinator_resets_a_lost_phone_and_the_user_enrols_again(personas, today, client_for):
    enrol(sign_in("leader"))
    coordinator = sign_in("coordinator")
    enrol(coordinator)
    page = coordinator.get("/security/").content.decode()
    assert "leader" in page and "重置" in page
    response = coordinator.post(f"/security/otp/{personas['leader'].pk}/reset/")
    assert response.status_code == 302
    assert not TOTPDevice.objects.filter(user=personas["leader"]).exists()
    assert AuditLog.objects.filter(operation="重置两步验证", user=personas["coordinator"]).exists()
    leader = sign_in("leader")
    assert leader.get("/").headers["Location"].startswith("/account/otp/")  # enrols anew


@REQUIRED
def test_a_reporter_cannot_reset_anyones_second_factor(personas, today, client_for):
    enrol(sign_in("leader"))
    reporter = client_for(personas["reporter_a"])
    assert reporter.post(f"/security/otp/{personas['leader'].pk}/reset/").status_code == 403
    assert TOTPDevice.objects.filter(user=personas["leader"], confirmed=True).exists()


def test_by_default_no_role_must_but_anyone_may_enrol(personas, today):
    client = sign_in("reporter_a")
    assert client.get("/fill/").status_code == 200  # no policy: straight in
    secret = enrol(client)
    again = sign_in("reporter_a")
    assert again.get("/fill/")["Location"].startswith("/login/otp/")
    assert again.post("/login/otp/", {"code": code_for(secret, later=1)}).status_code == 302
    assert again.get("/fill/").status_code == 200
    # not required: the user may remove it
    again.post("/account/otp/remove/")
    assert not TOTPDevice.objects.filter(user=personas["reporter_a"]).exists()


@REQUIRED
def test_a_system_administrator_enrols_before_reaching_the_admin(db, today):
    from django.contrib.auth import get_user_model

    get_user_model().objects.create_superuser("root", password=PASSWORD)
    client = Client()
    response = client.post(
        "/admin/login/?next=/admin/", {"username": "root", "password": PASSWORD, "next": "/admin/"}
    )
    assert response.status_code == 302
    response = client.get("/admin/")
    assert response.status_code == 302 and response["Location"].startswith("/account/otp/?next=%2Fadmin%2F")
    secret = secret_on(client.get("/account/otp/").content.decode())
    client.post("/account/otp/", {"code": code_for(secret)})
    assert client.get("/admin/").status_code == 200
