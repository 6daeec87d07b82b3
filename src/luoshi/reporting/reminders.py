"""Which reporting reminders are due at a moment (催报提醒), and sending them.

For each period of a plan whose due date is near, each unit that has reports due for it
(a lead or cooperator of a task reported on in that period) and has not submitted all of
them is told, on the official working-day calendar:

=================  ==========================================  =============================
kind               when (local time)                           to
=================  ==========================================  =============================
``before``         ``remind_days_before`` working days before  the unit's reporters, the
                   the due date, from 09:00                    unit's mailbox and group robot
``due_day``        the due date, from 09:00                    the same
``overdue``        the first working day after it, 09:00       the same
``escalate_head``  ``escalate_head_after`` working days after  the unit's heads
                   it, 09:00; with 0, the due date at 17:00
``escalate_office``  ``escalate_office_after`` working days    the task-force office (users,
                   after it, 09:00; with 0, the due date 17:00  mailbox, robot) and the plan's
                                                               robot: all late units of its
                                                               campaigns in one message
=================  ==========================================  =============================

A reminder missed at its time (the server was down) still goes out until the end of the
next working day; ``due_day`` only on the due date. Each reminder has a key
(``report:{kind}:{period}:{unit}:{plan series}``): ``luoshi tick`` records a key once,
however many run at once, and queues its delivery (``notify.queue_notice``).
"""

import datetime as dt
import hashlib
from collections import defaultdict
from dataclasses import dataclass, field

from django.db.models import Q
from django.utils import timezone

from luoshi.accounts.choices import Role
from luoshi.accounts.models import Profile
from luoshi.plans.choices import UnitKind
from luoshi.plans.models import Plan, Task, TaskForce, TaskUnit, Unit

from .choices import ReminderKind
from .models import Period, Reminder, Report
from .notify import queue_notice, send_notice
from .periods import PeriodSpan
from .policy import Schedule, ensure_period
from .reminder_text import PendingTask, Words
from .rollup import carried_pairs
from .workdays import CalendarYearUnknown, add_workdays, subtract_workdays, workdays_between

MORNING = dt.time(9, 0)
EVENING = dt.time(17, 0)
UNIT_LINK = "/fill/"  # the reporter's 填报 page
OFFICE_LINK = "/review/"  # the office's 审核 queue

KIND_ORDER = [
    ReminderKind.BEFORE,
    ReminderKind.DUE_DAY,
    ReminderKind.OVERDUE,
    ReminderKind.ESCALATE_HEAD,
    ReminderKind.ESCALATE_OFFICE,
]


# ---------------------------------------------------------------- dates


def series_hash(series: str) -> str:
    return hashlib.sha1(series.encode("utf-8")).hexdigest()[:10]


def _at(day: dt.date, time: dt.time) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, time))


def _end_of_next_workday(day: dt.date) -> dt.datetime:
    return _at(add_workdays(day, 1) + dt.timedelta(days=1), dt.time.min)


def windows(due: dt.date, remind_before: int, head_after: int, office_after: int) -> dict[str, tuple]:
    """When each kind of reminder for a due date may go out: ``[from, until)``."""
    result = {}
    if remind_before > 0:
        result[ReminderKind.BEFORE] = (
            _at(subtract_workdays(due, remind_before), MORNING),
            _at(due, dt.time.min),
        )
    result[ReminderKind.DUE_DAY] = (_at(due, MORNING), _at(due + dt.timedelta(days=1), dt.time.min))
    overdue_day = add_workdays(due, 1)
    result[ReminderKind.OVERDUE] = (_at(overdue_day, MORNING), _end_of_next_workday(overdue_day))
    for kind, after in (
        (ReminderKind.ESCALATE_HEAD, head_after),
        (ReminderKind.ESCALATE_OFFICE, office_after),
    ):
        if after == 0:
            result[kind] = (_at(due, EVENING), _end_of_next_workday(due))
        else:
            day = add_workdays(due, after)
            result[kind] = (_at(day, MORNING), _end_of_next_workday(day))
    return result


# ---------------------------------------------------------------- what is due


