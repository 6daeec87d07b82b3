"""Personal API tokens: made on the 接口令牌 page or by ``luoshi token``, shown once, kept
hashed; a token acts with exactly its user's rights (read-only ones only read), needs no
CSRF token, stops working when revoked or expired, and every call made with it is on the
audit record with the token's id."""

import datetime as dt
import hashlib
import io
import json

import pytest
from django.core.management import CommandError, call_command
from django.test import Client

from luoshi.accounts.models import ApiToken
from luoshi.accounts.permissions import SYSTEM
from luoshi.accounts.services import create_token
from luoshi.audit.choices import AuditAction
from luoshi.audit.models import AuditLog
from luoshi.audit.services import verify_chain
from luoshi.reporting.choices import ReportState
from luoshi.reporting.models import Report
from tests.clock import travel_to
from tests.web.helpers import JULY_15, PERIOD, TASK_A, TASK_B, submitted, task

pytestmark = pytest.mark.django_db


def make_token(user, scope="write", days=30):
    return create_token(SYSTEM, user, name="同步脚本", scope=scope, days=days)


def bearer(secret):
    return {"HTTP_AUTHORIZATION": f"Bearer {secret}"}


def post(secret, url, data=None, client=None):
    return (client or Client(enforce_csrf_checks=True)).post(
        url, json.dumps(data or {}), content_type="application/json", **bearer(secret)
    )


def luoshi_token(*args) -> str:
    out = io.StringIO()
    call_command("token", *args, stdout=out)
    return out.getvalue()


def test_a_token_reads_with_exactly_its_users_scope(personas, today):
    _, secret = make_token(personas["reporter_a"], scope="read")
    response = Client().get("/api/v1/tasks", **bearer(secret))
    assert response.status_code == 200
    assert [t["section"] for t in response.json()["items"]] == [TASK_A]
    assert Client().get(f"/api/v1/tasks/{task(TASK_B).pk}", **bearer(secret)).status_code == 404
    _, everything = make_token(personas["leader"], scope="read")
    assert Client().get("/api/v1/tasks", **bearer(everything)).json()["count"] == 3


def test_a_write_token_writes_without_csrf_and_the_change_carries_the_token_id(personas, today):
    token, secret = make_token(personas["reporter_a"])
    data = {
        "task": task(TASK_A).pk,
        "period": PERIOD,
        "progress": "30",
        "progress_text": "摸底",
        "submit": True,
    }
    response = post(secret, "/api/v1/reports", data)
    assert response.status_code == 200, response.json()
    assert response.json()["state"] == ReportState.SUBMITTED
    rows = AuditLog.objects.filter(user=personas["reporter_a"]).order_by("sequence")
    assert [(r.operation, r.summary.get("token")) for r in rows] == [
        ("填写报告", token.pk),
        ("提交报告", token.pk),
    ]
    # the rights are the user's: a reporter cannot approve
    report = Report.objects.get(pk=response.json()["id"])
    response = post(secret, f"/api/v1/reports/{report.pk}/approve")
    assert response.status_code == 403 and "error" in response.json()
    assert verify_chain().ok


def test_a_read_only_token_gets_403_in_chinese_on_any_write(personas, today):
    _, secret = make_token(personas["reporter_a"], scope="read")
    response = post(secret, "/api/v1/reports", {"task": task(TASK_A).pk, "period": PERIOD})
    assert response.status_code == 403
    assert response.json() == {"error": "只读接口令牌不能执行写操作（需要读写权限的令牌）"}
    assert not Report.objects.exists()


def test_a_revoked_or_expired_or_unknown_token_is_401_in_chinese(personas, today):
    token, secret = make_token(personas["head_a"], days=1)
    assert Client().get("/api/v1/plans", **bearer(secret)).status_code == 200
    luoshi_token("revoke", str(token.pk))
    response = Client().get("/api/v1/plans", **bearer(secret))
    assert response.status_code == 401 and response.json() == {"error": "接口令牌已被吊销，请重新创建"}

    _, short = make_token(personas["head_a"], days=1)
    travel_to(JULY_15 + dt.timedelta(days=2))
    response = Client().get("/api/v1/plans", **bearer(short))
    assert response.status_code == 401 and "过期" in response.json()["error"]

    response = Client().get("/api/v1/plans", **bearer(short[:-1] + "x"))
    assert response.status_code == 401 and response.json() == {"error": "接口令牌无效，请检查令牌是否完整"}
    response = Client().get("/api/v1/plans", HTTP_AUTHORIZATION="Bearer nonsense")
    assert response.status_code == 401


def test_a_bad_token_does_not_fall_back_to_the_session(personas, today, client_for):
    client = client_for(personas["leader"])
    response = client.get("/api/v1/plans", HTTP_AUTHORIZATION="Bearer ls_000000000000_wrong")
    assert response.status_code == 401


def test_the_secret_is_kept_only_as_its_sha256_and_last_use_is_noted(personas, today):
    token, secret = make_token(personas["leader"], scope="read")
    stored = ApiToken.objects.get(pk=token.pk)
    assert stored.digest == hashlib.sha256(secret.encode()).hexdigest()
    assert secret not in json.dumps([list(ApiToken.objects.values_list())], default=str)
    assert stored.last_used_at is None
    Client().get("/api/v1/status", **bearer(secret))
    first = ApiToken.objects.get(pk=token.pk).last_used_at
    assert first is not None
    travel_to(JULY_15, hour=11)
    Client().get("/api/v1/status", **bearer(secret))
    assert ApiToken.objects.get(pk=token.pk).last_used_at - first >= dt.timedelta(minutes=59)


