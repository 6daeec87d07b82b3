"""Reporting starts with the first full period of a task's time (自印发之日起): a period
that began before the plan (or the task) did is nobody's to report; a task whose whole
time lies inside one period reports for that period. ``Schedule.task_spans`` is the one
rule: the lights, the 工作台, completeness, reminders, the template and the bulletin follow it."""

import datetime as dt
import json

import pytest

from luoshi.accounts.permissions import SYSTEM, Actor
from luoshi.cli import main as luoshi
from luoshi.plans.models import Plan
from luoshi.plans.services import import_plan
from luoshi.reporting.due import due_items
from luoshi.reporting.engine import completeness, plan_status
from luoshi.reporting.excel.gather import gather_template
from luoshi.reporting.models import ReportingPolicy
from luoshi.reporting.policy import Schedule
from luoshi.reporting.reminders import due_reminders
from luoshi.reporting.services import ReportingError, period_for
from luoshi.reporting.status import Status
from tests.clock import at, travel_to
from tests.plans.factories import make_plan

from .helpers import task, unit

APRIL_27 = dt.date(2025, 4, 27)  # a Sunday (a 调休 working day), the seed plan's date
MAY_9 = dt.date(2025, 5, 9)


def keys(spans) -> list[str]:
    return [s.key for s in spans]


def schedule(date=APRIL_27) -> Schedule:
    return Schedule(
        Plan(title="方案", year=2025, date=date), ReportingPolicy(organisation_id=0, cadence="dekad")
    )


def test_a_plan_issued_on_27_april_reports_from_the_first_dekad_of_may():
    spans = keys(schedule().plan_spans("dekad"))
    assert spans[0] == "2025-05-1" and "2025-04-3" not in spans
    assert spans[-1] == "2025-12-3" and len(spans) == 24


def test_the_period_of_the_start_is_reported_when_at_least_half_of_it_remains():
    assert keys(schedule(dt.date(2025, 5, 1)).plan_spans("dekad"))[0] == "2025-05-1"
    # 6–10 May is half of 5月上旬: reported; from the 7th less than half remains
    assert keys(schedule(dt.date(2025, 5, 6)).plan_spans("dekad"))[0] == "2025-05-1"
    assert keys(schedule(dt.date(2025, 5, 7)).plan_spans("dekad"))[0] == "2025-05-2"
    # 21–31 May has eleven days: from the 26th six remain
    assert keys(schedule(dt.date(2025, 5, 26)).plan_spans("dekad"))[0] == "2025-05-3"
    assert keys(schedule(dt.date(2025, 5, 27)).plan_spans("dekad"))[0] == "2025-06-1"


def test_a_task_reports_until_the_period_its_deadline_falls_in():
    spans = schedule().task_spans("dekad", dt.date(2025, 5, 1), dt.date(2025, 5, 15))
    assert keys(spans) == ["2025-05-1", "2025-05-2"]


def test_a_task_inside_one_period_reports_for_that_period():
    # 3–8 May: no period begins in it, so it reports for 5月上旬, the one it lies in
    assert keys(schedule().task_spans("dekad", dt.date(2025, 5, 3), dt.date(2025, 5, 8))) == ["2025-05-1"]
    # reported by the year: the plan's time lies inside 2025
    assert keys(schedule().plan_spans("year")) == ["2025"]


def test_longer_cadences_follow_the_same_rule():
    # two of the second quarter's three months remain after 27 April: it is reported on
    assert keys(schedule().plan_spans("quarter")) == ["2025Q2", "2025Q3", "2025Q4"]
    # of April, four days remain: the first monthly report is for May
    assert keys(schedule().plan_spans("month"))[0] == "2025-05"
    # weeks: W18 is 28 April – 4 May, the first week to begin after the 27th
    assert keys(schedule().plan_spans("week"))[0] == "2025-W18"


def test_reports_on_agrees_with_task_spans():
    plan_schedule = schedule()
    spans = plan_schedule.plan_spans("dekad")
    for span in plan_schedule.spans("dekad"):
        assert plan_schedule.reports_on(span, APRIL_27, dt.date(2025, 12, 31)) == (span in spans)


def test_the_schedule_states_the_rule_with_the_plans_first_period():
    text = schedule().rule_text()
    assert "自方案印发之日（4月27日）起开始报送（本方案为2025年5月上旬）" in text
    assert "剩余时间不少于半个周期的当期报送，不足半个周期的自下一周期开始报送" in text
    assert "任务全部时间不足一个完整周期的，报送其所在周期" in text


# ---------------------------------------------------------------- what users see


@pytest.fixture
def april_plan(db):
    """The small test plan, issued on 27 April."""
    return import_plan(SYSTEM, make_plan(date=APRIL_27.isoformat())).plan


def test_on_9_may_nothing_is_overdue_and_the_first_period_is_may(april_plan):
    travel_to(MAY_9)
    reporter = Actor(user="reporter", role="reporter", unit_id=unit("县发改局").pk)
    items = due_items(reporter, april_plan, MAY_9)
    assert len(items) == 2  # it leads (二) and cooperates on (一)
    assert items and {i.span.key for i in items} == {"2025-05-1"}
    assert not any(i.overdue for i in items)
    assert {i.due for i in items} == {dt.date(2025, 5, 12)}  # USERS.md: 5月12日（周一）


def test_no_task_is_missing_a_report_before_the_first_due_date(april_plan):
    rows = plan_status(april_plan, MAY_9).rows
    assert {row.status for row in rows} == {Status.NOT_STARTED}
    assert all(row.missing_units == () and row.latest_period is None for row in rows)


def test_completeness_of_the_period_before_the_plan_has_nothing_due(april_plan):
    _span, _due, rows = completeness(april_plan, "2025-04-3", MAY_9)
    assert rows == []
    _span, _due, rows = completeness(april_plan, "2025-05-1", MAY_9)
    assert sum(r.due for r in rows) == 6  # every unit on the three tasks, 县直有关单位 aside


def test_nobody_is_chased_for_the_period_before_the_plan(april_plan):
    planned, problems = due_reminders(at(dt.date(2025, 5, 7), 9), [april_plan])
    assert problems == [] and [p for p in planned if p.span.key == "2025-04-3"] == []


def test_a_report_for_the_period_before_the_plan_is_refused_with_the_first_period(april_plan):
    with pytest.raises(
        ReportingError, match="不报送 2025年4月下旬.*自第一个完整周期（2025年5月上旬）开始报送"
    ):
        period_for(task("附件1/一/(一)"), "2025-04-3")
    assert period_for(task("附件1/一/(一)"), "2025-05-1").key == "2025-05-1"


def test_the_excel_template_of_the_period_before_the_plan_has_no_tasks(april_plan):
    travel_to(MAY_9)
    with pytest.raises(ReportingError, match="在 2025年4月下旬 没有需要填报的任务"):
        gather_template(april_plan, unit("县工信局"), "2025-04-3")
    assert len(gather_template(april_plan, unit("县工信局"), "2025-05-1").tasks) == 1


def test_periods_command_marks_the_periods_the_plan_does_not_report(april_plan, capsys):
    assert luoshi(["periods", "--json"]) == 0
    reported = {p["key"]: p["reported"] for p in json.loads(capsys.readouterr().out)}
    assert reported["2025-04-3"] is False and reported["2025-05-1"] is True
    assert luoshi(["schedule"]) == 0
    assert "本方案为2025年5月上旬" in capsys.readouterr().out
