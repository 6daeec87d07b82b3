"""催办 through the notice machinery: before, on and after the deadline, each once; an
overdue item goes up one level, once."""

import datetime as dt

from luoshi.reporting.models import Message, Reminder
from luoshi.supervision.choices import Action, ItemState, Level
from luoshi.supervision.models import SupervisionItem
from luoshi.supervision.reminders import BEFORE, DUE_DAY, OVERDUE, plan_for, run_reminders

from .conftest import DEADLINE

# DEADLINE is Friday 23 May 2025
TWO_WORKDAYS_BEFORE = dt.date(2025, 5, 21)
THREE_WORKDAYS_BEFORE = dt.date(2025, 5, 20)
AFTER = dt.date(2025, 5, 26)


def test_plan_for_each_day_of_an_unsaved_item():
    item = SupervisionItem(pk=7, state=ItemState.IN_PROGRESS, deadline=DEADLINE, level=Level.NORMAL)
    assert plan_for(item, THREE_WORKDAYS_BEFORE) is None
    assert plan_for(item, TWO_WORKDAYS_BEFORE).step == BEFORE
    assert plan_for(item, DEADLINE).step == DUE_DAY
    assert plan_for(item, AFTER).key == "supervision:7:2025-05-23:overdue:normal"
    assert plan_for(item, AFTER).step == OVERDUE
    item.state = ItemState.CLOSED
    assert plan_for(item, AFTER) is None


def test_reminders_go_once_and_overdue_items_escalate_once(actors, make_item, people):
    item = make_item(ItemState.IN_PROGRESS)
    make_item(ItemState.CLOSED)  # closed: never reminded

    assert run_reminders(THREE_WORKDAYS_BEFORE).sent == []
    first = run_reminders(TWO_WORKDAYS_BEFORE)
    assert first.sent == [f"supervision:{item.pk}:2025-05-23:before"]
    assert run_reminders(TWO_WORKDAYS_BEFORE).sent == []
    assert Message.objects.filter(user=people["reporter_b"], subject__startswith="督办到期提醒").count() == 1

    assert len(run_reminders(DEADLINE).sent) == 1
    overdue = run_reminders(AFTER)
    assert overdue.escalated == [item.pk]
    item.refresh_from_db()
    assert item.level == Level.KEY
    assert overdue.sent == [f"supervision:{item.pk}:2025-05-23:overdue:key"]
    again = run_reminders(AFTER + dt.timedelta(days=1))
    assert again.escalated == [] and again.sent == [] and len(again.skipped) == 1
    assert item.transitions.filter(action=Action.ESCALATE).count() == 1
    notice = Reminder.objects.get(key=overdue.sent[0])
    assert notice.unit == item.lead_unit and "重点" in notice.subject
    told = set(Message.objects.filter(subject=notice.subject).values_list("user__username", flat=True))
    assert told == {"reporter_b", "head_b", "office"}
