"""催办: reminders on supervision items through the reporting notice machinery
(``reporting.notify.send_notice`` or ``queue_notice``, recorded once per key), and the once-only escalation of
overdue items (一般 → 重点 → 挂牌督办).

For every open item, as of ``today``:

* 到期提醒 — within ``BEFORE_WORKDAYS`` working days before the deadline, once per deadline,
  to the lead unit (reporter, head, its mailbox and group robot);
* 当日催办 — on the deadline itself, once, to the same;
* 逾期 — from the first day after the deadline: the item goes up one level (a history row,
  once per deadline), and the lead unit's head, the verifiers and the campaign office are
  told, once per deadline and level reached.

A moved deadline starts its reminders afresh. ``luoshi supervise remind`` runs it;
``luoshi tick`` may call ``run_reminders(today)`` as well: running twice sends nothing twice.
"""

import datetime as dt
from dataclasses import dataclass, field

from django.db import transaction

from luoshi.accounts.choices import Role
from luoshi.accounts.models import Profile
from luoshi.accounts.permissions import SYSTEM, Actor, users_of
from luoshi.core import clock
from luoshi.reporting.choices import ReminderKind
from luoshi.reporting.notify import send_notice
from luoshi.reporting.workdays import add_workdays, workdays_between

from .choices import OPEN_STATES, Action, Level, next_level
from .models import SupervisionItem
from .services import _record

BEFORE_WORKDAYS = 2

BEFORE, DUE_DAY, OVERDUE = "before", "due_day", "overdue"
KINDS = {
    BEFORE: ReminderKind.SUPERVISION_DUE,
    DUE_DAY: ReminderKind.SUPERVISION_URGE,
    OVERDUE: ReminderKind.SUPERVISION_OVERDUE,
}


@dataclass(frozen=True)
class Planned:
    """A reminder the planner wants sent: which item, which step, under which key."""

    item_id: int
    step: str
    key: str


def plan_for(item, today: dt.date, before_workdays: int = BEFORE_WORKDAYS) -> Planned | None:
    """The reminder an item is due for today, if any. Pure: reads ``pk``, ``state``,
    ``deadline`` and ``level`` of a (possibly unsaved) item."""
    if item.state not in OPEN_STATES:
        return None
    base = f"supervision:{item.pk}:{item.deadline.isoformat()}"
    if today > item.deadline:
        return Planned(item.pk, OVERDUE, f"{base}:overdue:{item.level}")
    if today == item.deadline:
        return Planned(item.pk, DUE_DAY, f"{base}:due_day")
    if 0 < workdays_between(today, item.deadline) <= before_workdays:
        return Planned(item.pk, BEFORE, f"{base}:before")
    return None


@dataclass
class RemindResult:
    """What one run did."""

    sent: list[str] = field(default_factory=list)  # keys claimed and delivered now
    skipped: list[str] = field(default_factory=list)  # keys claimed earlier
    escalated: list[int] = field(default_factory=list)  # items raised a level now


def _users(unit_ids, roles):
    return list(users_of(unit_ids, roles))


def _text(item: SupervisionItem, step: str, today: dt.date) -> tuple[str, str]:
    deadline = f"{item.deadline:%Y年%m月%d日}"
    if step == BEFORE:
        subject = f"督办到期提醒：{item.title}"
        lead = f"请于{deadline}前办结并反馈（还有{workdays_between(today, item.deadline)}个工作日）。"
    elif step == DUE_DAY:
        subject = f"督办催办：{item.title}今日到期"
        lead = f"办理时限为今天（{deadline}），请今日内反馈办理情况。"
    else:
        days = (today - item.deadline).days
        subject = f"督办逾期：{item.title}（{item.get_level_display()}）"
        lead = f"已超过办理时限{days}天（时限{deadline}），现为{item.get_level_display()}事项，请立即办理并反馈。"
    body = f"{lead}\n牵头单位：{item.lead_unit.name}\n事项：{item.content}"
    return subject, body


def escalate_overdue(actor: Actor, item: SupervisionItem, today: dt.date) -> bool:
    """Raise an overdue open item one level, once per deadline, claimed by a conditional
    update so two runs never both escalate it. True when this call raised it. An item
    already at 挂牌督办 is only marked as done for this deadline."""
    if item.state not in OPEN_STATES or item.deadline >= today or item.escalated_for == item.deadline:
        return False
    before = item.level
    higher = next_level(before) or before
    with transaction.atomic():
        claimed = (
            SupervisionItem.objects.filter(
                pk=item.pk, state__in=OPEN_STATES, level=before, deadline=item.deadline
            )
            .exclude(escalated_for=item.deadline)
            .update(level=higher, escalated_for=item.deadline, updated_at=clock.now())
        )
        if not claimed or higher == before:
            return False
        item.refresh_from_db()
        _record(
            item,
            Action.ESCALATE,
            actor,
            from_state=item.state,
            from_level=before,
            to_level=higher,
            comment=f"超过办理时限 {item.deadline:%Y-%m-%d} 未办结，自动升级为{Level(higher).label}",
        )
        return True


def run_reminders(
    today: dt.date, *, before_workdays: int = BEFORE_WORKDAYS, post=send_notice
) -> RemindResult:
    """Escalate overdue items and send every reminder due as of ``today``, each once.
    Call outside a transaction (each notice commits its record before it goes out).
    ``post``: ``send_notice`` (here and now, ``luoshi supervise remind``) or
    ``queue_notice`` (a job for a worker, ``luoshi tick``)."""
    result = RemindResult()
    horizon = add_workdays(today, before_workdays)
    items = (
        SupervisionItem.objects.filter(state__in=OPEN_STATES, deadline__lte=horizon)
        .select_related("lead_unit", "part")
        .order_by("deadline", "pk")
    )
    for item in items:
        if plan_for(item, today, before_workdays) is None:
            continue
        if today > item.deadline and escalate_overdue(SYSTEM, item, today):
            result.escalated.append(item.pk)
            item.refresh_from_db()
        planned = plan_for(item, today, before_workdays)
        subject, body = _text(item, planned.step, today)
        unit = item.lead_unit
        if planned.step == OVERDUE:
            users = _users([unit.pk], (Role.HEAD, Role.REPORTER))
            offices = []
            if item.part_id:
                offices = list(item.part.task_forces.exclude(office=None).values_list("office_id", flat=True))
            users += _users(offices, (Role.OFFICE,))
            if item.level == Level.LISTED:
                users += [
                    p.user
                    for p in Profile.objects.filter(
                        role=Role.COORDINATOR, organisation_id=unit.organisation_id
                    ).select_related("user")
                ]
        else:
            users = _users([unit.pk], (Role.REPORTER, Role.HEAD))
        reminder = post(
            key=planned.key,
            kind=KINDS[planned.step],
            subject=subject,
            body=body,
            unit=unit,
            users=users,
            emails=[unit.email],
            webhooks=[unit.webhook_url],
            url=item.get_absolute_url(),
        )
        (result.sent if reminder is not None else result.skipped).append(planned.key)
    return result
