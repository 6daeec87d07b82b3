"""Every failure under /api/ answers ``{"error": "<Chinese>"}`` with its status — a CSRF
failure, a body that is not JSON or not sent as JSON, a method the endpoint does not take,
an unknown address, a fault in the code — never Django's English HTML page; the docs and
the schema are for signed-in users only."""

import json

import pytest
from django.test import Client, RequestFactory

from luoshi import urls
from luoshi.accounts.permissions import SYSTEM
from luoshi.accounts.services import create_token
from luoshi.audit.models import AuditLog
from tests.web.helpers import PERIOD, TASK_A, task

pytestmark = pytest.mark.django_db


def chinese_error(response, status):
    assert response.status_code == status, response.content
    assert response["Content-Type"].startswith("application/json")
    body = json.loads(response.content)
    assert set(body) >= {"error"} and any("\u4e00" <= ch <= "\u9fff" for ch in body["error"]), body
    return body["error"]


def test_a_session_write_without_the_csrf_token_is_403_in_chinese(personas, today):
    client = Client(enforce_csrf_checks=True)
    client.force_login(personas["reporter_a"])
    data = json.dumps({"task": task(TASK_A).pk, "period": PERIOD})
    message = chinese_error(client.post("/api/v1/reports", data, content_type="application/json"), 403)
    assert "CSRF" in message
    # with the token taken from the cookie, the same write goes through
    client.get("/api/v1/plans")
    client.get("/")  # sets the csrftoken cookie
    csrf = client.cookies["csrftoken"].value
    response = client.post("/api/v1/reports", data, content_type="application/json", HTTP_X_CSRFTOKEN=csrf)
    assert response.status_code == 200


def test_a_body_that_is_not_json_is_400_and_one_not_sent_as_json_is_415(personas, today, client_for):
    client = client_for(personas["reporter_a"])
    response = client.post("/api/v1/reports", "{task: 1,", content_type="application/json")
    assert chinese_error(response, 400) == "请求体不是合法的 JSON，无法解析"
    response = client.post("/api/v1/reports", "task=1", content_type="text/plain")
    assert "不受支持" in chinese_error(response, 415)


def test_a_method_the_endpoint_does_not_take_is_405_in_chinese(personas, today, client_for):
    response = client_for(personas["leader"]).delete("/api/v1/plans")
    assert chinese_error(response, 405) == "此接口不支持该请求方法"
    assert response["Allow"] == "GET"


def test_an_unknown_address_under_api_is_404_in_chinese(personas, today, client_for):
    client = client_for(personas["leader"])
    assert "/api/v1/nothing/here" in chinese_error(client.get("/api/v1/nothing/here"), 404)
    chinese_error(Client().get("/api/v2/plans"), 404)
    assert "应为整数" in chinese_error(client.get("/api/v1/plans/not-a-number"), 400)
    # pages keep their Chinese HTML page
    assert "找不到页面" in client.get("/no/such/page/").content.decode()


def test_a_fault_in_the_code_is_500_in_chinese_and_logged(personas, today, client_for, monkeypatch, caplog):
    # a fault injected where no real input can make one: the plans list cannot be read
    def broken(*args, **kwargs):
        raise RuntimeError("数据库里的方案读不出来")

    monkeypatch.setattr("luoshi.plans.versions.plan_choices", broken)
    response = client_for(personas["leader"]).get("/api/v1/plans")
    assert chinese_error(response, 500) == "服务器内部错误，请稍后重试或联系管理员"
    assert "RuntimeError" in caplog.text


def test_djangos_own_error_handlers_answer_json_under_api_and_pages_elsewhere():
    request = RequestFactory().get("/api/v1/plans")
    chinese_error(urls.handler500(request), 500)
    chinese_error(urls.handler400(request, ValueError("x")), 400)
    page = urls.handler500(RequestFactory().get("/tasks/"))
    assert page.status_code == 500 and not page["Content-Type"].startswith("application/json")


def test_docs_and_schema_need_a_sign_in(personas, today, client_for):
    chinese_error(Client().get("/api/v1/openapi.json"), 401)
    response = Client().get("/api/v1/docs")
    assert response.status_code == 302 and response["Location"].startswith("/login/?next=/api/v1/docs")
    _, secret = create_token(SYSTEM, personas["reporter_a"], name="文档", scope="read", days=1)
    response = Client().get("/api/v1/openapi.json", HTTP_AUTHORIZATION=f"Bearer {secret}")
    assert response.status_code == 200 and "/api/v1/plans" in response.json()["paths"]
    assert AuditLog.objects.filter(path="/api/v1/openapi.json", summary__token__isnull=False).exists()
    chinese_error(Client().get("/api/v1/openapi.json", HTTP_AUTHORIZATION="Bearer ls_0_wrong"), 401)
    assert client_for(personas["leader"]).get("/api/v1/docs").status_code == 200


def test_the_schema_declares_the_error_answers_of_every_operation(personas, today, client_for):
    schema = client_for(personas["leader"]).get("/api/v1/openapi.json").json()
    assert schema["components"]["schemas"]["Error"]["required"] == ["error"]
    for path, operations in schema["paths"].items():
        for method, operation in operations.items():
            declared = set(operation["responses"])
            assert {"400", "401", "403", "404", "500"} <= declared, (method, path, declared)
    schemes = {next(iter(s)) for s in schema["paths"]["/api/v1/plans"]["get"]["security"]}
    assert schemes == {"TokenAuth", "SessionAuth"}
