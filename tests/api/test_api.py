"""The JSON API: session auth, the pages' permission rules, strict input, Chinese errors."""

import json

import pytest
from django.test import Client

from luoshi.reporting.choices import ReportState
from tests.web.helpers import PERIOD, TASK_A, TASK_B, draft, submitted, task

pytestmark = pytest.mark.django_db


def post(client, url, data=None):
    return client.post(url, json.dumps(data or {}), content_type="application/json")


def test_anonymous_gets_401_in_chinese(plan, today):
    response = Client().get("/api/v1/tasks")
    assert response.status_code == 401 and response.json() == {"error": "请先登录"}


def test_openapi_schema_is_served(personas, today, client_for):
    schema = client_for(personas["leader"]).get("/api/v1/openapi.json").json()
    assert "/api/v1/status" in schema["paths"] and "/api/v1/reports/{report_id}/return" in schema["paths"]


def test_plans_with_the_three_lists(personas, plan, today, client_for):
    client = client_for(personas["coordinator"])
    plans = client.get("/api/v1/plans").json()["items"]
    assert plans[0]["id"] == plan.pk and plans[0]["tasks"] == 3
    detail = client.get(f"/api/v1/plans/{plan.pk}").json()
    assert len(detail["task_list"]) == 3 and len(detail["targets"]) == 3
    lead = next(u for u in detail["responsibilities"] if u["unit"] == "县工信局")
    assert len(lead["lead"]) == 1
    assert client.get("/api/v1/plans/999999").json() == {"error": "没有编号为 999999 的方案，或无权查看"}


def test_tasks_are_scoped_and_filterable(personas, today, client_for):
    mine = client_for(personas["reporter_a"]).get("/api/v1/tasks").json()
    assert [t["section"] for t in mine["items"]] == [TASK_A]
    everything = client_for(personas["leader"])
    assert everything.get("/api/v1/tasks").json()["count"] == 3
    assert everything.get("/api/v1/tasks", {"unit": "县发改局"}).json()["count"] == 2
    assert everything.get("/api/v1/tasks", {"status": "not_reported"}).json()["count"] == 3
    other = task(TASK_B).pk
    assert client_for(personas["reporter_a"]).get(f"/api/v1/tasks/{other}").status_code == 404


def test_status_has_the_battle_map_numbers(personas, today, client_for):
    submitted(personas["reporter_a"])
    status = client_for(personas["leader"]).get("/api/v1/status", {"as_of": "2025-07-15"}).json()
    assert status["overall"]["total"] == 3 and status["period"] == "2025年7月上旬"
    assert {c["key"] for c in status["campaigns"]} == {"附件1"}


def test_reporter_writes_and_submits_through_services(personas, today, client_for):
    client = client_for(personas["reporter_a"])
    response = post(
        client,
        "/api/v1/reports",
        {"task": task(TASK_A).pk, "period": PERIOD, "progress": "25", "progress_text": "开展摸底"},
    )
    assert response.status_code == 200 and response.json()["state"] == ReportState.DRAFT
    report_id = response.json()["id"]
    assert post(client, f"/api/v1/reports/{report_id}/submit").json()["state"] == ReportState.SUBMITTED
    head = client_for(personas["head_a"])
    assert post(head, f"/api/v1/reports/{report_id}/approve").json()["state"] == ReportState.APPROVED
    office = client_for(personas["office"])
    response = post(office, f"/api/v1/reports/{report_id}/return", {"reason": ""})
    assert response.status_code == 400 and response.json()["error"] == "退回时请写明原因"
    response = post(office, f"/api/v1/reports/{report_id}/return", {"reason": "补充数据"})
    assert response.json()["return_reason"] == "补充数据"


def test_bad_input_is_400_in_chinese_with_nothing_written(personas, today, client_for):
    client = client_for(personas["reporter_a"])
    response = post(
        client, "/api/v1/reports", {"task": task(TASK_A).pk, "period": PERIOD, "progress": "约80%"}
    )
    assert response.status_code == 400 and "完成进度" in response.json()["error"]
    response = post(client, "/api/v1/reports", {"task": task(TASK_A).pk, "period": PERIOD, "colour": "red"})
    assert response.status_code == 400 and "不认识的字段" in response.json()["error"]
    assert client.get("/api/v1/reports").json()["items"] == []


def test_other_units_reports_are_404_and_foreign_writes_403(personas, today, client_for):
    theirs = draft(personas["reporter_b"], TASK_B)
    assert client_for(personas["reporter_a"]).get(f"/api/v1/reports/{theirs.pk}").status_code == 404
    mine = submitted(personas["reporter_a"])
    response = post(client_for(personas["head_b"]), f"/api/v1/reports/{mine.pk}/approve")
    assert response.status_code == 404
    response = post(client_for(personas["leader"]), f"/api/v1/reports/{mine.pk}/approve")
    assert response.status_code == 403 and "负责人" in response.json()["error"]
    response = post(
        client_for(personas["reporter_a"]), "/api/v1/reports", {"task": task(TASK_B).pk, "period": PERIOD}
    )
    assert response.status_code == 404


def test_api_writes_need_the_csrf_token(personas, today):
    client = Client(enforce_csrf_checks=True)
    client.force_login(personas["reporter_a"])
    response = post(client, "/api/v1/reports", {"task": task(TASK_A).pk, "period": PERIOD})
    assert response.status_code == 403 and response.json()["error"].startswith("CSRF 校验失败")


def test_api_docs_load_nothing_from_outside(personas, client_for):
    import re

    html = client_for(personas["leader"]).get("/api/v1/docs").content.decode()
    addresses = re.findall(r'(?:src|href)="([^"]+)"', html)
    assert addresses and all(not a.startswith(("http:", "https:", "//")) for a in addresses), addresses
    assert any("swagger-ui-bundle.js" in a for a in addresses)
