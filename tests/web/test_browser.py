"""The loop in a real browser: headless Debian Chromium driven by Playwright, against the
app served by pytest-django's live server. Each test leaves a screenshot under
test-artifacts/ (git-ignored)."""

import os
import re
from pathlib import Path

import pytest

from tests.web.helpers import PASSWORD, PERIOD, TASK_A, draft, task

pytestmark = pytest.mark.browser

# Playwright's sync API runs an event loop in this thread; the ORM calls of the test
# itself (making data, checking it) are still plain synchronous code.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts"
CHROMIUM = "/usr/bin/chromium"
DESKTOP = {"width": 1366, "height": 768}
PHONE = {"width": 390, "height": 844}


@pytest.fixture(scope="module")
def browser():
    if not Path(CHROMIUM).exists():
        pytest.fail("Debian chromium is not installed: apt-get install -y chromium")
    from playwright.sync_api import expect, sync_playwright

    # every wait is for a condition; on a loaded machine a condition may take a while to hold
    expect.set_options(timeout=20_000)

    with sync_playwright() as p:
        browser = p.chromium.launch(
            executable_path=CHROMIUM,
            args=["--no-sandbox", "--disable-gpu", "--disable-background-networking"],
        )
        yield browser
        browser.close()


def sign_in(browser, base_url: str, user, viewport=DESKTOP):
    """A page in a new browser context, signed in as ``user`` through the login form."""
    context = browser.new_context(viewport=viewport, locale="zh-CN")
    page = context.new_page()
    page.on("dialog", lambda dialog: dialog.accept())
    page.goto(f"{base_url}/login/")
    page.fill("#id_username", user.username)
    page.fill("#id_password", PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_url(f"{base_url}/")
    return page


@pytest.fixture
def page_for(browser, live_server, today):
    """A new browser page signed in as a user through the login form."""
    pages = []

    def make(user, viewport=DESKTOP):
        page = sign_in(browser, live_server.url, user, viewport)
        pages.append(page.context)
        return page

    yield make
    for context in pages:
        context.close()


def shot(page, name: str, *, full_page=True) -> Path:
    ARTIFACTS.mkdir(exist_ok=True)
    path = ARTIFACTS / f"{name}.png"
    page.screenshot(path=str(path), full_page=full_page)
    return path


def test_report_submit_approve_return_fix_accept_and_the_battle_map_shows_it(page_for, live_server, personas):
    from playwright.sync_api import expect

    url = live_server.url
    target = task(TASK_A)

    # the reporter fills the report and submits it
    reporter = page_for(personas["reporter_a"], PHONE)
    expect(reporter.locator("#due")).to_contain_text("培育产业集群")
    reporter.goto(f"{url}/fill/{target.pk}/{PERIOD}/")
    reporter.fill("#id_progress", "30")
    reporter.fill("#id_progress_text", "完成全县企业摸底，储备入规企业6家")
    reporter.fill("#id_problems", "部分企业用地指标未落实")
    reporter.locator("input[name^=target_]").first.fill("4")
    shot(reporter, "report-form-phone")
    reporter.click("button[value=submit]")
    expect(reporter.locator(".flash")).to_contain_text("已提交")

    # the unit head approves from the review queue (an htmx swap of the row)
    head = page_for(personas["head_a"])
    head.goto(f"{url}/review/")
    row = head.locator("#review-table tbody tr").first
    expect(row).to_contain_text("培育产业集群")
    row.locator("button", has_text="审核通过").click()
    expect(head.locator("#review-table")).to_contain_text("已审核通过")
    shot(head, "review-head")

    # the office returns it with a reason
    office = page_for(personas["office"])
    office.goto(f"{url}/review/")
    office.locator("#review-table tbody tr").first.locator("a").first.click()
    office.fill("#id_reason", "请补充入规企业名单作为佐证")
    office.click("#return-form button[type=submit]")
    expect(office.locator(".flash")).to_contain_text("已退回")

    # the reporter sees why, fixes and resubmits
    reporter.goto(f"{url}/")
    expect(reporter.locator("#returned")).to_contain_text("请补充入规企业名单作为佐证")
    shot(reporter, "workspace-returned-phone")
    reporter.locator("#returned a", has_text="修改后重新提交").click()
    reporter.fill("#id_progress_text", "完成全县企业摸底，储备入规企业6家，名单见附件")
    reporter.click("button[value=submit]")
    expect(reporter.locator(".flash")).to_contain_text("已提交")

    # the head approves again, the office accepts
    head.goto(f"{url}/review/")
    head.locator("#review-table button", has_text="审核通过").first.click()
    expect(head.locator("#review-table")).to_contain_text("已审核通过")
    office.goto(f"{url}/review/")
    office.locator("#review-table button", has_text="审定").first.click()
    expect(office.locator("#review-table")).to_contain_text("已审定")

    # the battle map: 30 % against 42.9 % expected puts the task among the lagging
    leader = page_for(personas["leader"])
    leader.goto(f"{url}/board/")
    expect(leader.locator("#lagging")).to_contain_text("培育产业集群")
    expect(leader.locator("#lagging")).to_contain_text("30%")
    expect(leader.locator("#trend")).to_contain_text("平均进度")
    shot(leader, "board-desktop")
    leader.click("#lagging a:has-text('附件1/一/(一)')")
    expect(leader.locator("#timeline")).to_contain_text("已审定")
    expect(leader.locator("#timeline")).to_contain_text("请补充入规企业名单作为佐证")
    shot(leader, "task-detail-timeline")


def test_battle_map_big_screen_and_phone(page_for, live_server, personas):
    from playwright.sync_api import expect

    leader = page_for(personas["leader"])
    leader.goto(f"{live_server.url}/board/screen/")
    expect(leader.locator("h1")).to_contain_text("挂图作战")
    expect(leader.locator("body")).to_have_class(re.compile("screen"))
    shot(leader, "board-screen")
    phone = page_for(personas["coordinator"], PHONE)
    phone.goto(f"{live_server.url}/board/")
    expect(phone.locator("#ranking")).to_contain_text("单位排名")
    shot(phone, "board-phone")
    phone.goto(f"{live_server.url}/gantt/")
    expect(phone.locator("#gantt")).to_contain_text("培育产业集群")
    shot(phone, "gantt-phone")


def test_import_a_plan_document_in_the_browser(page_for, live_server, personas, tmp_path):
    from playwright.sync_api import expect

    from luoshi.demo.seed import DEMO_PLAN
    from luoshi.plans.models import Plan

    # a short file name: plans.Plan.source_file is a FileField of max_length 100, and the
    # stored path of a long name overflows it on PostgreSQL (reported to the plans owner)
    document = tmp_path / "七大攻坚.txt"
    document.write_bytes(DEMO_PLAN.read_bytes())
    coordinator = page_for(personas["coordinator"])
    coordinator.goto(f"{live_server.url}/import/")
    coordinator.set_input_files("#id_file", str(document))
    coordinator.click("#upload-form button[type=submit]")
    expect(coordinator.locator("h1")).to_contain_text("核对解析结果")
    expect(coordinator.locator("#tree mark.unit.lead").first).to_be_visible()
    expect(coordinator.locator("#tree mark.target").first).to_be_visible()
    expect(coordinator.locator("#units")).to_contain_text("区人社局")
    shot(coordinator, "import-review", full_page=False)
    coordinator.fill("input[name='rename:区人社局']", "区人力资源和社会保障局")
    coordinator.click("button[value=apply]")
    expect(coordinator.locator(".flash")).to_contain_text("修正已应用")
    coordinator.click("button[value=confirm]")
    expect(coordinator.locator("#import-result")).to_contain_text("已导入")
    shot(coordinator, "import-result")
    plan = Plan.objects.get(title__contains="七大攻坚")
    assert plan.tasks.filter(task_units__unit__name="区人力资源和社会保障局").exists()
    assert not plan.tasks.filter(task_units__unit__name="区人社局").exists()


def test_public_page_shows_progress_and_no_internal_text(page_for, live_server, personas, browser, plan):
    from playwright.sync_api import expect

    from luoshi.accounts.permissions import actor_for
    from luoshi.reporting import services
    from luoshi.web.models import Publication
    from tests.web.helpers import submitted

    Publication.objects.create(series=plan.series, published=True, intro="本页公开各项攻坚的推进情况。")
    report = submitted(personas["reporter_a"], problems="内部问题：财政配套资金尚未拨付")
    services.return_report(actor_for(personas["head_a"]), report, "退回原因：数据口径与统计局不一致")
    context = browser.new_context(viewport=DESKTOP, locale="zh-CN")
    page = context.new_page()
    page.goto(f"{live_server.url}/public/")
    expect(page.locator("main")).to_contain_text("产业攻坚实施方案")
    expect(page.locator("main")).to_contain_text("全年时间进度")
    html = page.content()
    for internal in ("财政配套资金尚未拨付", "数据口径与统计局不一致", "完成企业摸底", "县工信局"):
        assert internal not in html
    shot(page, "public")
    context.close()


def test_reporter_is_refused_another_units_report(page_for, live_server, personas):
    from playwright.sync_api import expect

    other = draft(personas["reporter_a"], problems="县工信局内部草稿")
    page = page_for(personas["reporter_b"], PHONE)
    response = page.goto(f"{live_server.url}/reports/{other.pk}/")
    assert response.status == 404
    expect(page.locator("h1")).to_contain_text("找不到页面")
    assert "县工信局内部草稿" not in page.content()
    shot(page, "refused-other-unit")


def test_battle_map_charts_are_drawn_by_echarts_from_this_site(page_for, live_server, personas):
    """ECharts (served by the app from the package) draws the four charts; nothing is fetched
    from elsewhere; a slice of the donut and a campaign's bar open the lists behind them."""
    from playwright.sync_api import expect

    from tests.web.helpers import submitted

    submitted(personas["reporter_a"])
    url = live_server.url
    leader = page_for(personas["leader"])
    requests, errors = [], []
    leader.on("request", lambda request: requests.append(request.url))
    leader.on("pageerror", lambda error: errors.append(str(error)))
    leader.goto(f"{url}/board/")
    for chart in ("#chart-status", "#chart-progress", "#chart-targets", "#chart-trend"):
        expect(leader.locator(f"{chart} svg").first).to_be_attached()
    assert leader.evaluate("typeof window.echarts.init") == "function"
    assert leader.evaluate("window.echarts.version").startswith("6.")
    drawn = leader.evaluate(
        "['chart-status','chart-progress','chart-targets','chart-trend']"
        ".map(id => !!echarts.getInstanceByDom(document.getElementById(id)))"
    )
    assert drawn == [True, True, True, True]
    # Chinese labels in the drawing, the data table folded away once the chart is there
    expect(leader.locator("#chart-status")).to_contain_text("项任务")
    expect(leader.locator("#chart-progress")).to_contain_text("产业攻坚")
    expect(leader.locator("#chart-trend")).to_contain_text("序时进度")
    assert leader.locator("#table-progress").get_attribute("open") is None
    assert not errors, errors
    foreign = [r for r in requests if not r.startswith(url) and not r.startswith("data:")]
    assert not foreign, foreign
    expect(leader.locator("#chart-trend[data-rendered]")).to_be_attached()  # animation done
    shot(leader, "board-echarts")

    # a click on the donut's first slice (from 12 o'clock, clockwise) opens that status's list,
    # once the slices have grown to their place (a loaded machine draws slowly)
    expect(leader.locator("#chart-status[data-rendered]")).to_be_attached()
    first = leader.evaluate(
        "JSON.parse(document.getElementById('board-charts').textContent).status.items.find(i => i.value > 0)"
    )
    box = leader.locator("#chart-status").bounding_box()
    cx, cy = box["x"] + box["width"] / 2, box["y"] + box["height"] / 2
    ring = min(box["width"], box["height"]) / 2 * (0.58 + 0.88) / 2
    leader.mouse.click(cx + ring * 0.17, cy - ring * 0.98)  # 10° past 12 o'clock
    leader.wait_for_url(re.compile(r"/tasks/\?status="))
    assert leader.url == url + first["url"]

    # a click on the campaign's bar opens its task list
    leader.goto(f"{url}/board/")
    expect(leader.locator("#chart-progress[data-rendered]")).to_be_attached()  # the bars in place
    target = leader.evaluate(
        """() => {
          const chart = echarts.getInstanceByDom(document.getElementById('chart-progress'));
          const [x, y] = chart.convertToPixel({seriesIndex: 0}, [5, 0]);
          const box = document.getElementById('chart-progress').getBoundingClientRect();
          return {x: box.left + x, y: box.top + y};
        }"""
    )
    leader.mouse.click(target["x"], target["y"])
    leader.wait_for_url(re.compile(r"/tasks/\?campaign="))
    expect(leader.locator("h1")).to_be_visible()


def test_big_screen_and_phone_and_public_charts(page_for, live_server, personas, browser, plan):
    from playwright.sync_api import expect

    from luoshi.web.models import Publication
    from tests.web.helpers import submitted

    submitted(personas["reporter_a"])  # 30 % against 42.9 %: one task lagging
    url = live_server.url
    screen = page_for(personas["leader"], {"width": 1920, "height": 1080})
    screen.goto(f"{url}/board/screen/")
    expect(screen.locator("#chart-trend[data-rendered]")).to_be_attached()
    # no animation on the wall screen (it reloads itself every five minutes)
    assert (
        screen.evaluate(
            "echarts.getInstanceByDom(document.getElementById('chart-progress')).getOption().animation"
        )
        is False
    )
    shot(screen, "board-screen-echarts")

    phone = page_for(personas["coordinator"], PHONE)
    phone.goto(f"{url}/board/")
    expect(phone.locator("#chart-trend[data-rendered]")).to_be_attached()
    for chart in ("#chart-status", "#chart-progress"):
        box = phone.locator(chart).bounding_box()
        assert 0 < box["width"] <= PHONE["width"], (chart, box)
    # the charts follow the window's size
    before = phone.locator("#chart-progress svg").first.bounding_box()["width"]
    phone.set_viewport_size({"width": 700, "height": 844})
    phone.wait_for_function(
        "before => document.querySelector('#chart-progress svg').getBoundingClientRect().width > before",
        arg=before,
    )
    shot(phone, "board-phone-echarts")

    Publication.objects.create(series=plan.series, published=True)
    context = browser.new_context(viewport=DESKTOP, locale="zh-CN")
    public = context.new_page()
    public.goto(f"{url}/public/")
    expect(public.locator("#chart-public-status-1[data-rendered]")).to_be_attached()
    expect(public.locator("#chart-public-1")).to_contain_text("序时进度")
    expect(public.locator("#chart-public-status-1")).to_contain_text("严重滞后")
    shot(public, "public-echarts")
    context.close()


def test_the_clerk_corrects_a_target_in_place_in_the_import_review(page_for, live_server, personas):
    import json

    from playwright.sync_api import expect

    from luoshi.plans.models import PendingImport
    from tests.plans.factories import make_plan

    data = make_plan(title="示范县甲方案")
    data["targets"][2]["subject"] = "实施"  # the parser cut the indicator's name
    clerk = page_for(personas["coordinator"])
    clerk.goto(f"{live_server.url}/import/")
    clerk.set_input_files(
        "#id_file",
        {
            "name": "plan.json",
            "mimeType": "application/json",
            "buffer": json.dumps(data, ensure_ascii=False).encode(),
        },
    )
    clerk.click("#upload-form button[type=submit]")
    clerk.wait_for_url(re.compile(r"/import/\d+/$"))
    rows = clerk.locator("#targets form.target-row")
    expect(rows.first).to_have_id("target-2")  # the doubtful target comes first
    row = clerk.locator("#target-2")
    expect(row).to_contain_text("指标名称“实施”过短")
    row.locator("input[name=value]").fill("约25")
    row.locator("button[type=submit]").click()
    expect(clerk.locator("#target-2 .errorlist")).to_contain_text("不是数字")
    row = clerk.locator("#target-2")
    row.locator("input[name=subject]").fill("实施重点项目")
    row.locator("input[name=value]").fill("25")
    row.locator("button[type=submit]").click()
    expect(clerk.locator("#target-2")).to_contain_text("已保存")
    expect(clerk.locator("#target-2")).not_to_contain_text("需核对")
    shot(clerk, "import-target-corrected")
    pending = PendingImport.objects.get()
    assert pending.target_fixes["2"]["subject"] == "实施重点项目" and pending.target_fixes["2"]["value"] == 25
