"""/api/v1/orgs: the 下级组织 page's list, create and rename through the API, for a
coordinator granted ``manages_below``; 403 for a district user without it; bad input
400 in Chinese with nothing written."""

import pytest
from django.contrib.auth import get_user_model

from luoshi.accounts.models import Profile
from luoshi.plans.models import Organisation
from tests.api.helpers import patch, post

pytestmark = pytest.mark.django_db

URL = "/api/v1/orgs"
ADMIN = {"username": "wl_admin", "password": "Luoshi@2025x", "full_name": "武陵区办公室"}


def grant(user):
    Profile.objects.filter(user=user).update(manages_below=True)
    return user


def test_a_city_lists_creates_and_renames_its_districts(orgs, today, client_for):
    city = client_for(grant(orgs["city_coordinator"]))
    listed = city.get(URL).json()["items"]
    assert [(o["name"], o["level"], o["admins"]) for o in listed] == [
        ("鼎城区", "district", ["dc_coord"]),
        ("西洞庭管理区", "district", ["xd_coord"]),
    ]
    body = {"parent": orgs["city"].pk, "name": "武陵区", "level": "district", "admin": ADMIN}
    response = post(city, URL, body)
    assert response.status_code == 201
    created = response.json()
    assert (
        created["name"] == "武陵区"
        and created["parent_name"] == "常德市"
        and created["admins"] == ["wl_admin"]
    )
    assert get_user_model().objects.get(username="wl_admin").check_password(ADMIN["password"])
    renamed = patch(city, f"{URL}/{created['id']}", {"name": "武陵新区"})
    assert renamed.status_code == 200 and renamed.json()["name"] == "武陵新区"
    assert Organisation.objects.get(pk=created["id"]).name == "武陵新区"


def test_a_district_user_reaching_for_it_gets_403(orgs, today, client_for):
    for user in (orgs["dc_coordinator"], orgs["dc_reporter"]):
        client = client_for(user)
        assert client.get(URL).status_code == 403
        body = {"parent": orgs["dc"].pk, "name": "城关镇", "level": "town", "admin": ADMIN}
        response = post(client, URL, body)
        assert response.status_code == 403 and "可办理下级组织事项" in response.json()["error"]
        assert patch(client, f"{URL}/{orgs['xd'].pk}", {"name": "乙区"}).status_code == 403
    assert not Organisation.objects.filter(name__in=["城关镇", "乙区"]).exists()
    assert not get_user_model().objects.filter(username="wl_admin").exists()


def test_bad_input_is_400_in_chinese_and_nothing_is_written(orgs, today, client_for):
    district = client_for(grant(orgs["dc_coordinator"]))
    cases = [
        ({"name": "城关镇", "level": "district"}, "“鼎城区”是县（市、区），其下级组织不能是县（市、区）"),
        (
            {"name": "城关镇", "level": "town", "admin": {**ADMIN, "username": "xd_coord"}},
            "用户名“xd_coord”已被使用",
        ),
        ({"name": "城关镇", "level": "town", "admin": {**ADMIN, "password": "abc"}}, "管理员的密码不合要求"),
        ({"name": "  ", "level": "town"}, "组织名称不能为空"),
    ]
    for fields, message in cases:
        response = post(district, URL, {"parent": orgs["dc"].pk, "admin": ADMIN, **fields})
        assert response.status_code == 400 and message in response.json()["error"], response.json()
    post(district, URL, {"parent": orgs["dc"].pk, "name": "城关镇", "level": "town", "admin": ADMIN})
    again = post(
        district,
        URL,
        {"parent": orgs["dc"].pk, "name": "城关镇", "level": "town", "admin": {**ADMIN, "username": "b"}},
    )
    assert again.status_code == 400 and again.json()["error"] == "“鼎城区”下已有组织“城关镇”"
    assert Organisation.objects.filter(parent=orgs["dc"]).count() == 1
    assert get_user_model().objects.filter(username__in=["wl_admin", "b"]).count() == 1
    # a sibling district is no parent of its, nor one it renames
    response = post(district, URL, {"parent": orgs["xd"].pk, "name": "甲镇", "level": "town", "admin": ADMIN})
    assert response.status_code == 404
    assert patch(district, f"{URL}/{orgs['xd'].pk}", {"name": "乙区"}).status_code == 404
