"""/api/v1/supervision: the items a user sees and the steps they may take are those of the
pages (supervision/permissions.py); each step changes what the item's page then shows."""

import json

import pytest
from django.contrib.auth import get_user_model

from luoshi.accounts.models import Profile
from luoshi.accounts.permissions import actor_for
from luoshi.plans.models import Unit
from luoshi.supervision.choices import ItemState, Source
from luoshi.supervision.models import ItemTransition, SupervisionItem
from luoshi.supervision.services import create_item
from tests.supervision.conftest import EVIDENCE
from tests.web.helpers import TASK_A, TASK_B, submitted, task

pytestmark = pytest.mark.django_db

URL = "/api/v1/supervision"


def post(client, url, data=None, **headers):
    return client.post(url, json.dumps(data or {}), content_type="application/json", headers=headers)


@pytest.fixture
def people(personas):
    def make(username, role, unit_name):
        user = get_user_model().objects.create_user(username, password="Luoshi@2025x", first_name=username)
        Profile.objects.create(user=user, role=role, unit=Unit.objects.get_or_create(name=unit_name)[0])
        return user

    return {**personas, "verifier": make("verifier", "verifier", "县督查室")}


@pytest.fixture
def item(people, today):
    """An item of 县发改局 (unit B) on task (二), made by the coordinator."""
    return create_item(
        actor_for(people["coordinator"]),
        content="产业园区污水管网未按期建成",
        lead_unit=Unit.objects.get(name="县发改局"),
        deadline=today.replace(day=25),
        source=Source.SPECIAL,
        task=task(TASK_B),
    )


def step(client, item_id, action, comment="", files=(), **headers):
    data = {"action": action, **({"comment": comment} if comment else {})}
    if files:
        data["files"] = list(files)
    return client.post(f"{URL}/{item_id}/steps", data, headers=headers)


def test_each_unit_sees_the_items_the_pages_show_it(people, item, client_for):
    assert [i["id"] for i in client_for(people["reporter_b"]).get(URL).json()["items"]] == [item.pk]
    assert (
        client_for(people["reporter_a"]).get(URL).json()["items"] == []
    )  # 县工信局 neither leads nor cooperates
    assert client_for(people["reporter_a"]).get(f"{URL}/{item.pk}").status_code == 404
    assert client_for(people["reporter_a"]).get(f"/supervision/{item.pk}/").status_code == 404
    assert client_for(people["office"]).get(f"{URL}/{item.pk}").status_code == 200  # its campaign
    detail = client_for(people["leader"]).get(f"{URL}/{item.pk}").json()
    assert detail["state"] == "assigned" and detail["lead_unit"] == "县发改局" and detail["actions"] == []


def test_the_loop_through_the_api_shows_on_the_page(people, item, client_for):
    reporter, verifier = client_for(people["reporter_b"]), client_for(people["verifier"])
    assert reporter.get(f"{URL}/{item.pk}").json()["actions"] == ["accept"]
    assert step(reporter, item.pk, "accept").json()["state"] == "in_progress"
    assert "办理中" in reporter.get(f"/supervision/{item.pk}/").content.decode()
    from django.core.files.uploadedfile import SimpleUploadedFile

    upload = SimpleUploadedFile(EVIDENCE.name, EVIDENCE.content)
    body = step(reporter, item.pk, "feedback", "管网已完工并通水", [upload]).json()
    assert body["state"] == "fed_back" and [e["name"] for e in body["evidence"]] == [EVIDENCE.name]
    assert step(verifier, item.pk, "check").json()["state"] == "verifying"
    closed = step(verifier, item.pk, "close", "现场核查属实").json()
    assert closed["state"] == "closed" and closed["deadline_status"] == "closed"
    assert [s["action"] for s in closed["steps"]] == ["create", "accept", "feedback", "check", "close"]
    html = reporter.get(f"/supervision/{item.pk}/").content.decode()
    assert "已办结（销号）" in html and "现场核查属实" in html
    assert reporter.get(URL).json()["items"] == []  # the list shows open items by default
    assert [i["id"] for i in reporter.get(URL, {"state": "closed"}).json()["items"]] == [item.pk]


def test_verifying_and_returning(people, item, client_for):
    reporter, verifier = client_for(people["reporter_b"]), client_for(people["verifier"])
    step(reporter, item.pk, "accept")
    step(reporter, item.pk, "feedback", "已整改")
    assert step(reporter, item.pk, "check").status_code == 403  # the unit that did the work
    step(verifier, item.pk, "check")
    response = step(verifier, item.pk, "close")
    assert response.status_code == 400 and "销号需要佐证材料" in response.json()["error"]
    response = step(verifier, item.pk, "return")
    assert response.status_code == 400 and response.json()["error"] == "退回原因不能为空"
    body = step(verifier, item.pk, "return", "请补充现场照片").json()
    assert body["state"] == "in_progress" and body["actions"] == []
    assert reporter.get(f"{URL}/{item.pk}").json()["actions"] == ["feedback"]


