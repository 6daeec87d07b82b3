"""The users' month (USERS.md) in a real browser, from the Word upload to the revised plan,
as each person lives it: the clerk, the reporter on his phone, his head, the task-force
office, the leader at the wall screen. Screenshots are kept under test-artifacts/."""

import datetime as dt
import os

import pytest

from tests.clock import hold_date
from tests.web.test_browser import ARTIFACTS, CHROMIUM, PASSWORD, PHONE, shot, sign_in
from tests.web.test_browser import browser as browser  # noqa: F401  (the module's fixture)

pytestmark = pytest.mark.browser

os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

WALL = {"width": 1920, "height": 1080}
DESKTOP = {"width": 1366, "height": 768}
LEAD_TASK = "附件1/二/(一)/1"  # 推动增收减负: 区人社局 leads
COOP_TASK = "附件1/二/(一)/3"  # 完善消费政策: 区商务局 leads, 区人社局 cooperates
REASON = "用地指标未落实"
CHANGED_FROM = "鼓励青云领鲜、亿客隆等本地商超参加活动"
CHANGED_TO = "鼓励本地商超、餐饮企业参加活动"


def _docx(path, text: str):
    """The plan as the clerk receives it: a Word file, one paragraph a line."""
    import docx

    document = docx.Document()
    for line in text.splitlines():
        document.add_paragraph(line.strip())
    document.save(str(path))
    return path


def _docx_text(path) -> str:
    import docx

    document = docx.Document(str(path))
    cells = [c.text for t in document.tables for row in t.rows for c in row.cells]
    return "\n".join([p.text for p in document.paragraphs] + cells)


def _user(username, role, unit):
    from django.contrib.auth import get_user_model

    from luoshi.accounts.models import Profile

    user = get_user_model().objects.create_user(username, password=PASSWORD, first_name=username)
    Profile.objects.create(user=user, role=role, unit=unit)
    return user


def _on(day: dt.date):
    from luoshi.reporting import board

    hold_date(day)
    board.clear_memo()


def _hand_in(user, task, until: dt.date, progress: str, problems: str = ""):
    """Every period of ``task`` the user's unit owes by ``until``, reported and submitted."""
    from luoshi.accounts.permissions import actor_for
    from luoshi.plans.models import Unit
    from luoshi.reporting import services
    from luoshi.reporting.due import due_items
    from luoshi.reporting.services import ReportData

    actor = actor_for(user)
    unit = Unit.objects.get(pk=actor.unit_id)
    for item in due_items(actor, task.plan, until):
        if item.task.pk != task.pk or item.report is not None:
            continue
        period = services.period_for(task, item.span.key)
        data = ReportData(progress=progress, progress_text="按计划推进", problems=problems, target_values={})
        report = services.save_draft(actor, task, unit, period, data)
        services.submit_report(actor, report)


@pytest.fixture
def signed_in(browser, live_server):  # noqa: F811
    contexts = []

    def make(user, viewport=DESKTOP):
        page = sign_in(browser, live_server.url, user, viewport)
        contexts.append(page.context)
        return page

    yield make
    for context in contexts:
        context.close()


