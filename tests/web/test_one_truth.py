"""One date walked across every surface: the board, the 大屏, the public page, the
monthly bulletin's gathered figures, the API and ``luoshi status --json`` give the same
序时进度, the same lights and the same reasons in words, on the demo's year."""

import datetime as dt
import json
import os
from decimal import Decimal

import pytest
from django.db import connection

from luoshi.accounts.choices import Role
from luoshi.accounts.models import Profile
from luoshi.bulletins.monthly import gather_monthly
from luoshi.demo.play import play_year
from luoshi.demo.seed import create_demo_users, load_demo_plan
from luoshi.reporting import board
from luoshi.reporting.engine import plan_status
from luoshi.reporting.status import Status, calendar_year_share
from luoshi.web.models import Publication
from luoshi.web.templatetags.luoshi_web import pct
from tests.clock import travel_to
from tests.conftest import ON_POSTGRES

# the end of June: the monthly bulletin of June is judged as of this day, like the pages
DAY = dt.date(2025, 6, 30)


def _database_url() -> str:
    """The URL of the test database, for the command run as a subprocess."""
    name = connection.settings_dict["NAME"]
    if ON_POSTGRES:
        return os.environ["LUOSHI_TEST_DATABASE_URL"].rsplit("/", 1)[0] + "/" + name
    return f"sqlite:///{name}"


@pytest.fixture
def demo(transactional_db, client_for):
    travel_to(DAY)
    board.clear_memo()
    plan = load_demo_plan().plan
    create_demo_users(plan)
    play_year(plan, DAY)
    Publication.objects.create(series=plan.series, published=True)
    leader = Profile.objects.filter(role=Role.LEADER).select_related("user").first().user
    yield plan, client_for(leader)
    board.clear_memo()


def test_one_date_gives_the_same_figures_and_reasons_everywhere(demo, run_luoshi):
    plan, leader = demo
    truth = plan_status(plan, DAY)
    total = truth.rollup()
    expected = total.expected
    by_campaign = {key: roll.expected for key, roll in truth.by_campaign().items()}
    lights = {row.sid: (str(row.status), row.reason) for row in truth.rows}
    lagging = {row.sid: row.reason for row in truth.rows if row.status in (Status.LAGGING, Status.SERIOUS)}
    # the plan runs from 27 April: 序时进度 is not the calendar year's share
    assert expected != calendar_year_share(plan.year, DAY)
    assert all(reason for _status, reason in lights.values())
    assert lagging and any("低于序时进度" in reason for reason in lagging.values())

    # 挂图作战 and its 大屏
    for url in ("/board/", "/board/screen/"):
        response = leader.get(url)
        html = response.content.decode()
        shown = response.context["board"]
        assert shown.total.expected == expected, url
        assert {c.key: c.rollup.expected for c in shown.campaigns} == by_campaign, url
        assert pct(expected) in html, url
        for row in shown.lagging[:12]:  # the lagging table: each light with its reason
            assert row.reason == lagging[row.sid] and row.reason in html, (url, row.sid)

    # the public page: 序时进度 as inside; the calendar year only beside it, named
    response = leader.get("/public/")
    html = response.content.decode()
    public = response.context["plans"][0]
    assert public.expected == expected
    assert {c.key: c.rollup.expected for c in public.campaigns if c.rollup.total} == by_campaign
    assert f'序时进度 <b class="num">{pct(expected)}</b>' in html
    assert f"全年时间进度 {pct(calendar_year_share(plan.year, DAY))}" in html

    # the monthly bulletin of June, gathered as of its last day
    gathered = gather_monthly(plan, DAY.replace(day=1))
    assert Decimal(str(gathered.summary.expected)) == expected
    assert {
        c.key: Decimal(str(c.summary.expected)) for c in gathered.campaigns if c.summary.total
    } == by_campaign
    assert {t.sid: (t.status, t.reason) for c in gathered.campaigns for t in c.tasks} == lights

    # the API
    status = leader.get(f"/api/v1/status?as_of={DAY.isoformat()}").json()
    assert status["overall"]["expected"] == float(expected)
    assert {c["key"]: c["expected"] for c in status["campaigns"]} == {
        k: float(v) for k, v in by_campaign.items()
    }
    assert {t["section"]: t["reason"] for t in status["lagging_tasks"]} == lagging
    tasks = leader.get(f"/api/v1/tasks?as_of={DAY.isoformat()}&limit=500").json()
    assert {t["section"]: (t["status"], t["reason"]) for t in tasks["items"]} == lights

    # the command line, as a subprocess on the same database
    result = run_luoshi("status", "--json", "--as-of", DAY.isoformat(), database_url=_database_url())
    assert result.returncode == 0, result.stderr
    cli = json.loads(result.stdout)
    assert cli["summary"]["expected"] == float(expected)
    assert {t["section"]: (t["status"], t["reason"]) for t in cli["tasks"]} == lights