def test_every_call_with_a_token_is_audited_reads_and_refusals_included(personas, today):
    token, secret = make_token(personas["reporter_a"], scope="read")
    Client().get("/api/v1/tasks", **bearer(secret))
    post(secret, "/api/v1/reports", {"task": task(TASK_A).pk, "period": PERIOD})
    rows = list(AuditLog.objects.filter(summary__token=token.pk).order_by("sequence"))
    assert [(r.action, r.method, r.status_code, r.username) for r in rows] == [
        (AuditAction.API_CALL, "GET", 200, "reporter_a"),
        (AuditAction.DENIED, "POST", 403, "reporter_a"),
    ]
    luoshi_token("revoke", str(token.pk))
    Client().get("/api/v1/tasks", **bearer(secret))
    last = AuditLog.objects.order_by("-sequence").first()
    assert (last.action, last.status_code, last.summary["token"]) == (AuditAction.DENIED, 401, token.pk)
    assert verify_chain().ok


def test_session_reads_are_not_audited_as_api_calls(personas, today, client_for):
    client = client_for(personas["leader"])
    before = AuditLog.objects.count()
    assert client.get("/api/v1/tasks").status_code == 200
    assert AuditLog.objects.count() == before


def test_the_command_creates_lists_and_revokes(personas, today):
    out = luoshi_token("create", "coordinator", "--scope", "read", "--days", "90", "--json")
    made = json.loads(out)
    assert made["token"].startswith("ls_") and made["scope"] == "read"
    assert Client().get("/api/v1/plans", **bearer(made["token"])).status_code == 200
    listing = json.loads(luoshi_token("list", "coordinator", "--json"))
    assert [(t["id"], t["state"]) for t in listing] == [(made["id"], "有效")]
    assert made["token"] not in luoshi_token("list", "coordinator")
    assert "已吊销接口令牌" in luoshi_token("revoke", str(made["id"]))
    assert json.loads(luoshi_token("list", "coordinator", "--json"))[0]["state"] == "已吊销"
    row = AuditLog.objects.filter(operation="吊销接口令牌").get()
    assert row.username == "系统" and row.address.startswith("cli:")


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["create", "nobody", "--scope", "read", "--days", "9"], "没有用户名为“nobody”的用户"),
        (
            ["create", "leader", "--scope", "admin", "--days", "9"],
            "权限范围应为 read（只读）或 write（读写）",
        ),
        (["create", "leader", "--scope", "read", "--days", "0"], "有效天数应为 1 到 365 之间的整数"),
        (["create", "leader", "--scope", "read", "--days", "一年"], "--days 应为 1 到 365 之间的整数"),
        (["revoke", "77"], "没有编号为“77”的接口令牌"),
    ],
)
def test_the_command_refuses_bad_input_in_chinese_writing_nothing(personas, args, message):
    with pytest.raises(CommandError, match=message):
        luoshi_token(*args)
    assert not ApiToken.objects.exists()


def test_the_page_makes_a_token_shown_once_and_revokes_it(personas, today, client_for):
    client = client_for(personas["head_a"])
    assert "接口令牌" in client.get("/password/").content.decode()
    page = client.get("/account/tokens/").content.decode()
    assert "还没有接口令牌" in page
    response = client.post("/account/tokens/", {"name": "报表同步", "scope": "write", "days": "30"})
    html = response.content.decode()
    token = ApiToken.objects.get(user=personas["head_a"])
    secret = html.split('<code class="secret">')[1].split("</code>")[0]
    assert "令牌只显示这一次" in html and token.digest == hashlib.sha256(secret.encode()).hexdigest()
    assert secret not in client.get("/account/tokens/").content.decode()
    assert Client().get("/api/v1/plans", **bearer(secret)).status_code == 200

    # another user can neither see nor revoke it
    other = client_for(personas["head_b"])
    assert "报表同步" not in other.get("/account/tokens/").content.decode()
    assert other.post(f"/account/tokens/{token.pk}/revoke/").status_code == 404
    assert Client().get("/api/v1/plans", **bearer(secret)).status_code == 200

    response = client.post(f"/account/tokens/{token.pk}/revoke/", follow=True)
    assert "已吊销接口令牌“报表同步”" in response.content.decode()
    assert Client().get("/api/v1/plans", **bearer(secret)).status_code == 401


def test_the_page_refuses_a_bad_form_in_chinese(personas, today, client_for):
    client = client_for(personas["head_a"])
    response = client.post("/account/tokens/", {"name": "", "scope": "root", "days": "7"})
    assert response.status_code == 400 and not ApiToken.objects.exists()
    html = response.content.decode()
    assert "这个字段是必填项" in html or "必填" in html


def test_an_approval_made_with_a_token_and_one_made_in_the_browser_are_alike(personas, today):
    report = submitted(personas["reporter_a"])
    _, secret = make_token(personas["head_a"])
    response = post(secret, f"/api/v1/reports/{report.pk}/approve")
    assert response.status_code == 200 and response.json()["state"] == ReportState.APPROVED
