"""/api/v1/tasks/{id}/milestones and /api/v1/milestones: the lead unit, the campaign's
office and the coordinator lay out a task's steps; the others read them or get 403/404."""

import pytest

from luoshi.reporting.models import Milestone
from tests.api.helpers import patch, post, walk
from tests.web.helpers import TASK_A, TASK_B, task

pytestmark = pytest.mark.django_db


def test_the_lead_unit_adds_renames_and_completes_a_step_and_the_task_shows_it(personas, today, client_for):
    client = client_for(personas["reporter_a"])
    task_id = task(TASK_A).pk
    response = post(
        client, f"/api/v1/tasks/{task_id}/milestones", {"title": "完成摸底", "due_date": "2025-08-31"}
    )
    assert response.status_code == 200
    step = response.json()
    response = patch(
        client,
        f"/api/v1/milestones/{step['id']}",
        {"title": "完成企业摸底"},
        **{"If-Match": response["ETag"]},
    )
    assert response.status_code == 200 and response.json()["title"] == "完成企业摸底"
    response = post(client, f"/api/v1/milestones/{step['id']}/complete", {"done_on": "2025-07-14"})
    assert response.json()["done"] is True and response.json()["done_on"] == "2025-07-14"
    shown = client.get(f"/api/v1/tasks/{task_id}").json()["milestones"]
    assert [(m["title"], m["done"]) for m in shown] == [("完成企业摸底", True)]


def test_a_cooperator_reads_the_steps_but_may_not_lay_them_out(personas, today, client_for):
    task_id = task(TASK_A).pk  # 县发改局 cooperates
    post(
        client_for(personas["office"]),
        f"/api/v1/tasks/{task_id}/milestones",
        {"title": "调度", "due_date": "2025-09-30"},
    )
    cooperator = client_for(personas["reporter_b"])
    assert cooperator.get(f"/api/v1/tasks/{task_id}/milestones").json()["count"] == 1
    response = post(
        cooperator, f"/api/v1/tasks/{task_id}/milestones", {"title": "x", "due_date": "2025-09-30"}
    )
    assert response.status_code == 403 and "牵头单位" in response.json()["error"]
    step = Milestone.objects.get()
    response = post(cooperator, f"/api/v1/milestones/{step.pk}/complete")
    assert response.status_code == 403 and not Milestone.objects.get().done


def test_another_units_task_and_its_steps_are_404(personas, today, client_for):
    post(
        client_for(personas["coordinator"]),
        f"/api/v1/tasks/{task(TASK_B).pk}/milestones",
        {"title": "开工", "due_date": "2025-10-31"},
    )
    step = Milestone.objects.get()
    outsider = client_for(personas["reporter_a"])  # 县工信局 has no part in (二)
    assert outsider.get(f"/api/v1/tasks/{task(TASK_B).pk}/milestones").status_code == 404
    assert outsider.get(f"/api/v1/milestones/{step.pk}").status_code == 404
    assert patch(outsider, f"/api/v1/milestones/{step.pk}", {"title": "改"}).status_code == 404


def test_a_step_after_the_deadline_or_without_a_name_is_400_with_nothing_written(personas, today, client_for):
    client = client_for(personas["coordinator"])
    task_id = task(TASK_A).pk  # deadline 2025-12-31
    response = post(
        client, f"/api/v1/tasks/{task_id}/milestones", {"title": "验收", "due_date": "2026-01-31"}
    )
    assert response.status_code == 400 and "晚于任务完成时限" in response.json()["error"]
    response = post(client, f"/api/v1/tasks/{task_id}/milestones", {"title": " ", "due_date": "2025-09-01"})
    assert response.status_code == 400 and "节点名称" in response.json()["error"]
    assert not Milestone.objects.exists()


def test_a_stale_if_match_on_a_step_is_412_and_nothing_changes(personas, today, client_for):
    client = client_for(personas["coordinator"])
    created = post(
        client, f"/api/v1/tasks/{task(TASK_A).pk}/milestones", {"title": "摸底", "due_date": "2025-08-31"}
    )
    step_id, etag = created.json()["id"], created["ETag"]
    assert patch(client, f"/api/v1/milestones/{step_id}", {"due_date": "2025-09-15"}).status_code == 200
    response = patch(client, f"/api/v1/milestones/{step_id}", {"title": "别的"}, **{"If-Match": etag})
    assert response.status_code == 412
    assert Milestone.objects.get().title == "摸底"


def test_reverse_scheduling_replaces_the_open_steps(personas, today, client_for):
    client = client_for(personas["reporter_a"])
    task_id = task(TASK_A).pk
    post(client, f"/api/v1/tasks/{task_id}/milestones", {"title": "旧节点", "due_date": "2025-08-01"})
    response = post(
        client, f"/api/v1/tasks/{task_id}/milestones/reverse-schedule", {"titles": ["方案", "实施", "验收"]}
    )
    assert response.status_code == 200 and [m["title"] for m in response.json()] == ["方案", "实施", "验收"]
    seen, count, _ = walk(client, f"/api/v1/tasks/{task_id}/milestones", limit=2)
    assert [m["title"] for m in seen] == ["方案", "实施", "验收"] and count == 3
    assert seen[-1]["due_date"] <= "2025-12-31"