def test_a_step_out_of_turn_or_by_the_wrong_role_writes_nothing(people, item, client_for):
    before = ItemTransition.objects.count()
    response = step(client_for(people["reporter_b"]), item.pk, "close")
    assert response.status_code == 403 and "不能销号" in response.json()["error"]
    response = step(client_for(people["reporter_b"]), item.pk, "feedback", "已办")
    assert response.status_code == 400 and "只有“办理中”的事项可以" in response.json()["error"]
    response = step(client_for(people["leader"]), item.pk, "accept")
    assert response.status_code == 403 and response.json() == {"error": "您对该督办事项只有查看权限"}
    assert step(client_for(people["reporter_a"]), item.pk, "accept").status_code == 404
    response = step(client_for(people["reporter_b"]), item.pk, "sign")
    assert response.status_code == 400 and "action" in response.json()["error"]
    assert ItemTransition.objects.count() == before
    SupervisionItem.objects.get(pk=item.pk, state=ItemState.ASSIGNED)


def test_the_leader_instructs_on_a_task_report_or_item(people, item, client_for):
    leader = client_for(people["leader"])
    response = post(leader, f"{URL}/instructions", {"task": task(TASK_A).pk, "text": "加快入规企业培育"})
    assert response.status_code == 201
    made = response.json()
    assert made["source"] == "instruction" and made["lead_unit"] == "县工信局"
    assert made["title"].startswith("领导批示：加快入规企业培育")
    report = submitted(people["reporter_a"])
    on_report = post(leader, f"{URL}/instructions", {"report": report.pk, "text": "数据要核实"}).json()
    assert on_report["report"] == report.pk
    on_item = post(
        leader, f"{URL}/instructions", {"item": item.pk, "text": "月底前办结", "deadline": "2025-07-31"}
    )
    assert on_item.json()["parent"] == item.pk and on_item.json()["deadline"] == "2025-07-31"
    # the instruction shows in the reporter's list as the page would show it
    mine = client_for(people["reporter_a"]).get(URL).json()["items"]
    assert made["id"] in [i["id"] for i in mine]
    response = post(
        client_for(people["reporter_a"]), f"{URL}/instructions", {"task": task(TASK_A).pk, "text": "x"}
    )
    assert response.status_code == 403 and response.json()["error"] == "单位填报员不能作出批示"
    response = post(leader, f"{URL}/instructions", {"task": task(TASK_A).pk, "item": item.pk, "text": "x"})
    assert response.status_code == 400 and "只指定一个" in response.json()["error"]


def test_the_coordinator_assigns_an_item_with_chinese_errors_for_bad_input(people, today, client_for):
    coordinator = client_for(people["coordinator"])
    fields = {"content": "营商环境投诉未及时回复", "lead_unit": "县政务服务中心", "deadline": "2025-07-30",
              "source": "public", "campaign": "附件1", "cooperating_units": ["县发改局"]}  # fmt: skip
    response = post(coordinator, URL, fields)
    assert response.status_code == 201
    body = response.json()
    assert body["cooperating_units"] == ["县发改局"] and body["campaign"] == "附件1"
    assert body["steps"][0]["actor"] == "coordinator"
    count = SupervisionItem.objects.count()
    response = post(coordinator, URL, {**fields, "lead_unit": "县外星局"})
    assert response.status_code == 400 and "找不到单位“县外星局”" in response.json()["error"]
    response = post(coordinator, URL, {**fields, "deadline": "2025-07-01"})
    assert response.status_code == 400 and response.json()["error"] == "办理时限 2025-07-01 早于今天"
    response = post(coordinator, URL, {**fields, "source": "gossip"})
    assert response.status_code == 400 and "source" in response.json()["error"]
    assert post(client_for(people["reporter_b"]), URL, fields).status_code == 403
    assert SupervisionItem.objects.count() == count