@dataclass
class Planned:
    """One reminder to send: its key, what it says and to whom."""

    key: str
    kind: str
    plan: Plan
    span: PeriodSpan
    due: dt.date
    unit: Unit | None
    subject: str
    body: str
    users: list = field(default_factory=list)
    emails: list[str] = field(default_factory=list)
    webhooks: list[str] = field(default_factory=list)
    url: str = ""

    def send(self) -> Reminder | None:
        """Record it once and send it here and now (None: another run has recorded it)."""
        return self._post(send_notice)

    def queue(self) -> Reminder | None:
        """Record it once and queue its delivery for a worker (None: recorded already)."""
        return self._post(queue_notice)

    def _post(self, post) -> Reminder | None:
        period = ensure_period(self.span)
        return post(
            key=self.key,
            kind=self.kind,
            subject=self.subject,
            body=self.body,
            unit=self.unit,
            period=period,
            users=self.users,
            emails=self.emails,
            webhooks=self.webhooks,
            url=self.url,
            organisation_id=self.plan.organisation_id,
        )

    def as_json(self) -> dict:
        return {
            "key": self.key,
            "kind": str(self.kind),
            "kind_label": ReminderKind(self.kind).label,
            "plan": self.plan.pk,
            "period": self.span.key,
            "due": self.due.isoformat(),
            "unit": self.unit.name if self.unit else None,
            "subject": self.subject,
            "body": self.body,
            "users": [u.get_username() for u in self.users],
            "emails": self.emails,
            "webhooks": len(self.webhooks),
        }


def due_reminders(
    now: dt.datetime, plans: list[Plan] | None = None, *, include_sent: bool = False
) -> tuple[list[Planned], list[str]]:
    """The reminders due at ``now`` for ``plans`` (default: the latest version of every
    plan), without those already sent unless ``include_sent``; and the problems met (a
    year the calendar does not know), in Chinese."""
    from luoshi.plans.lookups import latest_plans

    planned: list[Planned] = []
    problems: list[str] = []
    for plan in latest_plans() if plans is None else plans:
        try:
            planned.extend(_plan_reminders(plan, now))
        except CalendarYearUnknown as exc:
            problems.append(f"{plan.title}：{exc}")
    if not include_sent and planned:
        sent = set(Reminder.objects.filter(key__in=[p.key for p in planned]).values_list("key", flat=True))
        planned = [p for p in planned if p.key not in sent]
    planned.sort(key=lambda p: (p.due, KIND_ORDER.index(p.kind), p.unit.order if p.unit else 0, p.key))
    return planned, problems


def _plan_reminders(plan: Plan, now: dt.datetime) -> list[Planned]:
    schedule = Schedule.of(plan)
    policy = schedule.policy
    today = timezone.localtime(now).date()
    tasks = list(
        Task.objects.filter(plan=plan)
        .order_by("section__order")
        .values_list("pk", "part_id", "part__key", "cadence", "start", "deadline", "section__sid", "title")
    )
    cadences = {schedule.cadence(t[3], t[2]) for t in tasks}
    planned: list[Planned] = []
    for cadence in sorted(cadences):
        for span in schedule.spans(cadence):
            # cheap bounds first: reminders run from a few weeks before to a few after the end
            # a period not yet begun has nothing to report; one long past is nobody's news
            if not (span.start <= today <= span.end + dt.timedelta(days=62)):
                continue
            due = schedule.due(span)
            open_kinds = [
                kind
                for kind, (start, until) in windows(
                    due, policy.remind_days_before, policy.escalate_head_after, policy.escalate_office_after
                ).items()
                if start <= now < until
            ]
            if not open_kinds:
                continue
            due_tasks = {
                t[0]: t
                for t in tasks
                if schedule.cadence(t[3], t[2]) == cadence
                and schedule.reports_on(span, schedule.start(t[4]), schedule.deadline(t[5]))
            }
            if due_tasks:
                planned.extend(_span_reminders(plan, schedule, span, due, due_tasks, open_kinds, now, today))
    return planned


def _span_reminders(plan, schedule, span, due, due_tasks, kinds, now, today) -> list[Planned]:
    pending = _pending_by_unit(span, due_tasks, now)
    if not pending:
        return []
    units = {u.pk: u for u in Unit.objects.filter(pk__in=pending)}
    pending = {uid: tasks for uid, tasks in pending.items() if units[uid].kind != UnitKind.GROUP}
    late_days = workdays_between(due, today) if today > due else 0
    words = Words(plan, span, due, now, late_days)
    tail = series_hash(plan.series)
    people = _people({*pending, *_office_units(plan, pending)}, plan.organisation_id)
    result = []
    for kind in kinds:
        if kind == ReminderKind.ESCALATE_OFFICE:
            result.extend(
                _office_reminders(plan, schedule, span, due, due_tasks, pending, units, words, people, tail)
            )
            continue
        for uid, tasks in pending.items():
            unit = units[uid]
            key = f"report:{kind}:{span.key}:{unit.pk}:{tail}"
            if kind == ReminderKind.ESCALATE_HEAD:
                users, emails, webhooks = people[(uid, Role.HEAD)], [], []
            else:
                users, emails = people[(uid, Role.REPORTER)], [unit.email]
                webhooks = [unit.webhook_url]
            subject, body = words.unit_text(kind, unit, tasks)
            result.append(
                Planned(key, kind, plan, span, due, unit, subject, body, users, emails, webhooks, UNIT_LINK)
            )
    return result


