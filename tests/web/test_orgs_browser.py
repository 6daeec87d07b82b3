"""下级组织 in a real browser: the city's coordinator creates a district and its first
administrator, is told in words what is wrong with a duplicate, renames it and signs out;
the new administrator signs in, is sent to change the password someone else chose (a weak
one refused in Chinese), reaches the workspace and creates a town of its own."""

import re

import pytest

from luoshi.accounts.models import Profile
from tests.web.helpers import PASSWORD
from tests.web.test_browser import browser as browser  # noqa: F401  (the module's fixtures)
from tests.web.test_browser import page_for as page_for  # noqa: F401
from tests.web.test_browser import shot

pytestmark = pytest.mark.browser


def test_a_city_creates_a_district_and_its_admin_creates_a_town(page_for, live_server, orgs):  # noqa: F811
    from django.contrib.auth import get_user_model
    from playwright.sync_api import expect

    Profile.objects.filter(user=orgs["city_coordinator"]).update(manages_below=True)
    page = page_for(orgs["city_coordinator"])
    page.get_by_role("navigation", name="主导航").get_by_role("link", name="下级组织").click()
    page.wait_for_url(f"{live_server.url}/orgs/")
    expect(page.locator("#lower-orgs")).to_contain_text("西洞庭管理区")

    def fill(name, username, level="县（市、区）"):
        form = page.locator("#new-org")
        form.get_by_label("组织名称").fill(name)
        form.get_by_label("层级").select_option(label=level)
        form.get_by_label("管理员用户名").fill(username)
        form.get_by_label("管理员姓名").fill(f"{name}办公室")
        form.get_by_label("管理员初始密码").fill(PASSWORD)
        form.get_by_role("button", name="新增组织及其管理员").click()

    fill("鼎城区", "dc_admin2")  # a sibling of that name exists: said in words, nothing kept
    expect(page.locator("#new-org .errorlist")).to_have_text("“常德市”下已有组织“鼎城区”")
    fill("武陵区", "wl_admin")
    page.wait_for_url(f"{live_server.url}/orgs/")
    expect(page.locator(".flash")).to_contain_text(
        "已新增县（市、区）“武陵区”（上级：常德市），管理员 wl_admin"
    )
    row = page.locator("#lower-orgs tr", has_text="wl_admin")
    row.get_by_role("textbox").fill("武陵新区")
    row.get_by_role("button", name="改名").click()
    page.wait_for_url(f"{live_server.url}/orgs/")
    expect(page.locator("#lower-orgs")).to_contain_text("武陵新区")
    shot(page, "orgs-city")

    page.get_by_role("button", name="退出").click()
    page.wait_for_url(re.compile(r"/login/"))

    # the new administrator signs in with the password the city chose: sent to change it
    admin = page
    admin.fill("#id_username", "wl_admin")
    admin.fill("#id_password", PASSWORD)
    admin.click("button[type=submit]")
    admin.wait_for_url(re.compile(r"/password/\?next="))
    expect(admin.locator("#must-change")).to_contain_text("首次登录或密码被重置后，须先修改密码")

    def new_password(value):
        admin.fill("#id_old_password", PASSWORD)
        admin.fill("#id_new_password1", value)
        admin.fill("#id_new_password2", value)
        admin.get_by_role("button", name="保存").click()

    new_password("wulingqu2025")
    expect(admin.locator(".errorlist")).to_contain_text("缺少：大写字母、特殊符号")
    shot(admin, "password-first-sign-in")
    admin.goto(f"{live_server.url}/orgs/")  # nothing else before the change
    admin.wait_for_url(re.compile(r"/password/\?next="))
    new_password("Wl#Admin2025!")
    admin.wait_for_url(f"{live_server.url}/orgs/")
    expect(admin.locator(".flash")).to_contain_text("密码已修改")
    assert not Profile.objects.get(user__username="wl_admin").must_change_password
    admin.goto(f"{live_server.url}/")
    expect(admin.get_by_role("navigation", name="主导航")).to_contain_text("下级组织")

    admin.goto(f"{live_server.url}/orgs/")
    expect(admin.locator("#lower-orgs")).to_contain_text("还没有下级组织")
    admin.locator("#new-org").get_by_label("组织名称").fill("丹阳街道")
    admin.locator("#new-org").get_by_label("层级").select_option(label="乡镇（街道）")
    admin.locator("#new-org").get_by_label("管理员用户名").fill("dy_admin")
    admin.locator("#new-org").get_by_label("管理员初始密码").fill(PASSWORD)
    admin.locator("#new-org").get_by_role("button", name="新增组织及其管理员").click()
    admin.wait_for_url(f"{live_server.url}/orgs/")
    expect(admin.locator("#lower-orgs")).to_contain_text("丹阳街道")
    expect(admin.locator("#lower-orgs")).not_to_contain_text("西洞庭管理区")
    assert get_user_model().objects.filter(username="dy_admin").exists()
