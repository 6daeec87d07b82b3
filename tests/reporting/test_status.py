"""序时进度 and the lights, as plain functions (the worked example of status.py)."""

import datetime as dt
from decimal import Decimal as D

import pytest

from luoshi.reporting.status import (
    Status,
    Thresholds,
    calendar_year_share,
    expected_progress,
    target_status,
    task_light,
    task_status,
)

START = dt.date(2025, 4, 27)
DEADLINE = dt.date(2025, 12, 31)
MID_JULY = dt.date(2025, 7, 15)


def light(progress, **kw):
    facts = dict(
        progress=None if progress is None else D(progress),
        expected=expected_progress(START, DEADLINE, MID_JULY),
        deadline=DEADLINE,
        as_of=MID_JULY,
        done_accepted=False,
        missing_due_report=False,
    )
    facts.update(kw)
    return task_status(**facts)


def test_expected_progress_is_the_share_of_time_elapsed():
    assert expected_progress(START, DEADLINE, MID_JULY) == D("31.9")  # 79 of 248 days
    assert expected_progress(START, DEADLINE, START) == 0
    assert expected_progress(START, DEADLINE, dt.date(2026, 1, 5)) == 100


@pytest.mark.parametrize(
    ("progress", "status"),
    [
        ("25", Status.ON_TRACK),
        ("21.9", Status.ON_TRACK),
        ("15", Status.LAGGING),
        ("6.9", Status.LAGGING),
        ("5", Status.SERIOUS),
    ],
)
def test_light_by_points_behind_expected(progress, status):
    assert light(progress) == status


def test_thresholds_are_configurable():
    assert light("15", thresholds=Thresholds(D(20), D(30))) == Status.ON_TRACK


def test_done_only_when_accepted_at_100():
    assert light("100", done_accepted=True) == Status.DONE
    assert light("100") == Status.ON_TRACK


def test_missing_latest_due_report_is_not_reported():
    assert light("50", missing_due_report=True) == Status.NOT_REPORTED


def test_past_deadline_and_not_done_is_seriously_lagging():
    assert light("90", as_of=dt.date(2026, 1, 2), expected=D(100)) == Status.SERIOUS


def test_overdue_milestone_makes_an_on_track_task_lagging():
    assert light("60", overdue_milestones=1) == Status.LAGGING


def why(progress, **kw):
    """The reason in words that comes with the light."""
    facts = dict(
        progress=None if progress is None else D(progress),
        expected=expected_progress(START, DEADLINE, MID_JULY),
        deadline=DEADLINE,
        as_of=MID_JULY,
        done_accepted=False,
        missing_due_report=False,
    )
    facts.update(kw)
    return task_light(**facts)


def test_each_light_comes_with_its_reason_in_words():
    assert why("48") == (Status.ON_TRACK, "进度48%，不低于序时进度31.9%")
    assert why("25") == (Status.ON_TRACK, "进度25%，低于序时进度31.9%不足10个百分点")
    assert why("15") == (Status.LAGGING, "进度15%，低于序时进度10个百分点以上")
    assert why("5") == (Status.SERIOUS, "进度5%，低于序时进度25个百分点以上")
    assert why("15", thresholds=Thresholds(D(12), D(30))).reason == "进度15%，低于序时进度12个百分点以上"
    assert why("50", missing_due_report=True, due_label="2025年7月上旬") == (
        Status.NOT_REPORTED,
        "2025年7月上旬未报送",
    )
    assert why("100", done_accepted=True).status == Status.DONE
    assert why(None, anything_due=False).status == Status.NOT_STARTED
    late = why("90", as_of=dt.date(2026, 1, 2), expected=D(100))
    assert late == (Status.SERIOUS, "应于2025年12月31日完成，已逾期未完成（进度90%）")


def test_an_overdue_milestone_is_named_in_the_reason():
    milestone = ("完成选址", dt.date(2025, 6, 30))
    assert why("48", overdue_milestones=1, first_overdue=milestone) == (
        Status.LAGGING,
        "节点「完成选址」应于6月30日完成，尚未完成",
    )
    both = why("15", overdue_milestones=2, first_overdue=milestone)
    assert both.status == Status.LAGGING
    assert (
        both.reason
        == "进度15%，低于序时进度10个百分点以上；节点「完成选址」应于6月30日完成，尚未完成（逾期节点共2个）"
    )


def test_the_calendar_year_is_not_time_elapsed_of_a_plan_from_april():
    assert calendar_year_share(2025, MID_JULY) == D("53.6")
    assert expected_progress(START, DEADLINE, MID_JULY) == D("31.9")


def test_cumulative_target_is_judged_against_time_elapsed():
    # 新增企业10家, half the year gone, 4 reached: 40 % against 50 % expected → on track
    status, attainment, expected = target_status(
        op=">=", value=D(10), unit="家", subject="新增规模工业企业", actual=D(4), elapsed=D(50)
    )
    assert (status, attainment, expected) == (Status.ON_TRACK, D("40.0"), D(50))
    status, *_ = target_status(
        op=">=", value=D(10), unit="家", subject="新增规模工业企业", actual=D(2), elapsed=D(50)
    )
    assert status == Status.SERIOUS


def test_rate_target_is_judged_against_the_target_itself():
    # 增长6%: 5.2 % is 86.7 % of the target whatever the date
    status, attainment, expected = target_status(
        op=">=", value=D(6), unit="%", subject="社零额增长", actual=D("5.2"), elapsed=D(10)
    )
    assert expected == 100 and attainment == D("86.7") and status == Status.LAGGING


def test_ceiling_target_met_below_it():
    status, attainment, _ = target_status(
        op="<=", value=D("13.8"), unit="%", subject="物流费用占比", actual=D("13.5"), elapsed=D(50)
    )
    assert status == Status.DONE and attainment == 100
