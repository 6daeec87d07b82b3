"""The pages through Django's test client: what each role gets, the report loop, refusals,
and the query counts of the busy pages."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from luoshi.reporting.choices import ReportState
from luoshi.reporting.models import Report
from tests.web.helpers import PERIOD, TASK_A, TASK_B, draft, submitted, task

pytestmark = pytest.mark.django_db

PAGES = [
    "/",
    "/tasks/",
    "/tasks/?list=targets",
    "/tasks/?list=units",
    "/board/",
    "/board/screen/",
    "/board/trend/",
    "/gantt/",
    "/messages/",
    "/supervision/",
]

ROLE_PAGES = {
    "reporter_a": {"/fill/": 200, "/review/": 403, "/import/": 403, "/bulletins/": 403},
    "head_a": {"/fill/": 200, "/review/": 200, "/import/": 403},
    "office": {"/fill/": 403, "/review/": 200, "/import/": 403, "/bulletins/": 200},
    "coordinator": {"/fill/": 403, "/review/": 200, "/import/": 200, "/bulletins/": 200},
    "leader": {"/fill/": 403, "/review/": 403, "/import/": 403, "/bulletins/": 200},
}


@pytest.mark.parametrize("who", sorted(ROLE_PAGES))
def test_every_page_answers_each_role(personas, today, client_for, who):
    client = client_for(personas[who])
    for url in PAGES:
        response = client.get(url)
        assert response.status_code == 200, url
    for url, status in ROLE_PAGES[who].items():
        assert client.get(url).status_code == status, url


def test_anonymous_is_sent_to_login_and_public_page_is_open(client, today, plan):
    response = client.get("/board/")
    assert response.status_code == 302 and response["Location"].startswith("/login/")
    assert client.get("/public/").status_code == 200
    assert client.get("/api/v1/plans").status_code == 401


def test_workspace_shows_what_is_due_with_deadline_and_days_left(personas, today, client_for):
    html = client_for(personas["reporter_a"]).get("/").content.decode()
    assert "培育产业集群" in html
    assert "2025年7月上旬" in html and "逾期 4 天" in html  # ends Thu 10 July, due Fri 11 July
    assert "2025年7月中旬" not in html or "还剩" in html


def test_report_loop_through_pages(personas, today, client_for):
    target = task(TASK_A)
    reporter = client_for(personas["reporter_a"])
    response = reporter.post(
        f"/fill/{target.pk}/{PERIOD}/",
        {"progress": "35", "progress_text": "完成摸底", "action": "submit"},
    )
    assert response.status_code == 302
    report = Report.objects.get(task=target, unit__name="县工信局")
    assert report.state == ReportState.SUBMITTED
    head = client_for(personas["head_a"])
    assert head.post(f"/reports/{report.pk}/approve/").status_code == 302
    office = client_for(personas["office"])
    response = office.post(f"/reports/{report.pk}/return/", {"reason": ""})
    report.refresh_from_db()
    assert report.state == ReportState.APPROVED  # a return needs a reason
    office.post(f"/reports/{report.pk}/return/", {"reason": "请补充佐证"})
    report.refresh_from_db()
    assert report.state == ReportState.RETURNED and report.return_reason == "请补充佐证"
    assert "请补充佐证" in reporter.get("/").content.decode()
    reporter.post(f"/reports/{report.pk}/", {"progress": "40", "progress_text": "已补充", "action": "submit"})
    head.post(f"/reports/{report.pk}/approve/", HTTP_HX_REQUEST="true")
    response = office.post(f"/reports/{report.pk}/accept/", HTTP_HX_REQUEST="true")
    assert response.status_code == 200 and "已审定" in response.content.decode()
    assert "<html" not in response.content.decode()  # htmx gets the row only
    report.refresh_from_db()
    assert report.state == ReportState.ACCEPTED and report.progress == 40


def test_bad_input_gets_a_chinese_message_and_nothing_written(personas, today, client_for):
    target = task(TASK_A)
    response = client_for(personas["reporter_a"]).post(
        f"/fill/{target.pk}/{PERIOD}/", {"progress": "约80%", "progress_text": "x", "action": "save"}
    )
    assert response.status_code == 400
    assert "完成进度" in response.content.decode()
    assert not Report.objects.exists()


def test_submit_without_progress_text_is_refused_with_the_field_named(personas, today, client_for):
    report = draft(personas["reporter_a"], text="")
    response = client_for(personas["reporter_a"]).post(
        f"/reports/{report.pk}/", {"progress": "20", "action": "submit"}
    )
    assert response.status_code == 400
    assert "本期进展" in response.content.decode()
    report.refresh_from_db()
    assert report.state == ReportState.DRAFT


def test_other_units_report_is_404_and_read_only_is_403(personas, today, client_for):
    report = draft(personas["reporter_a"])
    assert client_for(personas["reporter_b"]).get(f"/reports/{report.pk}/").status_code == 404
    assert (
        client_for(personas["reporter_b"]).post(f"/reports/{report.pk}/", {"action": "save"}).status_code
        == 404
    )
    assert client_for(personas["head_b"]).post(f"/reports/{report.pk}/approve/").status_code == 404
    submitted_report = submitted(personas["reporter_a"])
    assert (
        client_for(personas["head_a"])
        .post(f"/reports/{submitted_report.pk}/", {"action": "save"})
        .status_code
        == 403
    )
    # a head of another unit cannot approve even a report it may see (cooperator's view)
    assert client_for(personas["reporter_b"]).get(f"/tasks/{task(TASK_B).pk}/").status_code == 200
    assert client_for(personas["reporter_a"]).get(f"/tasks/{task(TASK_B).pk}/").status_code == 404


def test_unit_head_cannot_approve_another_units_report_it_can_read(personas, today, client_for):
    report = submitted(personas["reporter_b"], TASK_A, progress="", text="配合")
    # head_a sees the cooperator's part on its task but may not approve it
    response = client_for(personas["head_a"]).post(f"/reports/{report.pk}/approve/")
    assert response.status_code == 403
    report.refresh_from_db()
    assert report.state == ReportState.SUBMITTED


def test_task_list_filters(personas, today, client_for):
    client = client_for(personas["coordinator"])
    html = client.get("/tasks/", {"unit": "县发改局"}).content.decode()
    assert "扩大有效投资" in html and "优化营商环境" not in html
    html = client.get("/tasks/", {"status": "not_reported"}).content.decode()
    assert "培育产业集群" in html
    html = client.get("/tasks/", {"q": "营商"}).content.decode()
    assert "优化营商环境" in html and "培育产业集群" not in html
    html = client.get("/tasks/", {"cadence": "month"}).content.decode()
    assert "没有符合条件的任务" in html


def test_three_lists_download(personas, today, client_for):
    response = client_for(personas["coordinator"]).get("/tasks/three-lists.xlsx")
    assert response.status_code == 200 and response.content[:2] == b"PK"
    assert client_for(personas["reporter_a"]).get("/tasks/three-lists.xlsx").status_code == 403


def test_board_numbers_match_the_status_api(personas, today, client_for):
    submitted(personas["reporter_a"])
    client = client_for(personas["leader"])
    status = client.get("/api/v1/status").json()
    html = client.get("/board/").content.decode()
    assert f'<div class="v">{status["overall"]["total"]}</div>' in html
    assert status["overall"]["counts"]["not_reported"] == 2


def test_board_query_count_is_pinned(personas, today, client_for):
    client = client_for(personas["leader"])
    client.get("/board/")  # creates the plan's reporting policy (a change of data)
    client.get("/board/")  # warms the per-process memo
    with CaptureQueriesContext(connection) as queries:
        assert client.get("/board/").status_code == 200
    assert len(queries) <= 10, [q["sql"] for q in queries]


def test_trend_and_gantt_render(personas, today, client_for):
    client = client_for(personas["office"])
    assert "序时进度" in client.get("/board/trend/").content.decode()
    assert "培育产业集群" in client.get("/gantt/").content.decode()


def test_instruct_on_a_task_becomes_a_supervision_item(personas, today, client_for):
    from luoshi.supervision.models import SupervisionItem

    target = task(TASK_A)
    response = client_for(personas["leader"]).post(
        f"/tasks/{target.pk}/instruct/", {"text": "请县工信局一周内拿出方案"}
    )
    assert response.status_code == 302
    item = SupervisionItem.objects.get()
    assert item.task == target and item.lead_unit.name == "县工信局"
    # the lead unit finds it among its supervision items on the workspace; another unit does not
    link = f'href="/supervision/{item.pk}/"'
    workspace = client_for(personas["reporter_a"]).get("/").content.decode()
    assert link in workspace and "请县工信局一周内拿出方案" in workspace
    assert link not in client_for(personas["reporter_b"]).get("/").content.decode()
    assert client_for(personas["reporter_a"]).get(f"/supervision/{item.pk}/").status_code == 200
    assert (
        client_for(personas["reporter_b"]).post(f"/tasks/{target.pk}/instruct/", {"text": "x"}).status_code
        == 403
    )


def test_task_page_shows_the_first_period_reported_and_the_rule(personas, today, client_for):
    html = client_for(personas["reporter_a"]).get(f"/tasks/{task(TASK_A).pk}/").content.decode()
    # the test plan is dated 10 March: 3月中旬 (11–20 March) is its first full 旬
    assert "首期报送" in html and "2025年3月中旬" in html
    assert "自方案印发之日（3月10日）起开始报送（本方案为2025年3月中旬）" in html
