"""What a unit has to report and when (``reporting.due``): the period due next and the
periods past due and not handed in, overdue first."""

import datetime as dt

import pytest

from luoshi.accounts.permissions import actor_for
from luoshi.reporting.due import due_items
from luoshi.reporting.periods import span_for_key
from luoshi.reporting.policy import Schedule, policy_for
from tests.web.helpers import JULY_15, PERIOD, TASK_A, submitted

pytestmark = pytest.mark.django_db


def test_a_period_past_its_due_date_is_overdue_until_handed_in(personas, plan, today):
    actor = actor_for(personas["reporter_a"])
    first = [i for i in due_items(actor, plan, JULY_15) if i.task.section.sid == TASK_A]
    late = next(i for i in first if i.span.key == PERIOD)
    assert late.overdue and late.days_left == -4 and late.is_lead  # 7月上旬 ends Thu 10 July: due Fri 11 July
    assert first[0].overdue  # overdue first
    submitted(personas["reporter_a"])
    keys = {(i.task.section.sid, i.span.key) for i in due_items(actor, plan, JULY_15)}
    assert (TASK_A, PERIOD) not in keys  # handed in: no longer listed


def test_nothing_is_due_for_an_actor_without_a_unit(personas, plan):
    assert due_items(actor_for(personas["leader"]), plan, JULY_15) == []


# ---------------------------------------------------------------- the default due date


def test_by_default_a_dekad_ending_on_saturday_is_due_the_following_monday(plan):
    schedule = Schedule.of(plan)
    assert schedule.policy.due_workdays == 1
    # USERS.md: 5月上旬 ends Sat 10 May; due "5月12日（周一）", the weekend skipped
    assert schedule.due(span_for_key("2025-05-1")) == dt.date(2025, 5, 12)
    assert schedule.due(span_for_key("2025-05-2")) == dt.date(2025, 5, 21)  # ends Tue 20 May


def test_by_default_the_due_date_is_the_first_working_day_after_the_holidays(plan):
    schedule = Schedule.of(plan)
    # 4月下旬 ends Wed 30 Apr; 劳动节 1–5 May: due Tue 6 May
    assert schedule.due(span_for_key("2025-04-3")) == dt.date(2025, 5, 6)
    # 9月下旬 ends Tue 30 Sep; 国庆/中秋 1–8 Oct: due Thu 9 Oct
    assert schedule.due(span_for_key("2025-09-3")) == dt.date(2025, 10, 9)
    # 10月上旬 ends Fri 10 Oct; Sat 11 Oct is a 调休 working day
    assert schedule.due(span_for_key("2025-10-1")) == dt.date(2025, 10, 11)


def test_a_site_that_chose_two_working_days_keeps_them(plan):
    policy = policy_for(plan)
    policy.due_workdays = 2
    policy.save()
    assert Schedule.of(plan).due(span_for_key("2025-05-1")) == dt.date(2025, 5, 13)
