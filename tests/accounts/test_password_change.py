"""A password someone else set is changed at the first sign-in: the first administrator of a
new lower organisation, a user the administrator gave a role in the admin, a password the
administrator reset. Until then every page sends the user to 修改密码, saying why; the API
refuses the session in Chinese (a personal API token goes on); the new password follows the
password rules and is not the old one; each step is on the audit record."""

import re

import pytest
from django.contrib.auth import get_user_model
from django.test import Client, override_settings

from luoshi.accounts.models import Profile
from luoshi.accounts.permissions import SYSTEM, actor_for
from luoshi.accounts.services import create_token
from luoshi.audit.models import AuditLog
from luoshi.audit.services import verify_chain
from luoshi.plans.organisations import FirstAdmin, add_lower_organisation
from tests.web.helpers import PASSWORD

pytestmark = pytest.mark.django_db

NEW = "Wl#Admin2025!"
EXPLAINED = "首次登录或密码被重置后，须先修改密码"


@pytest.fixture
def new_admin(city_plan, personas, today):
    """武陵区, made by the city's coordinator on 下级组织, and its first administrator."""
    from luoshi.plans.models import Organisation

    Profile.objects.filter(user=personas["city_coordinator"]).update(manages_below=True)
    city = Organisation.objects.get(name="示范市")
    _org, user = add_lower_organisation(
        actor_for(get_user_model().objects.get(username="city_coordinator")),
        city,
        "武陵区",
        level="district",
        admin=FirstAdmin("wl_admin", PASSWORD, "武陵区办公室"),
    )
    return user


def sign_in(username, password=PASSWORD) -> Client:
    client = Client()
    response = client.post("/login/", {"username": username, "password": password})
    assert response.status_code == 302, response.content.decode()[:300]
    return client


def change(client, new, old=PASSWORD, next_="/tasks/"):
    return client.post(
        "/password/", {"old_password": old, "new_password1": new, "new_password2": new, "next": next_}
    )


def test_a_new_organisations_first_admin_is_sent_to_change_the_password_first(new_admin):
    assert Profile.objects.get(user=new_admin).must_change_password
    made = AuditLog.objects.get(operation="新增组织管理员", object_id=str(new_admin.profile.pk))
    assert made.changes["must_change_password"] == [None, True]

    client = sign_in("wl_admin")
    for path in ("/", "/tasks/", "/orgs/", "/security/", "/admin/"):
        response = client.get(path)
        assert response.status_code == 302, path
        assert response["Location"].startswith("/password/?next="), (path, response["Location"])
    htmx = client.get("/tasks/", headers={"HX-Request": "true"})
    assert htmx["HX-Redirect"].startswith("/password/?next=")
    page = client.get("/password/?next=/orgs/")
    assert page.status_code == 200 and EXPLAINED in page.content.decode()
    assert client.get("/static/web/app.css").status_code in (200, 304)

    api = client.get("/api/v1/tasks")
    assert api.status_code == 403 and api.json()["error"].startswith(EXPLAINED)
    _token, secret = create_token(actor_for(new_admin), new_admin, name="同步脚本", scope="read", days=30)
    by_token = Client().get("/api/v1/orgs", headers={"Authorization": f"Bearer {secret}"})
    assert by_token.status_code == 200  # a token is no session: not asked

    assert client.post("/logout/").status_code == 302
    assert client.get("/").status_code == 302  # signed out: the login page now
    assert client.get("/")["Location"].startswith("/login/")


def test_the_new_password_follows_the_rules_and_is_not_the_old_one(new_admin):
    client = sign_in("wl_admin")
    weak = change(client, "wlbanshi2025")
    assert weak.status_code == 200
    errors = " ".join(weak.context["form"].errors["new_password2"])
    assert "缺少：大写字母、特殊符号" in errors, errors
    same = change(client, PASSWORD)
    assert "新密码不能与原密码相同" in " ".join(same.context["form"].errors["new_password2"])
    wrong_old = change(client, NEW, old="Nope#2025xx")
    assert "原密码不正确" in " ".join(wrong_old.context["form"].errors["old_password"])
    assert client.get("/").status_code == 302  # still owed

    done = change(client, NEW)
    assert done.status_code == 302 and done["Location"] == "/tasks/"
    assert client.get("/tasks/").status_code == 200  # the same session goes on
    assert client.get("/api/v1/orgs").status_code == 200
    new_admin.refresh_from_db()
    assert new_admin.check_password(NEW) and not Profile.objects.get(user=new_admin).must_change_password
    row = AuditLog.objects.get(operation="修改密码")
    assert row.username == "wl_admin"
    assert row.changes == {"password": ["******", "******"], "must_change_password": [True, False]}
    assert verify_chain().ok
    assert sign_in("wl_admin", NEW).get("/").status_code == 200


def test_users_who_chose_their_own_password_are_not_asked(personas, today):
    client = sign_in("reporter_a")
    assert client.get("/").status_code == 200
    assert EXPLAINED not in client.get("/password/").content.decode()
    response = change(client, NEW, next_="https://elsewhere.example/")
    assert response.status_code == 302 and response["Location"] == "/"  # no other site
    row = AuditLog.objects.get(operation="修改密码")
    assert row.changes == {"password": ["******", "******"]}