def test_the_users_month_from_the_word_upload_to_the_revised_plan(signed_in, live_server, tmp_path, db):
    from playwright.sync_api import expect

    from luoshi.demo.seed import DEMO_PLAN
    from luoshi.plans.models import Task, TaskForce, Unit
    from luoshi.reporting.models import Report

    assert CHROMIUM
    url = live_server.url
    text = DEMO_PLAN.read_text(encoding="utf-8")
    assert CHANGED_FROM in text

    # April 27: the clerk uploads the Word file, sees the campaigns, tasks and units, confirms
    _on(dt.date(2025, 4, 27))
    office_unit = Unit.objects.create(name="区办公室")
    clerk = signed_in(_user("clerk", "coordinator", office_unit))
    clerk.goto(f"{url}/import/")
    clerk.set_input_files("#id_file", str(_docx(tmp_path / "七大攻坚.docx", text)))
    clerk.click("#upload-form button[type=submit]")
    expect(clerk.locator("h1")).to_contain_text("核对解析结果")
    expect(clerk.locator(".kpis")).to_contain_text("116")
    expect(clerk.locator("#tree mark.target").first).to_be_visible()
    expect(clerk.locator("#units")).to_contain_text("区人社局")
    shot(clerk, "month-01-import-review", full_page=False)
    # the odd spelling (区住建(交通)局) is taken for the unit it means, not offered as another
    expect(clerk.locator("#units")).to_contain_text("区住建局(交通局)")
    expect(clerk.locator("#units")).not_to_contain_text("区住建(交通)局")
    clerk.click("button[value=confirm]")
    expect(clerk.locator("#import-result")).to_contain_text("已导入")
    assert not Unit.objects.filter(name="区住建(交通)局").exists()
    assert Unit.objects.filter(name="区住建局(交通局)").exists()
    shot(clerk, "month-02-import-result")

    lead_task = Task.objects.select_related("plan", "part").get(section__sid=LEAD_TASK)
    coop_task = Task.objects.get(section__sid=COOP_TASK)
    rensheju = Unit.objects.get(name="区人社局")
    reporter = _user("rs_tb", "reporter", rensheju)
    head = _user("rs_fz", "head", rensheju)
    office = _user("zb1", "office", TaskForce.objects.get(plan=lead_task.plan, part=lead_task.part).office)
    leader = _user("lingdao", "leader", None)
    # the other units of the lead task hand in their part on time
    others = [tu.unit for tu in lead_task.task_units.select_related("unit") if tu.unit != rensheju]
    other_reporters = [_user(f"tb{u.pk}", "reporter", u) for u in others]

    # May 9: the reporter on his phone. The plan is dated 27 April: reporting starts with
    # the first full period, 5月上旬; 21–30 April is nobody's to report, so nothing is overdue
    _on(dt.date(2025, 5, 9))
    for user in other_reporters:
        _hand_in(user, lead_task, dt.date(2025, 5, 9), "5", "配合推进")
    phone = signed_in(reporter, PHONE)
    phone.goto(f"{url}/fill/")
    expect(phone.locator("main")).not_to_contain_text("4月下旬")
    coop_row = phone.locator("tr", has_text=COOP_TASK).filter(has_text="5月上旬")
    # due the first working day after the period: 5月上旬 ends Sat 10 May, the weekend skipped
    expect(coop_row).to_contain_text("5月12日（星期一）")
    shot(phone, "month-03-due-phone")
    # as a cooperator: his part in four lines
    coop_row.locator("a", has_text="填报").click()
    expect(phone.locator("h1")).to_contain_text("完善消费政策")
    expect(phone.locator("main")).to_contain_text("配合单位")
    assert phone.get_attribute("#id_progress", "inputmode") == "decimal"
    phone.fill(
        "#id_progress_text",
        "一、宣传以旧换新政策\n二、组织企业用工对接\n三、摸排重点企业岗位\n四、发放稳岗返还",
    )
    phone.click("button[value=submit]")
    expect(phone.locator(".flash")).to_contain_text("已提交")
    # as the lead: the cooperators' parts beside the form; a wrong figure gets a clear message
    phone.goto(f"{url}/fill/")
    phone.locator("tr", has_text=LEAD_TASK).filter(has_text="5月上旬").locator("a", has_text="填报").click()
    expect(phone.locator("#cooperators")).to_contain_text(others[0].name)
    phone.fill("#id_progress", "约5%")
    phone.fill("#id_progress_text", "完成企业减负政策梳理")
    phone.fill("#id_problems", REASON)
    phone.click("button[value=submit]")
    expect(phone.locator(".errorlist")).to_contain_text("不是数字")
    shot(phone, "month-04-report-error-phone")
    phone.fill("#id_progress", "5")
    phone.click("button[value=submit]")
    expect(phone.locator(".flash")).to_contain_text("已提交")
    # back: no stale form with its error, the report as handed in
    phone.go_back()
    expect(phone.locator("main")).not_to_contain_text("不是数字")
    expect(phone.locator("#report-view")).to_contain_text(REASON)
    shot(phone, "month-05-back-after-submit-phone")

    # his head approves from the 工作台 in two clicks
    boss = signed_in(head)
    expect(boss.locator("#queue")).to_contain_text("推动增收减负")
    boss.locator("#queue a", has_text="推动增收减负").click()
    boss.locator("#review-actions button", has_text="审核通过").click()
    expect(boss.locator("#review-table, .flash").first).to_be_visible()
    assert Report.objects.get(task=lead_task, unit=rensheju, is_current=True).state == "approved"

    # May 13: the office sees who has not reported
    _on(dt.date(2025, 5, 13))
    desk = signed_in(office)
    desk.goto(f"{url}/board/")
    expect(desk.locator("#missing")).to_contain_text("未按期报送")
    expect(desk.locator("#missing tbody tr").first).to_be_visible()
    shot(desk, "month-06-office-missing")

    # June 3: the task is behind its time with its reason; the May bulletin is drawn and issued
    for day in (dt.date(2025, 5, 21), dt.date(2025, 6, 3)):  # 5月中旬 and 下旬, on time
        _on(day)
        for user in [reporter, *other_reporters]:
            _hand_in(user, lead_task, day, "2", REASON)
    desk.goto(f"{url}/board/")
    lagging = desk.locator("#lagging tr", has_text=LEAD_TASK)
    expect(lagging).to_contain_text(REASON)
    shot(desk, "month-07-office-lagging")
    desk.goto(f"{url}/bulletins/")
    desk.select_option("#b-month", "2025-05")
    desk.select_option("#b-campaign", lead_task.part.key)  # the office's own campaign
    desk.click("button:has-text('生成月通报草稿')")
    expect(desk.locator("h1")).to_contain_text("5月")
    expect(desk.locator("main")).to_contain_text("滞后任务1项")
    desk.fill("#id_next_steps", "督促区人社局落实用地指标，6月底前完成企业减负政策兑现。")
    desk.click("button[value=issue]")
    expect(desk.locator(".board-head")).to_contain_text("期")
    expect(desk.locator("main")).to_contain_text("6月底前完成企业减负政策兑现")
    expect(desk.locator("#id_next_steps")).to_have_count(0)  # issued: no longer editable
    shot(desk, "month-08-bulletin-issued")
    # the issued Word file names the lagging task and its reason
    word = desk.request.get(url + desk.locator("a", has_text="下载").first.get_attribute("href"))
    assert word.ok
    paper = tmp_path / "bulletin.docx"
    paper.write_bytes(word.body())
    words = _docx_text(paper)
    assert "推动增收减负" in words and REASON in words

    # June 5: the leader at the wall screen, one screen high; then a 批示 on the lagging task
    _on(dt.date(2025, 6, 5))
    wall = signed_in(leader, WALL)
    wall.goto(f"{url}/board/screen/")
    expect(wall.locator("#chart-trend[data-rendered]")).to_be_attached()
    expect(wall.locator("#lagging")).to_contain_text(LEAD_TASK)
    assert wall.evaluate("document.documentElement.scrollHeight") <= WALL["height"]
    shot(wall, "month-09-wall-screen", full_page=False)
    wall.locator("#lagging a", has_text=LEAD_TASK).click()
    expect(wall.locator("#timeline")).to_contain_text("已提交")
    wall.fill("#instruct-form input[name=text]", "请区人社局一周内拿出解决方案")
    wall.click("#instruct-form button[type=submit]")
    expect(wall.locator(".flash")).to_contain_text("批示已转为督办事项")
    expect(wall.locator("main")).to_contain_text("请区人社局一周内拿出解决方案")
    shot(wall, "month-10-instruction")

    # next year: the revised plan, one task changed; the reports of the others stay
    _on(dt.date(2026, 1, 5))
    before = Report.objects.filter(task__section__sid=LEAD_TASK).count()
    assert before > 0
    revised = text.replace(CHANGED_FROM, CHANGED_TO)
    clerk.goto(f"{url}/import/")
    clerk.set_input_files("#id_file", str(_docx(tmp_path / "七大攻坚修订.docx", revised)))
    clerk.click("#upload-form button[type=submit]")
    expect(clerk.locator("#diff")).to_contain_text("修改")
    expect(clerk.locator("#diff")).to_contain_text(COOP_TASK)
    expect(clerk.locator("#diff")).not_to_contain_text(LEAD_TASK)
    shot(clerk, "month-11-revision-diff", full_page=False)
    clerk.click("button[value=confirm]")
    expect(clerk.locator("#import-result")).to_contain_text("第2版")
    expect(clerk.locator("#import-result")).to_contain_text(COOP_TASK)
    shot(clerk, "month-12-revision-result")
    lead_task.refresh_from_db()
    coop_task.refresh_from_db()
    assert lead_task.plan.version == 2 and coop_task.plan.version == 2
    assert Report.objects.filter(task=lead_task).count() == before
    assert CHANGED_TO in coop_task.text
    assert ARTIFACTS.joinpath("month-12-revision-result.png").exists()
