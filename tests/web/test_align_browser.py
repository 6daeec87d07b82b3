"""对标 in a real browser: the county's coordinator asks for suggestions, confirms one
(the row swapped by htmx), corrects another to a different city task and a third to 无对应,
under the strict Content-Security-Policy and without one violation."""

import pytest

from luoshi.plans.alignment_services import alignment_rows
from tests.web.test_browser import browser, page_for, shot  # noqa: F401  (fixtures)
from tests.web.test_csp_browser import violations, watch

pytestmark = pytest.mark.browser


def test_confirm_and_correct_the_alignment_of_a_county_plan(page_for, live_server, personas, plan, city_plan):  # noqa: F811
    from playwright.sync_api import expect

    page = page_for(personas["coordinator"])
    seen = watch(page)
    page.goto(f"{live_server.url}/plans/{plan.pk}/align/")
    expect(page.locator("#upper")).to_contain_text("示范市")
    page.click("#align-suggest")
    expect(page.locator(".flash")).to_contain_text("已生成对标建议：新增 9 条")

    rows = {r.task.section.sid: r.task.pk for r in alignment_rows(plan, city_plan)}
    # (二) 扩大有效投资: the city's 扩大有效投资 is first; confirm it (an htmx swap of the row)
    row = page.locator(f"#align-{rows['附件1/一/(二)']}")
    first = row.locator(".align-candidate").first
    expect(first).to_contain_text("扩大有效投资")
    expect(first).to_contain_text("实施重点项目200个")  # the city task's text beside the county's
    first.locator("button", has_text="确认").click()
    row = page.locator(f"#align-{rows['附件1/一/(二)']}")
    expect(row).to_have_attribute("data-state", "已确认")
    expect(row.locator(".align-confirmed")).to_contain_text("附件1/二/(二) 扩大有效投资")

    # (一) 培育产业集群: corrected by hand to the city's 保交房 task, then to 无对应
    row = page.locator(f"#align-{rows['附件1/一/(一)']}")
    row.locator("input[name=upper_task]").fill("附件1/二/(三) 推进保交房")
    row.locator("button", has_text="更正").click()
    row = page.locator(f"#align-{rows['附件1/一/(一)']}")
    expect(row.locator(".align-confirmed")).to_contain_text("附件1/二/(三) 推进保交房")
    row.locator("input[name=upper_task]").fill("无对应")
    row.locator("button", has_text="更正").click()
    row = page.locator(f"#align-{rows['附件1/一/(一)']}")
    expect(row).to_have_attribute("data-state", "无对应")
    shot(page, "align-county")

    # what the page shows is what is stored, after a reload too
    page.reload()
    expect(page.locator(f"#align-{rows['附件1/一/(二)']}")).to_have_attribute("data-state", "已确认")
    expect(page.locator(f"#align-{rows['附件1/一/(一)']}")).to_have_attribute("data-state", "无对应")
    by_sid = {r.task.section.sid: r for r in alignment_rows(plan, city_plan)}
    assert by_sid["附件1/一/(二)"].confirmed.upper.section.sid == "附件1/二/(二)"
    assert by_sid["附件1/一/(一)"].state == "无对应"
    assert violations(page, seen) == []
