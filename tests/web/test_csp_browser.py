"""The Content-Security-Policy in a real browser: every main page loads under the strict
policy (this site's script files and style sheets only: no inline script, no event
handler attribute, no style attribute) without one violation, and the charts still draw,
their tooltips included."""

import pytest

from luoshi.accounts.permissions import actor_for
from luoshi.demo.seed import DEMO_PLAN
from luoshi.supervision import services as supervision
from tests.web.helpers import submitted
from tests.web.test_browser import DESKTOP, browser, page_for, shot  # noqa: F401  (fixtures)

pytestmark = pytest.mark.browser

LISTEN = """
window.__violations = [];
document.addEventListener("securitypolicyviolation", function (e) {
  window.__violations.push([e.violatedDirective, e.blockedURI || "inline", e.sourceFile + ":" + e.lineNumber + ":" + e.columnNumber, e.sample].join(" "));
});
"""


def watch(page):
    """Collect the page's policy violations, as events and as console errors."""
    seen = []
    page.context.add_init_script(LISTEN)
    page.on("console", lambda m: "Content Security Policy" in m.text and seen.append(m.text[:60]))
    page.on("pageerror", lambda error: seen.append(str(error)))
    return seen


def violations(page, seen):
    return seen + page.evaluate("window.__violations || []")


def hover_charts(page):
    """Move the mouse over every drawn chart so its HTML tooltip shows."""
    for box in page.locator("[data-echart][data-drawn]").evaluate_all(
        "els => els.map(e => { const r = e.getBoundingClientRect(); return [r.x, r.y, r.width, r.height]; })"
    ):
        x, y, width, height = box
        for fx, fy in ((0.5, 0.3), (0.6, 0.5), (0.5, 0.5)):
            page.mouse.move(x + width * fx, y + height * fy)
            page.wait_for_timeout(150)


def test_the_policy_header_allows_only_this_sites_files(client, personas, today):
    response = client.get("/login/")
    policy = response["Content-Security-Policy"]
    directives = dict(part.strip().split(" ", 1) for part in policy.split(";") if part.strip())
    assert directives["script-src"] == "'self'"
    assert directives["style-src"] == "'self'"
    assert directives["object-src"] == "'none'" and directives["frame-ancestors"] == "'none'"
    assert "unsafe-inline" not in policy and "unsafe-eval" not in policy


def test_main_pages_break_no_rule_and_charts_draw(page_for, live_server, personas, tmp_path):  # noqa: F811
    from playwright.sync_api import expect

    report = submitted(personas["reporter_a"])  # a lagging task, a report to review
    supervision.instruct(actor_for(personas["leader"]), report, "请牵头单位一周内拿出解决方案")
    url = live_server.url

    leader = page_for(personas["leader"])
    seen = watch(leader)
    for path in ("/board/", "/board/screen/"):
        leader.goto(url + path)
        for chart in ("#chart-status", "#chart-progress", "#chart-trend"):
            expect(leader.locator(f"{chart}[data-rendered]")).to_be_attached()
        expect(leader.locator("#chart-status svg").first).to_be_attached()
        hover_charts(leader)
        # the donut's tooltip shows, its dot coloured without a style attribute
        box = leader.locator("#chart-status").bounding_box()
        ring = min(box["width"], box["height"]) / 2 * 0.73
        leader.mouse.move(
            box["x"] + box["width"] / 2 + ring * 0.17, box["y"] + box["height"] / 2 - ring * 0.98
        )
        dot = leader.locator("#chart-status .chart-dot").first
        expect(dot).to_be_visible()
        assert dot.evaluate("e => getComputedStyle(e).backgroundColor") != "rgba(0, 0, 0, 0)"
        shot(leader, "csp" + path.replace("/", "-").rstrip("-"))
        assert violations(leader, seen) == [], path
    for path in ("/gantt/", "/supervision/", "/projects/", "/bulletins/", "/tasks/"):
        leader.goto(url + path)
        expect(leader.locator("h1").first).to_be_visible()
        assert violations(leader, seen) == [], path
    # a light's colour and a bar's place, set from data-css through the CSSOM
    leader.goto(url + "/gantt/")
    left = leader.locator("#gantt .span").first.evaluate("e => e.style.left")
    assert left.endswith("%")
    leader.goto(url + "/board/")
    colour = leader.locator(".kpi .light").first.evaluate("e => getComputedStyle(e).backgroundColor")
    assert colour not in ("", "rgba(0, 0, 0, 0)")

    reporter = page_for(personas["reporter_a"])
    seen = watch(reporter)
    reporter.goto(url + "/account/tokens/")
    expect(reporter.locator("h1").first).to_be_visible()
    reporter.goto(url + "/fill/")
    expect(reporter.locator("h1").first).to_be_visible()
    # a form answered with its errors (a POST reply) is put in the history by app.js
    reporter.goto(url + "/password/")
    reporter.fill("#id_old_password", "wrong")
    reporter.fill("#id_new_password1", "short")
    reporter.fill("#id_new_password2", "short")
    reporter.click("main button[type=submit]")
    expect(reporter.locator(".errors, .errorlist").first).to_be_visible()
    assert violations(reporter, seen) == []

    head = page_for(personas["head_a"])
    seen = watch(head)
    head.goto(url + "/review/")
    head.locator("#review-table button", has_text="审核通过").first.click()  # an htmx swap
    expect(head.locator("#review-table")).to_contain_text("已审核通过")
    assert violations(head, seen) == []

    coordinator = page_for(personas["coordinator"])
    seen = watch(coordinator)
    for path in (
        "/import/",
        "/bulletins/",
        "/supervision/",
        "/projects/",
        "/",
        "/security/",
        "/account/otp/",
    ):
        coordinator.goto(url + path)
        expect(coordinator.locator("h1").first).to_be_visible()
        assert violations(coordinator, seen) == [], path
    expect(coordinator.locator("#otp-qr")).to_be_visible()  # the QR code, an SVG data: image
    assert coordinator.locator("#otp-qr").evaluate("e => e.naturalWidth") > 0
    # the import review: the plan's tree indented through data-css
    document = tmp_path / "七大攻坚.txt"
    document.write_bytes(DEMO_PLAN.read_bytes())
    coordinator.goto(url + "/import/")
    coordinator.set_input_files("#id_file", str(document))
    coordinator.click("#upload-form button[type=submit]")
    expect(coordinator.locator("h1")).to_contain_text("核对解析结果")
    depth = coordinator.locator("#tree .node[data-css='--depth:2']").first
    assert depth.evaluate("e => getComputedStyle(e).paddingLeft") == "36px"
    assert violations(coordinator, seen) == []


def test_public_page_draws_its_charts_under_the_policy(browser, live_server, personas, plan):  # noqa: F811
    from playwright.sync_api import expect

    from luoshi.web.models import Publication

    Publication.objects.create(series=plan.series, published=True, intro="本页公开各项攻坚的推进情况。")
    submitted(personas["reporter_a"])
    context = browser.new_context(viewport=DESKTOP, locale="zh-CN")
    page = context.new_page()
    seen = watch(page)
    page.goto(f"{live_server.url}/public/")
    expect(page.locator("[data-echart][data-rendered]").first).to_be_attached()
    hover_charts(page)
    assert violations(page, seen) == []
    context.close()
