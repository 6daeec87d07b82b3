"""The page frame (the top bar, its navigation, the Content-Security-Policy header) shows and
sends what it did before its addresses were reversed once per process: each role's
navigation item for item, the active item following the path, the unread badge, the
settings' policy."""

import re

import pytest
from django.urls import set_script_prefix

LABELS = {
    "/": "工作台",
    "/fill/": "填报",
    "/review/": "审核",
    "/tasks/": "任务清单",
    "/board/": "挂图作战",
    "/gantt/": "施工图",
    "/supervision/": "督办",
    "/projects/": "重大项目",
    "/bulletins/": "通报",
    "/import/": "方案导入",
    "/orgs/": "下级组织",
    "/security/": "账号安全",
}
COMMON = ["/", "/tasks/", "/board/", "/gantt/", "/supervision/", "/projects/"]
# who → the addresses of the items the navigation shows, in the order shown
NAV = {
    "reporter_a": ["/", "/fill/", *COMMON[1:]],
    "head_a": ["/", "/fill/", "/review/", *COMMON[1:]],
    "office": ["/", "/review/", *COMMON[1:], "/bulletins/"],
    "coordinator": ["/", "/review/", *COMMON[1:], "/bulletins/", "/import/", "/security/"],
    "leader": [*COMMON, "/bulletins/"],
    "city_coordinator": ["/", "/review/", *COMMON[1:], "/bulletins/", "/import/", "/orgs/", "/security/"],
    "root": [*COMMON, "/orgs/"],  # a superuser without a role: the organisations only
}


def nav_of(page: str) -> list[tuple[str, str, bool]]:
    block = page.split('<nav class="mainnav" aria-label="主导航">', 1)[1].split("</nav>", 1)[0]
    found = re.findall(r'<a href="([^"]*)"( class="active" aria-current="page")?>([^<]*)</a>', block)
    return [(url, label, bool(active)) for url, active, label in found]


def top_bar_links(page: str) -> list[str]:
    who = page.split('<div class="who">', 1)[1].split("</div>", 1)[0]
    return re.findall(r'(?:href|action)="([^"]*)"', who)


@pytest.fixture
def people(personas, city_plan):
    from django.contrib.auth import get_user_model

    city = personas["city_coordinator"]
    city.profile.manages_below = True
    city.profile.save()
    root = get_user_model().objects.create_superuser("root", password="Luoshi@2025x")
    return dict(personas, root=root)


@pytest.mark.django_db
def test_each_role_sees_the_navigation_it_saw_and_the_active_item_follows_the_path(
    people, today, client_for, plan
):
    task = plan.tasks.order_by("pk").first()
    for who, urls in NAV.items():
        client = client_for(people[who])
        for path, active in [
            ("/tasks/", "/tasks/"),
            ("/", "/"),
            (f"/tasks/{task.pk}/", "/tasks/"),
            ("/board/", "/board/"),
            ("/messages/", None),
            ("/password/", None),
        ]:
            response = client.get(path)
            # a superuser without a role sees no unit's task and no board: the error page's frame
            refused = {f"/tasks/{task.pk}/": 404, "/board/": 403} if who == "root" else {}
            assert response.status_code == refused.get(path, 200), (who, path)
            page = response.content.decode()
            assert nav_of(page) == [(url, LABELS[url], url == active) for url in urls], (who, path)
            assert top_bar_links(page) == ["/messages/", "/password/", "/account/tokens/", "/logout/"]
            assert '<a class="brand" href="/">' in page


@pytest.mark.django_db
def test_the_unread_badge_counts_the_unread_messages_and_an_htmx_part_has_no_top_bar(
    personas, today, client_for, city_plan, plan
):
    from luoshi.reporting.notify import notify

    reporter = personas["reporter_a"]
    client = client_for(reporter)
    assert 'class="badge"' not in client.get("/tasks/").content.decode()
    notify([reporter, reporter, personas["head_a"]], "请填报", None)
    assert '消息<b class="badge">2</b></a>' in client.get("/tasks/").content.decode()
    assert 'class="badge"' not in client.get("/messages/").content.decode()  # read on viewing them
    assert 'class="badge"' not in client.get("/tasks/").content.decode()
    city = client_for(personas["city_coordinator"])
    notify([personas["city_coordinator"]], "请审核", None)
    assert '消息<b class="badge">1</b></a>' in city.get("/board/orgs/").content.decode()
    part = city.get(f"/board/orgs/{plan.organisation_id}/", headers={"HX-Request": "true"})
    assert part.status_code == 200 and 'class="who"' not in part.content.decode()


@pytest.mark.django_db
def test_a_signed_out_page_has_the_frame_without_the_navigation(client):
    page = client.get("/nowhere/").content.decode()
    assert '<a class="brand" href="/">' in page and 'class="mainnav"' not in page


def test_the_fixed_addresses_follow_the_script_prefix():
    from luoshi.web.context import fixed_urls

    assert fixed_urls()["web:messages"] == "/messages/"
    set_script_prefix("/luoshi/")
    try:
        assert fixed_urls()["web:messages"] == "/luoshi/messages/"
        assert fixed_urls()["web:workspace"] == "/luoshi/"
    finally:
        set_script_prefix("/")
    assert fixed_urls()["web:messages"] == "/messages/"


# ---------------------------------------------------------------- the CSP header


@pytest.mark.django_db
def test_a_page_carries_the_policy_of_the_settings(client):
    from csp.utils import build_policy

    response = client.get("/login/")
    assert response["Content-Security-Policy"] == build_policy()
    assert "script-src 'self'" in response["Content-Security-Policy"]
