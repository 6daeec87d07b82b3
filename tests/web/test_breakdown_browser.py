"""The district office assigns its units to a task the city broke down, in a real
browser: from the notice, to its breakdown plan, to the form, to the task page."""

import pytest

from tests.plans.breakdown_data import T1, lower
from tests.web.test_browser import browser as browser  # noqa: F401  (the module's fixtures)
from tests.web.test_browser import page_for as page_for  # noqa: F401
from tests.web.test_browser import shot

pytestmark = pytest.mark.browser


def test_the_district_office_assigns_units_to_a_broken_down_task(page_for, live_server, city):  # noqa: F811
    from playwright.sync_api import expect

    mine = lower(city["dc"], T1)
    page = page_for(city["dc_coordinator"])
    page.goto(f"{live_server.url}/messages/")
    page.get_by_text("上级分解任务 3 项").first.click()
    page.wait_for_url(f"{live_server.url}/plans/{mine.plan_id}/breakdown/")
    expect(page.locator("h1")).to_have_text("《常德市实施“三大攻坚”工作方案》分解任务")
    row = page.locator("#breakdown-tasks tr", has_text="新增规模工业企业")
    expect(row).to_contain_text("待分配")
    row.get_by_role("link", name="分配责任单位").click()
    page.wait_for_url(f"{live_server.url}/tasks/{mine.pk}/assign/")
    # saving without a lead is refused in words, and nothing is kept
    page.locator("fieldset", has_text="配合单位").get_by_label("鼎城区发改局").check()
    page.get_by_role("button", name="保存").click()
    expect(page.locator("#assign-error")).to_have_text("请至少指定一个牵头单位")
    page.locator("fieldset", has_text="牵头单位").get_by_label("鼎城区工信局").check()
    page.get_by_role("button", name="保存").click()
    page.wait_for_url(f"{live_server.url}/tasks/{mine.pk}/")
    expect(page.locator("dl.facts")).to_contain_text("鼎城区工信局")
    expect(page.locator("dl.facts")).to_contain_text("鼎城区发改局")
    expect(page.locator("#upper-task")).to_contain_text("上级分解任务：常德市实施“三大攻坚”工作方案")
    shot(page, "breakdown-assigned")
    assert [u.name for u in mine.leads()] == ["鼎城区工信局"]
    assert [u.name for u in mine.cooperators()] == ["鼎城区发改局"]
