"""各地挂图 in a real browser: the city's coordinator opens the board, expands a district
in the drill-in panel (htmx), follows it to the district's battle map and a lagging task."""

import datetime as dt

import pytest

from tests.clock import travel_to
from tests.web.test_browser import DESKTOP, browser, shot  # noqa: F401  (the module's browser)

pytestmark = pytest.mark.browser

TODAY = dt.date(2025, 7, 15)


def test_drill_down_city_district_task(browser, live_server, db):  # noqa: F811
    from django.contrib.auth import get_user_model
    from playwright.sync_api import expect

    from luoshi.demo import province
    from luoshi.plans.models import Organisation, Plan
    from luoshi.reporting import board, cityboard

    travel_to(TODAY)
    board.clear_memo()
    cityboard.clear_memo()
    province.build([1, 2, 4], 14, 2025, log=lambda *_: None)
    city = Organisation.objects.filter(level="city").order_by("order").first()
    district = Organisation.objects.filter(parent=city).order_by("order").first()
    plan = Plan.objects.get(organisation=district)
    lagging = cityboard.summarise(plan, TODAY).lagging
    assert lagging
    user = get_user_model().objects.get(username=f"b{city.pk}-coordinator")

    context = browser.new_context(viewport=DESKTOP, locale="zh-CN")
    page = context.new_page()
    errors = []
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    page.goto(f"{live_server.url}/login/")
    page.fill("#id_username", user.username)
    page.fill("#id_password", province.PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_url(f"{live_server.url}/")

    page.goto(f"{live_server.url}/board/orgs/")
    expect(page.locator("h1")).to_contain_text(city.name)
    expect(page.locator("#chart-orgs[data-rendered='1']")).to_be_visible()  # ECharts drew it
    row = page.locator(f"#org-table tr[data-org='{district.pk}']")
    row.get_by_role("button", name="展开").click()  # htmx: the district's figures in the panel
    expect(page.locator("#drill")).to_contain_text("滞后任务")
    expect(page.locator("#drill .org-campaigns")).to_contain_text("附件1")
    shot(page, "city-board")

    page.locator("#drill").get_by_role("link", name="挂图作战 →").click()  # the district's board
    page.wait_for_url(f"**/board/?plan={plan.pk}")
    expect(page.locator("main")).to_contain_text(plan.title)
    page.go_back()
    page.wait_for_url("**/board/orgs/")
    row.get_by_role("button", name="展开").click()
    link = page.locator("#drill .org-lagging a").first
    expect(link).to_be_visible()
    href = link.get_attribute("href")
    task = next(t for t in lagging if href == f"/tasks/{t.task_id}/")  # one of the engine's lagging
    link.click()  # a lagging task of the district
    page.wait_for_url(f"**{href}")
    expect(page.locator("main")).to_contain_text(task.title)
    shot(page, "city-board-task")
    assert not [e for e in errors if "Content Security Policy" in e]
    context.close()
