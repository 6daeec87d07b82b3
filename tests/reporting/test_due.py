"""What a unit has to report and when (``reporting.due``): the period due next and the
periods past due and not handed in, overdue first."""

import pytest

from luoshi.accounts.permissions import actor_for
from luoshi.reporting.due import due_items
from tests.web.helpers import JULY_15, PERIOD, TASK_A, submitted

pytestmark = pytest.mark.django_db


def test_a_period_past_its_due_date_is_overdue_until_handed_in(personas, plan, today):
    actor = actor_for(personas["reporter_a"])
    first = [i for i in due_items(actor, plan, JULY_15) if i.task.section.sid == TASK_A]
    late = next(i for i in first if i.span.key == PERIOD)
    assert late.overdue and late.days_left == -1 and late.is_lead  # due Monday 14 July
    assert first[0].overdue  # overdue first
    submitted(personas["reporter_a"])
    keys = {(i.task.section.sid, i.span.key) for i in due_items(actor, plan, JULY_15)}
    assert (TASK_A, PERIOD) not in keys  # handed in: no longer listed


def test_nothing_is_due_for_an_actor_without_a_unit(personas, plan):
    assert due_items(actor_for(personas["leader"]), plan, JULY_15) == []
