"""The numbers a monthly bulletin states are the status engine's for the same dates."""

import dataclasses
import datetime as dt
import io
import json

import pytest
from django.core.management import call_command

from luoshi.bulletins.gather import month_span, parse_month
from luoshi.bulletins.monthly import MonthlyData, gather_monthly
from luoshi.bulletins.narrative import judgement, overview
from luoshi.reporting import engine
from luoshi.reporting.status import Status

from .conftest import APRIL_END, EMPTY_MONTH, LAGGING_REASON, MAY, MAY_END, TASK_B


@pytest.fixture
def may(reported):
    return gather_monthly(reported, MAY)


def test_summary_counts_equal_the_status_engine_as_of_the_month_end(reported, may):
    rollup = engine.plan_status(reported, MAY_END).rollup()
    assert may.as_of == MAY_END.isoformat()
    assert may.summary.total == rollup.total == 3
    assert may.summary.counts == {str(s): rollup.count(s) for s in may.summary.counts}
    assert may.summary.progress == float(rollup.progress)
    assert may.summary.expected == float(rollup.expected)
    assert may.summary.n(Status.ON_TRACK) == 1
    assert may.summary.n(Status.LAGGING) == 1
    assert may.summary.n(Status.NOT_REPORTED) == 1


def test_change_since_last_month_compares_with_the_previous_month_end(reported, may):
    before = engine.plan_status(reported, APRIL_END).rollup()
    assert may.previous_as_of == APRIL_END.isoformat()
    assert may.previous.n(Status.NOT_REPORTED) == before.count(Status.NOT_REPORTED) == 2
    assert may.delta(Status.LAGGING) == 1
    assert may.delta(Status.NOT_REPORTED) == -1


def test_numbers_equal_those_of_luoshi_status_json(reported, may):
    out = io.StringIO()
    call_command("status", "--as-of", MAY_END.isoformat(), "--json", stdout=out)
    out = json.loads(out.getvalue())
    assert out["as_of"] == may.as_of
    assert out["summary"]["tasks"] == may.summary.total
    assert out["summary"]["progress"] == may.summary.progress
    assert out["summary"]["expected"] == may.summary.expected
    assert {
        k: v for k, v in out["summary"]["counts"].items() if k in may.summary.counts
    } == may.summary.counts


def test_lagging_task_is_listed_with_its_unit_and_stated_reason(may):
    assert [(t.sid, t.unit, t.status) for t in may.lagging] == [(TASK_B, "县发改局", Status.LAGGING)]
    assert may.lagging[0].problems == LAGGING_REASON
    assert may.lagging[0].progress == 5.0


def test_reporting_covers_the_periods_due_in_the_month_judged_at_the_cut_off(may):
    # one cut-off: 5月下旬 is due on 2025-06-03 (after 端午), after May 31, so June's bulletin judges it
    assert [p.key for p in may.periods] == ["2025-04-3", "2025-05-1", "2025-05-2"]
    assert all(p.due_date <= may.as_of for p in may.periods)
    assert may.reporting_as_of == may.as_of == MAY_END.isoformat()
    late = {(r.period, r.unit) for r in may.late_units}
    assert late == {("2025-05-1", "县工信局")}
    missing = {(r.period, r.unit) for r in may.missing_units}
    assert ("2025-05-1", "县发改局") in missing
    assert ("2025-05-1", "县政务服务中心") in missing
    assert ("2025-05-2", "城关镇") in missing  # a cooperator files its own part
    assert ("2025-05-2", "县工信局") not in missing
    totals = may.reporting_totals
    assert ("2025-04-3", "县工信局") in missing
    assert totals["late"] == 1
    assert totals["submitted"] == 3  # 5月上旬 (late) and 中旬 of 县工信局, 中旬 of 县发改局


def test_reports_due_add_up_to_on_time_late_and_missing_in_numbers_and_words(may):
    totals = may.reporting_totals
    by_row = [(r.due, r.on_time + r.late + r.missing + r.pending) for r in may.reporting]
    assert all(due == counted for due, counted in by_row)
    assert totals["pending"] == 0  # the month's periods are all due by its cut-off
    assert totals["due"] == totals["on_time"] + totals["late"] + totals["missing"] > 0
    words = overview(may)
    assert (
        f"本月应报送进度报告{totals['due']}份（4月下旬至5月中旬），按时报送{totals['on_time']}份、"
        f"逾期报送{totals['late']}份、未报送{totals['missing']}份" in words
    )


def test_targets_carry_target_actual_attainment_and_status(reported, may):
    rows = {t.subject: t for t in may.targets}
    firms = rows["新增规模工业企业"]
    assert (firms.value, firms.actual, firms.attainment) == (10.0, 4.0, 40.0)
    engine_rows = {r.subject: r for r in engine.target_statuses(reported, MAY_END)}
    assert firms.status == str(engine_rows["新增规模工业企业"].status)
    assert rows["地区生产总值增长"].status == Status.NOT_REPORTED


def test_a_month_with_no_reports_is_flagged(reported):
    march = gather_monthly(reported, EMPTY_MONTH)
    assert march.no_reports
    assert march.reports_in_month == 0
    assert not gather_monthly(reported, MAY).no_reports


def test_the_first_month_of_reporting_compares_with_no_earlier_month(reported):
    # the plan is dated 10 March: on 28 February nothing was due yet
    nothing_due = gather_monthly(reported, EMPTY_MONTH).previous
    assert {nothing_due.n(Status.NOT_STARTED)} == {nothing_due.total} != {0}
    may = gather_monthly(reported, MAY)
    assert "滞后任务较上月末" in judgement(may) or "较上月末提高" in judgement(may)
    # May as if it were the first month (as the demo plan of 27 April is): no "较上月末"
    first_month = dataclasses.replace(may, previous=nothing_due)
    assert "较上月末" not in judgement(first_month)
    assert judgement(first_month).startswith("5月，")


def test_campaign_bulletin_counts_only_that_campaigns_tasks(reported):
    campaign = reported.parts.get(key="附件1")
    data = gather_monthly(reported, MAY, campaign)
    rollup = engine.plan_status(reported, MAY_END, campaign="附件1").rollup()
    assert data.summary.total == rollup.total
    assert data.campaign_title == "产业攻坚实施方案"
    assert all(t.campaign == "附件1" for t in data.targets)


def test_gathered_numbers_survive_json(may):
    again = MonthlyData.from_dict(json.loads(json.dumps(may.to_dict())))
    assert again == may
    assert again.campaigns[0].tasks[0].sid == may.campaigns[0].tasks[0].sid


def test_month_parsing_and_span():
    assert parse_month("2025-05") == MAY
    assert parse_month("2025年5月") == MAY
    assert month_span(dt.date(2024, 2, 15)) == (dt.date(2024, 2, 1), dt.date(2024, 2, 29))
    with pytest.raises(ValueError, match="无法识别的月份"):
        parse_month("2025-13")