def test_evidence_is_listed_and_downloaded_only_by_those_who_see_the_item(people, item, client_for):
    from django.core.files.uploadedfile import SimpleUploadedFile

    reporter = client_for(people["reporter_b"])
    step(reporter, item.pk, "accept")
    response = step(reporter, item.pk, "feedback", "已整改", [SimpleUploadedFile("病毒.exe", b"MZ")])
    assert response.status_code == 400 and "病毒.exe" in response.json()["error"]
    assert reporter.get(f"{URL}/{item.pk}").json()["state"] == "in_progress"
    step(reporter, item.pk, "feedback", "已整改", [SimpleUploadedFile(EVIDENCE.name, EVIDENCE.content)])
    files = reporter.get(f"{URL}/{item.pk}/evidence").json()
    assert [(f["name"], f["size"]) for f in files] == [(EVIDENCE.name, len(EVIDENCE.content))]
    response = client_for(people["verifier"]).get(files[0]["url"])
    assert response.status_code == 200 and b"".join(response.streaming_content) == EVIDENCE.content
    assert client_for(people["reporter_a"]).get(files[0]["url"]).status_code == 404
    assert client_for(people["reporter_a"]).get(f"{URL}/{item.pk}/evidence").status_code == 404
    assert reporter.get(f"{URL}/{item.pk}/evidence/999999").status_code == 404


def test_if_match_mismatch_is_412_and_nothing_written(people, item, client_for):
    reporter = client_for(people["reporter_b"])
    response = reporter.get(f"{URL}/{item.pk}")
    etag = response["ETag"]
    stale = '"2000-01-01T00:00:00.000000+00:00"'
    response = step(reporter, item.pk, "accept", **{"If-Match": stale})
    assert response.status_code == 412 and "If-Match 与当前版本不符" in response.json()["error"]
    assert SupervisionItem.objects.get(pk=item.pk).state == ItemState.ASSIGNED
    response = step(reporter, item.pk, "accept", **{"If-Match": etag})
    assert response.status_code == 200 and response["ETag"] != etag
    response = step(reporter, item.pk, "feedback", "已办", **{"If-Match": etag})
    assert response.status_code == 412


def test_the_coordinator_escalates(people, item, client_for):
    body = post(
        client_for(people["coordinator"]), f"{URL}/{item.pk}/escalate", {"reason": "逾期未签收"}
    ).json()
    assert body["level"] == "key" and body["steps"][-1]["action"] == "escalate"
    response = post(client_for(people["verifier"]), f"{URL}/{item.pk}/escalate", {"reason": "x"})
    assert response.status_code == 403


def test_filters(people, item, client_for):
    leader = client_for(people["leader"])
    assert leader.get(URL, {"level": "listed"}).json()["items"] == []
    assert [i["id"] for i in leader.get(URL, {"lead_unit": "县发改局"}).json()["items"]] == [item.pk]
    assert leader.get(URL, {"overdue": "true"}).json()["items"] == []
    assert [i["id"] for i in leader.get(URL, {"q": "污水"}).json()["items"]] == [item.pk]
    response = leader.get(URL, {"state": "lost"})
    assert response.status_code == 400 and "state" in response.json()["error"]


def test_pagination_walks_every_item_once(people, today, client_for):
    coordinator = actor_for(people["coordinator"])
    unit = Unit.objects.get(name="县发改局")
    made = {
        create_item(coordinator, content=f"事项{n}", lead_unit=unit, deadline=today.replace(day=20 + n % 5),
                    source=Source.SPECIAL).pk
        for n in range(23)
    }  # fmt: skip
    client, seen, cursor = client_for(people["reporter_b"]), [], None
    while True:
        body = client.get(URL, {"limit": 5, **({"cursor": cursor} if cursor else {})}).json()
        seen += [i["id"] for i in body["items"]]
        cursor = body["next_cursor"]
        if not cursor:
            break
    assert len(seen) == len(set(seen)) == 23 and set(seen) == made
    response = client.get(URL, {"cursor": "not-a-cursor"})
    assert response.status_code == 400 and "cursor" in response.json()["error"]


def test_the_coordinator_checks_and_closes_another_units_item(people, item, client_for):
    from django.core.files.uploadedfile import SimpleUploadedFile

    reporter, coordinator = client_for(people["reporter_b"]), client_for(people["coordinator"])
    step(reporter, item.pk, "accept")
    step(reporter, item.pk, "feedback", "已整改", [SimpleUploadedFile(EVIDENCE.name, EVIDENCE.content)])
    assert coordinator.get(f"{URL}/{item.pk}").json()["actions"] == ["check"]
    assert step(coordinator, item.pk, "check").json()["actions"] == ["close", "return"]
    closed = step(coordinator, item.pk, "close", "核查属实").json()
    assert closed["state"] == "closed" and closed["steps"][-1]["actor"] == "coordinator"
    assert "已办结（销号）" in coordinator.get(f"/supervision/{item.pk}/").content.decode()
