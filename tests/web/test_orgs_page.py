"""下级组织 (/orgs/): a city coordinator granted ``manages_below`` creates a district with
its first administrator, who signs in and creates its towns; they are listed and renamed.
A district user without the grant, and a reporter, get 403; bad input gets a Chinese
message naming what is wrong, and nothing is written."""

import pytest
from django.contrib.auth import get_user_model
from django.test import Client

from luoshi.accounts.models import Profile
from luoshi.audit.models import AuditLog
from luoshi.plans.models import Organisation
from tests.web.helpers import PASSWORD

pytestmark = pytest.mark.django_db


def grant(user):
    Profile.objects.filter(user=user).update(manages_below=True)
    return user


def new_org(client, parent, name, level, username, password=PASSWORD, **extra):
    data = {
        "parent": parent.pk,
        "name": name,
        "level": level,
        "admin_username": username,
        "admin_name": extra.pop("admin_name", ""),
        "admin_password": password,
        **extra,
    }
    return client.post("/orgs/", data)


def text(response) -> str:
    return response.content.decode()


def test_a_city_creates_a_district_whose_admin_signs_in_and_creates_its_towns(orgs, today, client_for):
    city = client_for(grant(orgs["city_coordinator"]))
    page = city.get("/orgs/")
    assert page.status_code == 200 and "鼎城区" in text(page) and "西洞庭管理区" in text(page)
    assert 'href="/orgs/"' in text(page)  # in the navigation
    response = new_org(city, orgs["city"], "武陵区", "district", "wl_admin", admin_name="武陵区办公室")
    assert response.status_code == 302
    district = Organisation.objects.get(name="武陵区")
    assert district.parent == orgs["city"] and district.level == "district"
    admin = get_user_model().objects.get(username="wl_admin")
    assert (admin.profile.role, admin.profile.organisation, admin.profile.manages_below) == (
        "coordinator",
        district,
        True,
    )
    listed = text(city.get("/orgs/"))
    assert "已新增县（市、区）“武陵区”（上级：常德市），管理员 wl_admin" in listed and "wl_admin" in listed
    assert AuditLog.objects.filter(operation="新增组织管理员").exists()
    # the new administrator signs in with the password given, sets its own first (someone
    # else chose that one), and creates its town
    signed_in = Client()
    assert signed_in.post("/login/", {"username": "wl_admin", "password": PASSWORD}).status_code == 302
    assert signed_in.get("/orgs/")["Location"] == "/password/?next=%2Forgs%2F"
    own = "Wl#Admin2025!"
    changed = signed_in.post(
        "/password/", {"old_password": PASSWORD, "new_password1": own, "new_password2": own, "next": "/orgs/"}
    )
    assert changed.status_code == 302 and changed["Location"] == "/orgs/"
    page = text(signed_in.get("/orgs/"))
    assert "还没有下级组织" in page and "鼎城区" not in page  # its own tree only
    assert new_org(signed_in, district, "丹阳街道", "town", "dy_admin").status_code == 302
    town = Organisation.objects.get(name="丹阳街道")
    assert town.parent == district and not Profile.objects.get(user__username="dy_admin").manages_below
    # it cannot create beside itself, under the city: the city is not among its choices
    response = new_org(signed_in, orgs["city"], "鼎城区二", "district", "x_admin")
    assert response.status_code == 400 and "选择一个有效的选项" in text(response)
    assert not Organisation.objects.filter(name="鼎城区二").exists()


def test_a_user_not_allowed_to_manage_below_gets_403(orgs, today, client_for):
    for user in (orgs["dc_coordinator"], orgs["dc_reporter"], orgs["city_coordinator"]):
        client = client_for(user)
        assert client.get("/orgs/").status_code == 403
        assert new_org(client, orgs["dc"], "城关镇", "town", "cg_admin").status_code == 403
        assert client.post(f"/orgs/{orgs['xd'].pk}/rename/", {"name": "改名区"}).status_code == 403
        assert 'href="/orgs/"' not in text(client.get("/"))
    assert not Organisation.objects.filter(name__in=["城关镇", "改名区"]).exists()
    assert not get_user_model().objects.filter(username="cg_admin").exists()


@pytest.mark.parametrize(
    ("name", "level", "username", "password", "message"),
    [
        ("鼎城区", "district", "new_admin", PASSWORD, "“常德市”下已有组织“鼎城区”"),
        ("武陵区", "city", "new_admin", PASSWORD, "“常德市”是市（州），其下级组织不能是市（州）"),
        ("武陵区", "district", "dc_coord", PASSWORD, "用户名“dc_coord”已被使用"),
        ("武陵区", "district", "new_admin", "short", "管理员的密码不合要求"),
        ("武陵区", "district", "bad name!", PASSWORD, "管理员用户名“bad name!”无效"),
    ],
)
def test_bad_input_is_named_in_chinese_and_nothing_is_written(
    orgs, today, client_for, name, level, username, password, message
):
    city = client_for(grant(orgs["city_coordinator"]))
    before = (Organisation.objects.count(), get_user_model().objects.count(), Profile.objects.count())
    response = new_org(city, orgs["city"], name, level, username, password)
    assert response.status_code == 400 and message in text(response)
    after = (Organisation.objects.count(), get_user_model().objects.count(), Profile.objects.count())
    assert not AuditLog.objects.filter(operation__in=["新增组织", "新增组织管理员"]).exists()
    assert after == before


def test_a_lower_organisation_is_renamed_but_not_to_a_siblings_name(orgs, today, client_for):
    city = client_for(grant(orgs["city_coordinator"]))
    response = city.post(f"/orgs/{orgs['xd'].pk}/rename/", {"name": "鼎城区"})
    assert "“常德市”下已有组织“鼎城区”" in text(city.get(response.url))
    assert Organisation.objects.get(pk=orgs["xd"].pk).name == "西洞庭管理区"
    response = city.post(f"/orgs/{orgs['xd'].pk}/rename/", {"name": "西洞庭区"})
    assert "已将“西洞庭管理区”改名为“西洞庭区”" in text(city.get(response.url))
    assert Organisation.objects.get(pk=orgs["xd"].pk).name == "西洞庭区"
    row = AuditLog.objects.filter(operation="组织改名").get()
    assert row.changes == {"name": ["西洞庭管理区", "西洞庭区"]}
    # its own organisation is not among those it renames; a district renames nothing above
    assert city.post(f"/orgs/{orgs['city'].pk}/rename/", {"name": "常德"}).status_code == 404
    district = client_for(grant(orgs["dc_coordinator"]))
    assert district.post(f"/orgs/{orgs['xd'].pk}/rename/", {"name": "乙区"}).status_code == 404
    assert Organisation.objects.get(pk=orgs["city"].pk).name == "常德市"
