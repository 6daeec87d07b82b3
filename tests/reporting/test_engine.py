"""Status, completeness and targets of a plan as of a date (统计截止日期)."""

import datetime as dt
import json
from decimal import Decimal

import pytest

from luoshi.accounts.permissions import SYSTEM
from luoshi.cli import main as luoshi
from luoshi.reporting.engine import completeness, plan_status, target_statuses
from luoshi.reporting.milestones import add_milestone
from luoshi.reporting.services import accept_report, approve_report, submit_report
from luoshi.reporting.status import Status
from tests.clock import travel_to

from .helpers import report, task

ONE, TWO, THREE = "附件1/一/(一)", "附件1/一/(二)", "附件1/一/(三)"
MAY_1ST_DEKAD_DUE = dt.date(2025, 5, 12)  # 5月上旬 ends Sat 10 May: the next working day
MAY_20 = dt.date(2025, 5, 20)


def submitted(sid, unit, period="2025-05-1", progress="40", when=dt.date(2025, 5, 12), **kw):
    travel_to(when)
    return submit_report(SYSTEM, report(sid, unit, period, progress, **kw))


def rows_by_sid(result):
    return {row.sid: row for row in result.rows}


@pytest.fixture
def may(plan):
    """县工信局 reports (一) on time at 30 %, 县发改局 reports (二) late at 5 %, nobody reports (三)."""
    submitted(ONE, "县工信局", progress="30", problems="用地指标未落实")
    submitted(TWO, "县发改局", progress="5", when=dt.date(2025, 5, 15), problems="资金未到位")
    return plan


def test_lights_as_of_a_date(may):
    rows = rows_by_sid(plan_status(may, MAY_20))
    # plan dated 2025-03-10; by 20 May 71 of 296 days to year end are gone: 24.0 % expected
    assert rows[ONE].expected == Decimal("24.0")
    assert rows[ONE].status == Status.ON_TRACK  # 30 %
    assert rows[TWO].status == Status.LAGGING  # 5 % vs 24 %: 19 points behind
    assert rows[TWO].problems == "资金未到位"
    assert rows[THREE].status == Status.NOT_REPORTED and rows[THREE].missing_units == ("县政务服务中心",)


def test_a_past_date_sees_only_what_was_reported_by_then(may):
    rows = rows_by_sid(plan_status(may, dt.date(2025, 5, 14)))
    assert rows[TWO].status == Status.NOT_REPORTED  # its report came on the 15th
    assert rows[ONE].status == Status.ON_TRACK


def test_before_the_first_due_date_nothing_is_missing(may):
    rows = rows_by_sid(plan_status(may, dt.date(2025, 3, 12)))
    assert rows[THREE].status == Status.NOT_STARTED


def test_period_end_is_a_date_to_ask_as_of(may):
    result = plan_status(may, dt.date(2025, 12, 1), period="2025-05-2")
    assert result.as_of == dt.date(2025, 5, 20)


def test_done_needs_100_percent_accepted_and_then_needs_no_more_reports(plan):
    travel_to(dt.date(2025, 5, 12))
    r = submitted(ONE, "县工信局", progress="100")
    assert rows_by_sid(plan_status(plan, dt.date(2025, 5, 13)))[ONE].status == Status.ON_TRACK
    accept_report(SYSTEM, approve_report(SYSTEM, r))
    assert rows_by_sid(plan_status(plan, dt.date(2025, 5, 13)))[ONE].status == Status.DONE
    assert rows_by_sid(plan_status(plan, dt.date(2025, 9, 1)))[ONE].status == Status.DONE


def test_overdue_milestone_turns_the_task_yellow(may):
    add_milestone(SYSTEM, task(ONE), "完成选址", dt.date(2025, 5, 15))
    assert rows_by_sid(plan_status(may, MAY_20))[ONE].status == Status.LAGGING


def test_rollups_by_campaign_and_unit(may):
    result = plan_status(may, MAY_20)
    total = result.rollup()
    assert (
        total.total,
        total.count(Status.ON_TRACK),
        total.count(Status.LAGGING),
        total.count(Status.NOT_REPORTED),
    ) == (3, 1, 1, 1)
    assert result.by_campaign()["附件1"].total == 3
    assert result.by_unit()["县发改局"].count(Status.LAGGING) == 1
    assert [row.sid for row in result.lagging()] == [TWO]


def test_completeness_counts_on_time_late_and_missing(may):
    span, due, rows = completeness(may, "2025-05-1", MAY_20)
    assert due == MAY_1ST_DEKAD_DUE
    by_unit = {row.unit: row for row in rows}
    assert (by_unit["县工信局"].due, by_unit["县工信局"].on_time) == (1, 1)
    # 县发改局 leads (二) (late) and cooperates on (一) (not filed)
    assert (by_unit["县发改局"].due, by_unit["县发改局"].late, by_unit["县发改局"].missing) == (2, 1, 1)
    assert by_unit["县政务服务中心"].missing == 1
    _, _, before_due = completeness(may, "2025-05-1", dt.date(2025, 5, 12))
    assert {row.unit: row.pending for row in before_due}["县政务服务中心"] == 1


def test_target_attainment_from_reported_values(plan):
    target = task(ONE).section.targets.get()
    submitted(ONE, "县工信局", target_values={target.pk: "4"})
    rows = {row.target_id: row for row in target_statuses(plan, MAY_20)}
    assert rows[target.pk].actual == 4 and rows[target.pk].attainment == Decimal("40.0")
    assert rows[target.pk].status == Status.ON_TRACK  # 40 % of the count with 24 % of the year gone


