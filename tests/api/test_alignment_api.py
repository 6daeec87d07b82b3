"""/api/v1 对标: suggestions listed per task, made, confirmed, rejected and set by hand
through the API, with the same rules as the page."""

import pytest

from luoshi.plans.choices import LinkState
from luoshi.plans.models import Task, TaskLink
from tests.api.helpers import post, send

pytestmark = pytest.mark.django_db


def test_suggest_list_confirm_and_correct(plan, personas, city_plan, today, client_for):
    client = client_for(personas["coordinator"])
    made = post(client, f"/api/v1/plans/{plan.pk}/alignment/suggest", {})
    assert made.status_code == 200, made.content
    assert made.json()["created"] == 9 and made.json()["upper_plan"] == city_plan.pk
    again = post(client, f"/api/v1/plans/{plan.pk}/alignment/suggest", {"upper": city_plan.pk}).json()
    assert again["created"] == 0 and TaskLink.objects.count() == 9

    listing = client.get(f"/api/v1/plans/{plan.pk}/alignment").json()
    assert listing["upper_plans"] == [city_plan.pk]
    rows = {t["section"]: t for t in listing["tasks"]}
    first = rows["附件1/一/(三)"]["links"][0]
    assert first["upper_section"] == "附件1/二/(四)" and first["state"] == "suggested" and first["score"] > 0
    assert "一网通办率达到95%" in first["upper_text"]

    confirmed = post(client, f"/api/v1/task-links/{first['id']}/confirm")
    assert confirmed.status_code == 200 and confirmed.json()["state"] == "confirmed"
    rejected = post(client, f"/api/v1/task-links/{rows['附件1/一/(一)']['links'][1]['id']}/reject")
    assert rejected.json()["state"] == "rejected"

    lower_id = rows["附件1/一/(二)"]["task"]
    housing = Task.objects.get(plan=city_plan, section__sid="附件1/二/(三)").pk
    set_ = send(
        client,
        "put",
        f"/api/v1/tasks/{lower_id}/alignment",
        {"upper_plan": city_plan.pk, "upper_task": housing},
    )
    assert set_.status_code == 200 and set_.json()["state"] == "已确认"
    none = send(
        client, "put", f"/api/v1/tasks/{lower_id}/alignment", {"upper_plan": city_plan.pk, "upper_task": None}
    )
    assert none.json()["state"] == "无对应"
    assert all(link["state"] == "rejected" for link in none.json()["links"])


def test_bad_requests_say_what_is_wrong_and_write_nothing(plan, personas, city_plan, today, client_for):
    client = client_for(personas["coordinator"])
    wrong = post(client, f"/api/v1/plans/{plan.pk}/alignment/suggest", {"upper": plan.pk})
    assert wrong.status_code == 400 and "不能对标" in wrong.json()["error"]
    lower_id = Task.objects.filter(plan=plan).first().pk
    own = Task.objects.filter(plan=plan).last().pk
    bad = send(
        client, "put", f"/api/v1/tasks/{lower_id}/alignment", {"upper_plan": city_plan.pk, "upper_task": own}
    )
    assert bad.status_code == 400 and "不在上级方案" in bad.json()["error"]
    assert not TaskLink.objects.exists()


def test_unit_users_and_the_city_may_not_decide(plan, personas, city_plan, today, client_for):
    post(client_for(personas["coordinator"]), f"/api/v1/plans/{plan.pk}/alignment/suggest", {})
    link = TaskLink.objects.order_by("pk").first()
    assert client_for(personas["reporter_a"]).get(f"/api/v1/plans/{plan.pk}/alignment").status_code == 403
    assert post(client_for(personas["head_a"]), f"/api/v1/task-links/{link.pk}/confirm").status_code in (
        403,
        404,
    )
    city = client_for(personas["city_coordinator"])
    assert city.get(f"/api/v1/plans/{plan.pk}/alignment").status_code == 200  # reads below
    assert post(city, f"/api/v1/task-links/{link.pk}/confirm").status_code == 403
    assert post(city, f"/api/v1/plans/{plan.pk}/alignment/suggest", {}).status_code == 403
    link.refresh_from_db()
    assert link.state == LinkState.SUGGESTED


def test_a_confirmed_alignment_makes_the_county_task_a_part_of_the_city_task(
    plan, personas, city_plan, today, client_for
):
    county = client_for(personas["coordinator"])
    post(county, f"/api/v1/plans/{plan.pk}/alignment/suggest", {})
    rows = {t["section"]: t for t in county.get(f"/api/v1/plans/{plan.pk}/alignment").json()["tasks"]}
    link = rows["附件1/一/(三)"]["links"][0]  # county 一网通办 → city 二/(四) 一网通办
    city = client_for(personas["city_coordinator"])
    parts = city.get(f"/api/v1/tasks/{link['upper_task']}/parts").json()["parts"]
    assert parts == []  # a suggestion drives nothing
    post(county, f"/api/v1/task-links/{link['id']}/confirm")
    parts = city.get(f"/api/v1/tasks/{link['upper_task']}/parts").json()["parts"]
    assert len(parts) == 1 and parts[0]["organisation"] == "本级"
    assert parts[0]["task"] == rows["附件1/一/(三)"]["task"]