@override_settings(LUOSHI_REQUIRE_2FA_ROLES=["coordinator"])
def test_a_second_factor_owed_comes_before_the_password(new_admin):
    client = sign_in("wl_admin")
    response = client.get("/")
    assert response["Location"].startswith("/account/otp/?next=")
    assert client.get("/account/otp/").status_code == 200  # enrolment is reachable first


@pytest.fixture
def admin_client(db):
    admin = get_user_model().objects.create_superuser("sysadmin", password=PASSWORD)
    client = Client()
    client.force_login(admin)
    return admin, client


def test_a_password_the_administrator_resets_must_be_changed(personas, today, admin_client):
    admin, client = admin_client
    user = personas["reporter_a"]
    response = client.post(
        f"/admin/auth/user/{user.pk}/password/",
        {"password1": "Reset#Pass2025", "password2": "Reset#Pass2025", "usable_password": "true"},
    )
    assert response.status_code == 302, response.content.decode()[:500]
    assert Profile.objects.get(user=user).must_change_password
    rows = AuditLog.objects.filter(operation__in=["后台重置密码", "要求修改密码"]).order_by("sequence")
    assert [(r.username, r.operation) for r in rows] == [
        ("sysadmin", "后台重置密码"),
        ("sysadmin", "要求修改密码"),
    ]
    assert rows[1].changes == {"must_change_password": [False, True]}
    assert rows[1].summary["reason"] == "管理员重置密码"
    after = sign_in("reporter_a", "Reset#Pass2025").get("/")
    assert after["Location"].startswith("/password/")
    # the administrator's own password, reset in the admin, is its own choice
    own = client.post(
        f"/admin/auth/user/{admin.pk}/password/",
        {"password1": "Admin#Pass2025", "password2": "Admin#Pass2025", "usable_password": "true"},
    )
    assert own.status_code == 302
    assert AuditLog.objects.filter(operation="要求修改密码").count() == 1


def test_a_role_given_in_the_admin_asks_for_a_new_password_by_default(plan, today, admin_client):
    _admin, client = admin_client
    page = client.get("/admin/accounts/profile/add/").content.decode()
    assert re.search(
        r'<input type="checkbox" name="must_change_password"[^>]*id="id_must_change_password" checked>', page
    )
    user = get_user_model().objects.create_user("xz_tb", password=PASSWORD)
    response = client.post(
        "/admin/accounts/profile/add/",
        {
            "user": user.pk,
            "role": "leader",
            "organisation": plan.organisation_id,
            "must_change_password": "on",
            "phone": "",
        },
    )
    assert response.status_code == 302, response.content.decode()[:800]
    assert Profile.objects.get(user=user).must_change_password
    row = AuditLog.objects.get(operation="后台新增", object_type="accounts.profile")
    assert row.changes["must_change_password"] == [None, True]  # a flag, not a secret
    assert sign_in("xz_tb").get("/")["Location"].startswith("/password/")


def test_the_system_flags_nobody_without_a_profile(db):
    from luoshi.accounts.services import require_password_change

    user = get_user_model().objects.create_superuser("root2", password=PASSWORD)
    assert require_password_change(SYSTEM, user, "管理员重置密码") is False
    assert sign_in("root2").get("/").status_code == 200


def test_luoshi_reset_password_follows_the_rules_and_asks_for_a_new_one(personas, today, monkeypatch, capsys):
    import io

    from luoshi.cli import main as luoshi

    def run(*args, typed=""):
        monkeypatch.setattr("sys.stdin", io.StringIO(typed))
        code = luoshi(list(args))
        out = capsys.readouterr()
        return code, out.out + out.err

    code, text = run("reset-password", "reporter_a", "--password-stdin", typed="wlbanshi2025\n")
    assert code == 1 and "新密码不合要求" in text and "缺少：大写字母、特殊符号" in text, text
    assert personas["reporter_a"].check_password(PASSWORD) and not AuditLog.objects.filter(
        operation="重置密码"
    )
    code, text = run("reset-password", "nobody", "--password-stdin", typed="Reset#Pass2025\n")
    assert code == 1 and "没有用户 nobody" in text
    # Django's changepassword, under its name, is this command: the flag is not forgotten
    code, text = run("changepassword", "reporter_a", "--password-stdin", typed="Reset#Pass2025\n")
    assert code == 0 and "下次登录须先修改密码" in text, text
    assert Profile.objects.get(user=personas["reporter_a"]).must_change_password
    rows = AuditLog.objects.filter(operation__in=["重置密码", "要求修改密码"]).order_by("sequence")
    assert [(r.username, r.operation, r.address.startswith("cli:")) for r in rows] == [
        ("系统", "重置密码", True),
        ("系统", "要求修改密码", True),
    ]
    assert sign_in("reporter_a", "Reset#Pass2025").get("/")["Location"].startswith("/password/")
