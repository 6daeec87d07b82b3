"""Queries per page on the cold path (the board's memo empty), on the demo's year: 116
tasks, thousands of reports, a review queue, bulletins and supervision items. Each limit is
a little above what the page takes today; a page that reads one row at a time (an N+1)
takes a hundred more and fails here. (As netbox pins its query counts.)"""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from luoshi.accounts.choices import Role
from luoshi.accounts.models import Profile
from luoshi.accounts.permissions import actor_for
from luoshi.demo.play import play_year
from luoshi.demo.seed import create_demo_users, load_demo_plan
from luoshi.plans.models import Task
from luoshi.reporting import board
from luoshi.supervision.services import instruct
from tests.web.helpers import JULY_15

# page → (who, most queries): a few above the count of today (December 2026). The
# office's workspace holds its campaigns' board, hence its count.
LIMITS = {
    "/": [(Role.REPORTER, 20), (Role.OFFICE, 43)],
    "/fill/": [(Role.REPORTER, 15)],
    "/review/": [(Role.HEAD, 13), (Role.OFFICE, 15)],
    "/tasks/": [(Role.LEADER, 25)],
    "/board/": [(Role.LEADER, 35)],
    "/bulletins/": [(Role.COORDINATOR, 16), (Role.OFFICE, 17)],
    "/supervision/": [(Role.COORDINATOR, 11)],
}


@pytest.fixture
def demo(today, client_for):
    plan = load_demo_plan().plan
    create_demo_users(plan)
    play_year(plan, JULY_15)
    users = {}
    for profile in Profile.objects.select_related("user", "unit").order_by("user__username"):
        # the busiest user of each role: the unit with the most tasks
        tasks = Task.objects.filter(task_units__unit=profile.unit).count() if profile.unit else 0
        best = users.get(profile.role)
        if best is None or tasks > best[0]:
            users[profile.role] = (tasks, profile.user)
    leader = users[Role.LEADER][1]
    for task in Task.objects.filter(plan=plan).order_by("section__order")[:12]:
        instruct(actor_for(leader), task, f"请抓紧推进{task.title[:10]}")
    coordinator = client_for(users[Role.COORDINATOR][1])
    for month in ("2025-05", "2025-06"):
        assert coordinator.post("/bulletins/", {"month": month}).status_code == 302
    return {role: user for role, (_tasks, user) in users.items()}


def test_main_pages_take_a_bounded_number_of_queries(demo, client_for):
    counts = {}
    for url, seen_by in LIMITS.items():
        for role, _limit in seen_by:
            client = client_for(demo[role])
            client.get(url)  # the session and the process's caches warm, as on a server
            board.clear_memo()  # the cold path: the board's figures worked out afresh
            with CaptureQueriesContext(connection) as queries:
                response = client.get(url)
            assert response.status_code == 200, (url, role)
            counts[url, role] = len(queries)
    limits = {(url, role): limit for url, seen_by in LIMITS.items() for role, limit in seen_by}
    over = {page: f"{count} > {limits[page]}" for page, count in counts.items() if count > limits[page]}
    assert not over, f"more queries than pinned: {over}; all counts: {counts}"
