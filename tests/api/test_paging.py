"""Cursor pagination (api/paging.py): a walk through a list by next_cursor gives every row
once, in the list's order, even when rows are added between two pages."""

import pytest

from tests.api.helpers import walk
from tests.web.helpers import TASK_A, TASK_B, draft

pytestmark = pytest.mark.django_db

PERIODS = ["2025-05-1", "2025-05-2", "2025-05-3", "2025-06-1", "2025-06-2", "2025-06-3", "2025-07-1"]


@pytest.fixture
def many_reports(personas, today):
    for period in PERIODS:
        draft(personas["reporter_a"], TASK_A, period=period)
        draft(personas["reporter_b"], TASK_B, period=period)
        draft(personas["reporter_b"], TASK_A, period=period)  # 县发改局 cooperates on (一)


def test_a_walk_by_cursor_gives_every_report_once_in_order(personas, many_reports, client_for):
    client = client_for(personas["leader"])
    whole = client.get("/api/v1/reports", {"limit": 500}).json()
    assert whole["count"] == 21 and whole["next_cursor"] is None and len(whole["items"]) == 21
    seen, count, pages = walk(client, "/api/v1/reports", limit=2)
    assert [r["id"] for r in seen] == [r["id"] for r in whole["items"]]
    assert count == 21 and pages == 11
    assert [r["period"] for r in seen] == sorted(r["period"] for r in seen)


def test_a_row_added_between_pages_neither_repeats_nor_hides_the_others(personas, many_reports, client_for):
    client = client_for(personas["leader"])
    first = client.get("/api/v1/reports", {"limit": 5}).json()
    draft(personas["reporter_a"], TASK_A, period="2025-04-1")  # sorts before the first page
    rest: list = []
    cursor = first["next_cursor"]
    while cursor:
        body = client.get("/api/v1/reports", {"limit": 5, "cursor": cursor}).json()
        rest += body["items"]
        cursor = body["next_cursor"]
    ids = [r["id"] for r in first["items"] + rest]
    assert len(ids) == len(set(ids)) == 21


def test_filters_narrow_the_walk_and_the_count(personas, many_reports, client_for):
    client = client_for(personas["leader"])
    seen, count, _ = walk(client, "/api/v1/reports", {"unit": "县发改局"}, limit=3)
    assert count == 14 and {r["unit"] for r in seen} == {"县发改局"} and len(seen) == 14
    mine, count, _ = walk(client_for(personas["reporter_a"]), "/api/v1/reports", limit=3)
    assert count == 7 and {r["unit"] for r in mine} == {"县工信局"}


def test_a_bad_cursor_or_limit_is_400_in_chinese(personas, many_reports, client_for):
    client = client_for(personas["leader"])
    for cursor in ("not-a-cursor", "eyJvIjoiMDAwMDAwMDAiLCJrIjpbMV19"):
        response = client.get("/api/v1/reports", {"cursor": cursor})
        assert response.status_code == 400 and "cursor" in response.json()["error"]
    response = client.get("/api/v1/reports", {"limit": 0})
    assert response.status_code == 400 and "limit" in response.json()["error"]
