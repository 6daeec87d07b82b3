"""/api/v1/tasks and /api/v1/targets: the task list page's filters, scoped to what the
user may see, paginated; a target's actual values from the reports one may read."""

import pytest

from luoshi.accounts.permissions import actor_for
from luoshi.plans.models import Target
from luoshi.reporting import services
from tests.api.helpers import walk
from tests.web.helpers import TASK_A, TASK_B, TASK_C, submitted, task

pytestmark = pytest.mark.django_db


def sections(body):
    return [t["section"] for t in body["items"]]


def test_a_reporter_lists_only_its_units_tasks(personas, today, client_for):
    body = client_for(personas["reporter_a"]).get("/api/v1/tasks").json()
    assert sections(body) == [TASK_A] and body["count"] == 1
    assert client_for(personas["reporter_a"]).get(f"/api/v1/tasks/{task(TASK_C).pk}").status_code == 404


def test_filters_by_campaign_section_unit_light_and_lagging(personas, today, client_for):
    leader = client_for(personas["leader"])
    assert leader.get("/api/v1/tasks", {"campaign": "附件1"}).json()["count"] == 3
    assert leader.get("/api/v1/tasks", {"campaign": "附件9"}).json()["count"] == 0
    assert sections(leader.get("/api/v1/tasks", {"section": TASK_B}).json()) == [TASK_B]
    assert leader.get("/api/v1/tasks", {"section": "附件1/一"}).json()["count"] == 3
    # by an alias spelling of 县住建局(交通局), a cooperator of (二)
    assert sections(leader.get("/api/v1/tasks", {"unit": "县住建(交通)局"}).json()) == [TASK_B]
    assert leader.get("/api/v1/tasks", {"unit": "没有的单位"}).json()["count"] == 0
    lights = {t["section"]: t["status"] for t in leader.get("/api/v1/tasks").json()["items"]}
    lagging = [s for s, light in lights.items() if light in ("lagging", "serious")]
    assert sorted(sections(leader.get("/api/v1/tasks", {"lagging": "true"}).json())) == sorted(lagging)
    assert leader.get("/api/v1/tasks", {"lagging": "false"}).json()["count"] == 3 - len(lagging)
    status = next(iter(lights.values()))
    assert leader.get("/api/v1/tasks", {"status": status}).json()["count"] == list(lights.values()).count(
        status
    )
    response = leader.get("/api/v1/tasks", {"status": "purple"})
    assert response.status_code == 400 and "status" in response.json()["error"]


def test_the_light_follows_the_date_and_the_report(personas, today, client_for):
    leader = client_for(personas["leader"])
    before = leader.get("/api/v1/tasks", {"section": TASK_A}).json()["items"][0]
    assert before["progress"] is None
    submitted(personas["reporter_a"], progress="60")
    after = leader.get("/api/v1/tasks", {"section": TASK_A}).json()["items"][0]
    assert after["progress"] == 60.0 and after["latest_period"]
    early = leader.get("/api/v1/tasks", {"section": TASK_A, "date": "2025-03-01"}).json()["items"][0]
    assert early["expected"] < after["expected"]


def test_walking_the_task_list_gives_each_task_once(personas, today, client_for):
    seen, count, pages = walk(client_for(personas["coordinator"]), "/api/v1/tasks", limit=1)
    assert [t["section"] for t in seen] == [TASK_A, TASK_B, TASK_C] and count == 3 and pages == 3


def test_targets_with_actual_values_scoped_like_the_page(personas, today, client_for):
    target = Target.objects.get(subject="新增规模工业企业")
    report = submitted(personas["reporter_a"], values={target.pk: "4"})
    services.approve_report(actor_for(personas["head_a"]), report)
    services.accept_report(actor_for(personas["office"]), report)
    leader = client_for(personas["leader"])
    everything = leader.get("/api/v1/targets").json()
    assert everything["count"] == 3
    row = next(t for t in everything["items"] if t["target"] == target.pk)
    assert row["actual"] == 4.0 and row["value"] == 10.0
    mine = client_for(personas["reporter_a"]).get("/api/v1/targets").json()
    assert {t["subject"] for t in mine["items"]} <= {"新增规模工业企业", "实施重点项目"}
    values = leader.get(f"/api/v1/targets/{target.pk}/values").json()
    assert [(v["value"], v["reporting_unit"], v["period"]) for v in values["items"]] == [
        (4.0, "县工信局", "2025-07-1")
    ]
    outsider_target = Target.objects.get(subject="地区生产总值增长")  # 正文: no task of 县工信局
    assert (
        client_for(personas["reporter_a"]).get(f"/api/v1/targets/{outsider_target.pk}/values").status_code
        == 404
    )
