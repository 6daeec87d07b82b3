"""/api/v1/periods: the plan's periods with their due dates, the period of a date, and a
unit's due list as its 工作台 shows it."""

import pytest

from tests.api.helpers import post, walk
from tests.web.helpers import PERIOD, TASK_A, task

pytestmark = pytest.mark.django_db


def test_the_years_dekads_walk_in_order_with_due_dates(personas, today, client_for):
    client = client_for(personas["reporter_a"])
    seen, count, _ = walk(client, "/api/v1/periods", limit=10)
    assert count == 36 and len({p["key"] for p in seen}) == 36
    july = next(p for p in seen if p["key"] == PERIOD)
    assert (july["label"], july["start"], july["end"], july["due"]) == (
        "2025年7月上旬",
        "2025-07-01",
        "2025-07-10",
        "2025-07-11",  # ends Thu 10 July: due the next working day
    )
    assert client.get("/api/v1/periods", {"cadence": "month"}).json()["count"] == 12
    response = client.get("/api/v1/periods", {"cadence": "daily"})
    assert response.status_code == 400 and "cadence" in response.json()["error"]


def test_the_current_period_and_the_one_last_due(personas, today, client_for):
    body = client_for(personas["leader"]).get("/api/v1/periods/current").json()
    assert body["open"]["key"] == "2025-07-2" and body["reporting"]["key"] == PERIOD
    # on 10 July 7月上旬 (due Fri 11 July) is not yet due: the last due is 6月下旬
    earlier = client_for(personas["leader"]).get("/api/v1/periods/current", {"date": "2025-07-10"}).json()
    assert earlier["reporting"]["key"] == "2025-06-3"


def test_a_units_due_list_changes_when_it_reports(personas, today, client_for):
    client = client_for(personas["reporter_a"])
    before = client.get("/api/v1/periods/due").json()["items"]
    july = next(i for i in before if i["period"] == PERIOD)
    assert july["overdue"] is True and july["handed_in"] is False
    post(
        client,
        "/api/v1/reports",
        {
            "task": task(TASK_A).pk,
            "period": PERIOD,
            "progress": "30",
            "progress_text": "摸底",
            "submit": True,
        },
    )
    after = client.get("/api/v1/periods/due").json()["items"]
    assert PERIOD not in {i["period"] for i in after if i["overdue"]}


def test_another_units_due_list_is_404_for_a_reporter_and_open_to_the_coordinator(
    personas, today, client_for
):
    assert (
        client_for(personas["reporter_a"]).get("/api/v1/periods/due", {"unit": "县发改局"}).status_code == 404
    )
    body = client_for(personas["coordinator"]).get("/api/v1/periods/due", {"unit": "县发改局"}).json()
    assert body["count"] >= 2 and {i["section"] for i in body["items"]} == {"附件1/一/(一)", "附件1/一/(二)"}
    assert client_for(personas["leader"]).get("/api/v1/periods/due").status_code == 404
