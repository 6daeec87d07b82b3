"""/api/v1/status as of a date, per plan, campaign and unit: the battle map's numbers,
with the reporting completeness of the period last due."""

import pytest

from tests.api.helpers import walk
from tests.web.helpers import submitted

pytestmark = pytest.mark.django_db


def test_completeness_counts_the_report_handed_in(personas, today, client_for):
    leader = client_for(personas["leader"])
    before = leader.get("/api/v1/status", {"date": "2025-07-15"}).json()
    assert before["period"] == "2025年7月上旬" and before["completeness"]["on_time"] == 0
    due = before["completeness"]["due"]
    assert due >= 3 and before["completeness"]["missing"] == due
    submitted(personas["reporter_a"])  # on the 15th, after the due date (Fri 11 July)
    after = leader.get("/api/v1/status", {"date": "2025-07-15"}).json()["completeness"]
    assert after["late"] == 1 and after["missing"] == due - 1


def test_the_date_moves_the_numbers(personas, today, client_for):
    leader = client_for(personas["leader"])
    march = leader.get("/api/v1/status", {"date": "2025-03-01"}).json()
    july = leader.get("/api/v1/status", {"date": "2025-07-15"}).json()
    assert march["overall"]["expected"] < july["overall"]["expected"]
    assert march["period"] != july["period"]
    assert leader.get("/api/v1/status", {"date": "2025-13-01"}).status_code == 400
    response = leader.get("/api/v1/status", {"date": "9999-12-31"})
    assert response.status_code == 400 and "超出范围" in response.json()["error"]


def test_units_are_ranked_and_a_reporter_sees_its_tasks_units_only(personas, today, client_for):
    submitted(personas["reporter_a"])
    leader = client_for(personas["leader"])
    seen, count, _ = walk(leader, "/api/v1/status/units", {"date": "2025-07-15"}, limit=1)
    assert [u["rank"] for u in seen] == list(range(1, count + 1))
    gx = next(u for u in seen if u["unit"] == "县工信局")
    assert gx["late"] == 1 and gx["missing"] == 0
    assert leader.get("/api/v1/status/units", {"unit": "县工信局"}).json()["count"] == 1
    mine = client_for(personas["reporter_a"]).get("/api/v1/status/units").json()
    assert {u["unit"] for u in mine["items"]} <= {"县工信局", "县发改局", "城关镇"}


def test_status_per_campaign(personas, today, client_for):
    leader = client_for(personas["leader"])
    body = leader.get("/api/v1/status", {"campaign": "附件1"}).json()
    assert [c["key"] for c in body["campaigns"]] == ["附件1"] and body["overall"]["total"] == 3
    assert leader.get("/api/v1/status", {"campaign": "附件9"}).json()["overall"]["total"] == 0