def _pending_by_unit(span: PeriodSpan, due_tasks: dict, now: dt.datetime) -> dict[int, list[PendingTask]]:
    """Per unit, the due tasks it has not submitted its report on by ``now``."""
    period = Period.objects.filter(cadence=span.cadence, key=span.key).first()
    submitted = set()
    if period:
        submitted = set(
            Report.objects.filter(
                period=period,
                is_current=True,
                task_id__in=list(due_tasks),
                submitted_at__isnull=False,
                submitted_at__lte=now,
            ).values_list("task_id", "unit_id")
        )
    pending: dict[int, list[PendingTask]] = defaultdict(list)
    carried = carried_pairs(list(due_tasks))  # a lower organisation's task carries these
    for task_id, unit_id, role in (
        TaskUnit.objects.filter(task_id__in=list(due_tasks))
        .order_by("task__section__order", "role", "order")
        .values_list("task_id", "unit_id", "role")
    ):
        if (task_id, unit_id) not in submitted and (task_id, unit_id) not in carried:
            _pk, part_id, _key, _cad, _start, _deadline, sid, title = due_tasks[task_id]
            pending[unit_id].append(PendingTask(sid, title, role, part_id))
    return dict(pending)


def _office_units(plan: Plan, pending: dict) -> set[int]:
    part_ids = {t.part_id for tasks in pending.values() for t in tasks}
    return set(
        TaskForce.objects.filter(plan=plan, part_id__in=part_ids)
        .exclude(office=None)
        .values_list("office_id", flat=True)
    )


def _people(unit_ids: set[int], org_id: int) -> dict[tuple, list]:
    """Active users per (unit, role), and the coordinators of the plan's organisation
    under (None, coordinator)."""
    people: dict[tuple, list] = defaultdict(list)
    profiles = (
        Profile.objects.filter(user__is_active=True)
        .filter(Q(unit_id__in=unit_ids) | Q(role=Role.COORDINATOR, organisation_id=org_id))
        .select_related("user")
        .order_by("user__username")
    )
    for profile in profiles:
        if profile.unit_id in unit_ids:
            people[(profile.unit_id, profile.role)].append(profile.user)
        if profile.role == Role.COORDINATOR and profile.organisation_id == org_id:
            people[(None, Role.COORDINATOR)].append(profile.user)
    return people


def _office_reminders(
    plan, schedule, span, due, due_tasks, pending, units, words, people, tail
) -> list[Planned]:
    """One message per task-force office (or, for campaigns without one, the
    coordinators) listing its campaigns' late units."""
    offices: dict[int | None, set[int]] = defaultdict(set)  # office unit → campaigns
    forces = TaskForce.objects.filter(plan=plan, part_id__in={t[1] for t in due_tasks.values()})
    with_office = set()
    for part_id, office_id in forces.values_list("part_id", "office_id"):
        if office_id:
            offices[office_id].add(part_id)
            with_office.add(part_id)
    for part_id in {t[1] for t in due_tasks.values()} - with_office:
        offices[None].add(part_id)
    office_units = {u.pk: u for u in Unit.objects.filter(pk__in=[o for o in offices if o])}
    parts = dict(plan.parts.values_list("pk", "title"))
    part_keys = dict(plan.parts.values_list("pk", "key"))
    policy_hook = schedule.policy.webhook_url
    result = []
    for office_id, part_ids in offices.items():
        late = {
            uid: [t for t in tasks if t.part_id in part_ids]
            for uid, tasks in pending.items()
            if any(t.part_id in part_ids for t in tasks)
        }
        if not late:
            continue
        office = office_units.get(office_id)
        key = f"report:{ReminderKind.ESCALATE_OFFICE}:{span.key}:{office_id or 'coordinator'}:{tail}"
        if office:
            users, emails, webhooks = people[(office_id, Role.OFFICE)], [office.email], [office.webhook_url]
        else:
            users, emails, webhooks = people[(None, Role.COORDINATOR)], [], []
        subject, body = words.office_text(office, late, units, parts, part_keys)
        result.append(
            Planned(
                key,
                ReminderKind.ESCALATE_OFFICE,
                plan,
                span,
                due,
                office,
                subject,
                body,
                users,
                emails,
                [*webhooks, policy_hook],
                OFFICE_LINK,
            )
        )
    return result