def test_status_command_json_matches_the_engine(may, capsys):
    assert luoshi(["status", "--as-of", "2025-05-20", "--json"]) == 0
    out = json.loads(capsys.readouterr().out)
    assert out["summary"]["counts"]["lagging"] == 1 and out["summary"]["tasks"] == 3
    row = next(r for r in out["tasks"] if r["section"] == TWO)
    assert (row["unit"], row["expected"], row["progress"], row["status"]) == (
        "县发改局",
        24.0,
        5.0,
        "lagging",
    )


def test_status_command_filters_by_unit_and_campaign(may, capsys):
    assert luoshi(["status", "--as-of", "2025-05-20", "--unit", "县发改局", "--json"]) == 0
    assert {r["section"] for r in json.loads(capsys.readouterr().out)["tasks"]} == {ONE, TWO}
    assert luoshi(["status", "--campaign", "附件9"]) == 1
    assert "没有攻坚" in capsys.readouterr().err
    assert luoshi(["status", "--unit", "不存在局"]) == 1


def test_periods_command_json(plan, capsys):
    assert luoshi(["periods", "--json"]) == 0
    periods = json.loads(capsys.readouterr().out)
    assert len(periods) == 36
    assert periods[26] == {
        "cadence": "dekad", "key": "2025-09-3", "label": "2025年9月下旬",
        "start": "2025-09-21", "end": "2025-09-30", "due": "2025-10-09", "reported": True,
    }  # fmt: skip  # 1–8 Oct are 国庆/中秋 holidays: due the first working day after them


def test_completeness_command(may, capsys):
    assert luoshi(["completeness", "--period", "2025-05-1", "--as-of", "2025-05-20", "--json"]) == 0
    out = json.loads(capsys.readouterr().out)
    assert out["period"]["due"] == MAY_1ST_DEKAD_DUE.isoformat()
    assert {u["unit"]: u["missing"] for u in out["units"]}["县政务服务中心"] == 1
    assert luoshi(["completeness", "--period", "五月"]) == 1
    assert "无法识别的周期" in capsys.readouterr().err


def test_schedule_command_sets_cadence_per_campaign_and_task(plan, capsys):
    assert luoshi(["schedule", "--campaign", "附件1", "--cadence", "month", "--due-workdays", "3"]) == 0
    assert luoshi(["schedule", "--task", THREE, "--cadence", "week"]) == 0
    result = rows_by_sid(plan_status(plan, MAY_20))
    assert result[ONE].cadence == "month" and result[THREE].cadence == "week"
    assert luoshi(["schedule", "--thresholds", "30,20"]) == 1
    assert "阈值" in capsys.readouterr().err


def test_reverse_schedule_puts_the_last_step_on_the_deadline(plan, capsys):
    assert luoshi(["milestones", THREE, "--reverse", "制定方案", "组织实施", "验收"]) == 0
    dates = [m.due_date for m in task(THREE).milestones.all()]
    assert dates[-1] == dt.date(2025, 6, 30) and dates == sorted(dates)
    assert all(d.weekday() < 5 for d in dates)


def test_units_silent_in_the_window_show_their_last_earlier_report(plan, monkeypatch):
    """As of 25 June the window starts with 2025年6月中旬; a unit silent there is looked up
    first in the periods just before it, then in all older ones: each way, and with or
    without DISTINCT ON, the same rows."""
    from django.db import connection

    from luoshi.reporting.engine import reports

    from .helpers import accepted

    submitted(ONE, "县工信局", "2025-04-1", "30", when=dt.date(2025, 4, 14))
    submitted(ONE, "县工信局", "2025-06-1", "50", when=dt.date(2025, 6, 12), problems="审批未完成")
    travel_to(dt.date(2025, 4, 23))
    accepted(TWO, "县发改局", "2025-04-2", "100")
    june_25 = dt.date(2025, 6, 25)

    def facts():
        return [
            (r.sid, r.progress, r.status, r.missing_units, r.problems, r.latest_period)
            for r in plan_status(plan, june_25).rows
        ]

    rows = {sid: rest for sid, *rest in facts()}
    assert rows[ONE] == [Decimal("50.0"), Status.NOT_REPORTED, ("县工信局",), "审批未完成", "2025-06-2"]
    assert rows[TWO][:3] == [Decimal("100.0"), Status.DONE, ("县发改局",)]  # done in April
    assert rows[THREE][:2] == [None, Status.NOT_REPORTED]
    expected = facts()
    monkeypatch.setattr(reports, "FALLBACK_STEP", dt.timedelta(0))  # all from the older ones
    assert facts() == expected
    monkeypatch.setattr(connection.features, "can_distinct_on_fields", False)
    assert facts() == expected
    monkeypatch.setattr(reports, "FALLBACK_STEP", dt.timedelta(days=15))
    assert facts() == expected


def test_a_reason_given_by_several_responsible_units_is_shown_once(plan):
    # 附件1/一/(一) without its lead: 县发改局 and 城关镇 both answer for it and report
    from luoshi.plans.models import TaskUnit

    TaskUnit.objects.filter(task=task(ONE), role="lead").delete()
    submitted(ONE, "县发改局", problems="资金未到位")
    submitted(ONE, "城关镇", problems="资金未到位")
    assert rows_by_sid(plan_status(plan, MAY_20))[ONE].problems == "资金未到位"
