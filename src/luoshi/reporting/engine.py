"""Status of a plan as of a date (统计截止日期): gathers the facts in a few queries and
judges them with the plain functions of ``status.py``.

Who must report a task: its lead units, or, where the clause names no lead, every unit
on it. Each cooperator also files its own contribution, which counts for completeness
but not for the task's light.
"""

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal

from django.db import connection
from django.db.models import BooleanField, ExpressionWrapper, Q

from luoshi.plans.choices import TaskRole, UnitKind
from luoshi.plans.models import Part, Plan, Target, Task, TaskUnit, Unit

from .choices import ReportState
from .models import Milestone, Period, Report, TargetValue
from .periods import PeriodSpan
from .policy import Schedule
from .status import Rollup, Status, expected_progress, target_status, task_status

TENTH = Decimal("0.1")


def end_of(day: dt.date) -> dt.datetime:
    """The last moment of a day in the configured time zone."""
    from django.utils import timezone

    return timezone.make_aware(dt.datetime.combine(day, dt.time.max))


@dataclass(slots=True)
class TaskRow:
    """One task's status as of a date."""

    task_id: int
    sid: str
    title: str
    part_key: str
    part_title: str
    leads: list[str]
    cooperators: list[str]
    cadence: str
    start: dt.date
    deadline: dt.date
    expected: Decimal
    progress: Decimal | None
    status: Status
    latest_period: str | None = None
    missing_units: list[str] = field(default_factory=list)
    problems: str = ""
    overdue_milestones: int = 0

    @property
    def responsible(self) -> list[str]:
        return self.leads or self.cooperators

    def as_json(self) -> dict:
        return {
            "task": self.task_id,
            "section": self.sid,
            "title": self.title,
            "campaign": self.part_key,
            "unit": "、".join(self.responsible),
            "leads": self.leads,
            "cooperators": self.cooperators,
            "cadence": self.cadence,
            "start": self.start.isoformat(),
            "deadline": self.deadline.isoformat(),
            "expected": float(self.expected),
            "progress": None if self.progress is None else float(self.progress),
            "status": str(self.status),
            "status_label": self.status.label,
            "latest_period": self.latest_period,
            "missing_units": self.missing_units,
            "problems": self.problems,
            "overdue_milestones": self.overdue_milestones,
        }


@dataclass
class PlanStatus:
    """Everything the status views need for one plan as of one date."""

    plan: Plan
    as_of: dt.date
    rows: list[TaskRow]

    def rollup(self, rows: list[TaskRow] | None = None) -> Rollup:
        total = Rollup()
        for row in self.rows if rows is None else rows:
            total.add(row.status, row.progress, row.expected)
        return total

    def by_campaign(self) -> dict[str, Rollup]:
        groups: dict[str, Rollup] = {}
        for row in self.rows:
            groups.setdefault(row.part_key, Rollup()).add(row.status, row.progress, row.expected)
        return groups

    def by_unit(self) -> dict[str, Rollup]:
        groups: dict[str, Rollup] = {}
        for row in self.rows:
            for unit in row.responsible:
                groups.setdefault(unit, Rollup()).add(row.status, row.progress, row.expected)
        return groups

    def lagging(self) -> list[TaskRow]:
        order = {Status.SERIOUS: 0, Status.LAGGING: 1}
        return sorted(
            (r for r in self.rows if r.status in order), key=lambda r: (order[r.status], r.part_key, r.sid)
        )


def _task_facts(plan: Plan, campaign: str | None, unit: str | None):
    tasks = Task.objects.filter(plan=plan)
    if campaign:
        tasks = tasks.filter(Q(part__key=campaign) | Q(part__title__contains=campaign))
    if unit:
        tasks = tasks.filter(task_units__unit__name=unit).distinct()
    parts = {
        pk: (key, title)
        for pk, key, title in Part.objects.filter(plan=plan).values_list("pk", "key", "title")
    }
    tasks = [
        (pk, sid, title, *parts[part_id], cadence, start, deadline)
        for pk, sid, title, part_id, cadence, start, deadline in tasks.order_by("section__order").values_list(
            "pk", "section__sid", "title", "part_id", "cadence", "start", "deadline"
        )
    ]
    # task id → (leads, cooperators), each a list of (unit id, name, is a group phrase)
    units = {
        pk: (name, kind == UnitKind.GROUP)
        for pk, name, kind in Unit.objects.filter(task_roles__task__plan=plan)
        .distinct()
        .values_list("pk", "name", "kind")
    }
    roles: dict[int, tuple[list, list]] = {}
    task_units = TaskUnit.objects.filter(task__plan=plan)
    if campaign or unit:
        task_units = task_units.filter(task_id__in=[t[0] for t in tasks])
    for task_id, unit_id, role in task_units.order_by("order").values_list("task_id", "unit_id", "role"):
        if task_id not in roles:
            roles[task_id] = ([], [])
        name, group = units[unit_id]
        roles[task_id][0 if role == TaskRole.LEAD else 1].append((unit_id, name, group))
    return tasks, roles


def responsible_units(leads: list[tuple], cooperators: list[tuple]) -> list[tuple[int, str]]:
    """Who must report a task: its leads, or where the clause names no lead every unit on
    it; a group phrase (``区直有关单位``) has nobody to log in and reports nothing."""
    return [(uid, name) for uid, name, group in (leads or cooperators) if not group]


def plan_status(
    plan: Plan,
    as_of: dt.date,
    *,
    campaign: str | None = None,
    unit: str | None = None,
    period: str | None = None,
) -> PlanStatus:
    """The light of every task of ``plan`` as of ``as_of``.

    ``period`` (a key such as ``2025-05-3``) asks as of that period's end instead.
    """
    schedule = Schedule.of(plan)
    if period:
        from .periods import span_for_key

        as_of = span_for_key(period).end
    tasks, roles = _task_facts(plan, campaign, unit)
    deadline_moment = end_of(as_of)

    # The latest due period of each task, by cadence, start and deadline (shared by most
    # tasks, so worked out once per combination).
    latest_due: dict[int, PeriodSpan | None] = {}
    combos: dict[tuple, PeriodSpan | None] = {}
    for task_id, _sid, _title, part_key, _pt, cadence, start, deadline in tasks:
        combo = (schedule.cadence(cadence, part_key), schedule.start(start), schedule.deadline(deadline))
        if combo not in combos:
            combos[combo] = schedule.latest_due_span(*combo, as_of)
        latest_due[task_id] = combos[combo]
    spans = {span for span in combos.values() if span}
    periods = {
        (cadence, key): (pk, end)
        for pk, cadence, key, end in Period.objects.filter(
            key__in={span.key for span in spans} or ["-"]
        ).values_list("pk", "cadence", "key", "end")
    }
    due_period_of = {
        task_id: periods.get((span.cadence, span.key), (None, None))[0]
        for task_id, span in latest_due.items()
        if span
    }

    # Reports handed in by the date, from the window that starts with the earliest latest
    # due period: each unit's latest report there, and whether its report for the task's
    # latest due period is in. A unit with nothing in the window falls back to its last
    # earlier report (for the progress shown, and for a task already done).
    # keyed by task id << 24 | unit id (ints hash faster than pairs, and there are many)
    latest: dict[int, tuple] = {}  # → (period end, progress, done, problems)
    reported_due: set[int] = set()
    reports = Report.objects.filter(task__plan=plan, is_current=True, submitted_at__lte=deadline_moment)
    if campaign or unit:
        reports = reports.filter(task_id__in=[t[0] for t in tasks])
    # "done" is worked out by the database: 100 % and accepted by the date
    reports = reports.annotate(
        done=ExpressionWrapper(
            Q(progress=100, state=ReportState.ACCEPTED, accepted_at__lte=deadline_moment), BooleanField()
        )
    )
    fields = ("task_id", "unit_id", "period_id", "progress", "done", "problems")
    period_end = dict(Period.objects.values_list("pk", "end"))
    window_start = min((span.start for span in spans), default=None)
    window = reports
    if window_start:
        window_ids = [pk for pk, end in period_end.items() if end >= window_start]
        window = reports.filter(period_id__in=window_ids, period__start__lte=as_of)
    for task_id, unit_id, period_id, progress, done, problems in window.values_list(*fields):
        key = task_id << 24 | unit_id
        end = period_end[period_id]
        known = latest.get(key)
        if known is None or known[0] < end:
            latest[key] = (end, progress, done, problems)
        if due_period_of.get(task_id) == period_id:
            reported_due.add(key)
    if window_start:
        gaps = {
            task_id << 24 | uid
            for task_id in due_period_of
            for uid, _name in responsible_units(*roles.get(task_id, ([], [])))
            if task_id << 24 | uid not in latest
        }
        if gaps:
            older = reports.filter(task_id__in={key >> 24 for key in gaps}, period__end__lt=window_start)
            if connection.features.can_distinct_on_fields:  # PostgreSQL: only the last of each
                older = older.order_by("task_id", "unit_id", "-period__end").distinct("task_id", "unit_id")
            for task_id, unit_id, period_id, progress, done, problems in older.values_list(*fields):
                key, end = task_id << 24 | unit_id, period_end[period_id]
                if key in gaps and (key not in latest or latest[key][0] < end):
                    latest[key] = (end, progress, done, problems)

    overdue: dict[int, int] = {}
    for task_id in (
        Milestone.objects.filter(task__plan=plan, due_date__lt=as_of)
        .filter(Q(done=False) | Q(done_on__gt=as_of))
        .values_list("task_id", flat=True)
    ):
        overdue[task_id] = overdue.get(task_id, 0) + 1

    rows = []
    expectations: dict[tuple, Decimal] = {}
    thresholds = schedule.thresholds
    no_roles: tuple[list, list] = ([], [])
    plan_start, year_end = schedule.plan_start, schedule.year_end
    for task_id, sid, title, part_key, part_title, cadence, start, deadline in tasks:
        leads, cooperators = roles.get(task_id, no_roles)
        responsible = [(uid, name) for uid, name, group in (leads or cooperators) if not group]
        start, deadline = start or plan_start, deadline or year_end
        if (start, deadline) not in expectations:
            expectations[(start, deadline)] = expected_progress(start, deadline, as_of)
        expected = expectations[(start, deadline)]
        span = latest_due[task_id]
        base = task_id << 24
        missing = [name for uid, name in responsible if span and base | uid not in reported_due]
        facts = [fact for uid, _ in responsible if (fact := latest.get(base | uid)) is not None]
        if len(facts) == 1:  # the usual case: one responsible unit
            progress = facts[0][1]
            done = facts[0][2] and len(responsible) == 1
        else:
            progresses = [f[1] for f in facts if f[1] is not None]
            progress = (sum(progresses) / len(progresses)).quantize(TENTH) if progresses else None
            done = bool(responsible) and len(facts) == len(responsible) and all([f[2] for f in facts])
        status = task_status(
            progress=progress,
            expected=expected,
            deadline=deadline,
            as_of=as_of,
            done_accepted=done,
            missing_due_report=bool(missing),
            anything_due=span is not None,
            overdue_milestones=overdue.get(task_id, 0),
            thresholds=thresholds,
        )
        rows.append(
            TaskRow(
                task_id=task_id,
                sid=sid,
                title=title,
                part_key=part_key,
                part_title=part_title,
                leads=[n for _, n, _ in leads],
                cooperators=[n for _, n, _ in cooperators],
                cadence=schedule.cadence(cadence, part_key),
                start=start,
                deadline=deadline,
                expected=expected,
                progress=progress,
                status=status,
                latest_period=span.key if span else None,
                missing_units=missing,
                problems="；".join([f[3] for f in facts if f[3]]) if facts else "",
                overdue_milestones=overdue.get(task_id, 0),
            )
        )
    return PlanStatus(plan, as_of, rows)


# ---------------------------------------------------------------- completeness


@dataclass
class CompletenessRow:
    """Reporting of one unit for one period (like a 报送率 table)."""

    unit: str
    due: int = 0
    submitted: int = 0
    on_time: int = 0
    late: int = 0
    missing: int = 0
    pending: int = 0

    @property
    def rate(self) -> Decimal:
        return (
            (Decimal(self.submitted) / self.due * 100).quantize(Decimal("0.1")) if self.due else Decimal(100)
        )

    def as_json(self) -> dict:
        return {
            "unit": self.unit,
            "due": self.due,
            "submitted": self.submitted,
            "on_time": self.on_time,
            "late": self.late,
            "missing": self.missing,
            "pending": self.pending,
            "rate": float(self.rate),
        }


def completeness(
    plan: Plan, period_key: str, as_of: dt.date
) -> tuple[PeriodSpan, dt.date, list[CompletenessRow]]:
    """Per unit: reports due for the period, submitted (on time, late), missing; as of a date."""
    from .periods import span_for_key

    schedule = Schedule.of(plan)
    span = span_for_key(period_key)
    due_date = schedule.due(span)
    tasks = Task.objects.filter(plan=plan).values_list("pk", "part__key", "cadence", "start", "deadline")
    due_tasks = {
        pk
        for pk, part_key, cadence, start, deadline in tasks
        if schedule.cadence(cadence, part_key) == span.cadence
        and span.end > schedule.start(start)
        and span.start <= schedule.deadline(deadline)
    }
    period = Period.objects.filter(cadence=span.cadence, key=span.key).first()
    submitted: dict[tuple[int, int], dt.datetime] = {}
    if period:
        for task_id, unit_id, at in Report.objects.filter(
            period=period, is_current=True, task_id__in=due_tasks, submitted_at__lte=end_of(as_of)
        ).values_list("task_id", "unit_id", "submitted_at"):
            submitted[(task_id, unit_id)] = at
    rows: dict[str, CompletenessRow] = {}
    on_time_limit = end_of(due_date)
    due_units = TaskUnit.objects.filter(task_id__in=due_tasks).exclude(unit__kind=UnitKind.GROUP)
    for task_id, unit_id, name in due_units.values_list("task_id", "unit_id", "unit__name"):
        row = rows.setdefault(name, CompletenessRow(name))
        row.due += 1
        at = submitted.get((task_id, unit_id))
        if at is not None:
            row.submitted += 1
            if at <= on_time_limit:
                row.on_time += 1
            else:
                row.late += 1
        elif as_of > due_date:
            row.missing += 1
        else:
            row.pending += 1
    ordered = sorted(rows.values(), key=lambda r: (-r.missing, -r.late, r.unit))
    return span, due_date, ordered


# ---------------------------------------------------------------- targets


@dataclass
class TargetRow:
    target_id: int
    sid: str
    part_key: str
    subject: str
    op: str
    value: Decimal
    unit: str
    actual: Decimal | None
    attainment: Decimal | None
    expected: Decimal
    status: Status

    def as_json(self) -> dict:
        return {
            "target": self.target_id,
            "section": self.sid,
            "campaign": self.part_key,
            "subject": self.subject,
            "op": self.op,
            "value": float(self.value),
            "unit": self.unit,
            "actual": None if self.actual is None else float(self.actual),
            "attainment": None if self.attainment is None else float(self.attainment),
            "expected": float(self.expected),
            "status": str(self.status),
        }


def target_statuses(plan: Plan, as_of: dt.date) -> list[TargetRow]:
    """Each target's latest reported figure as of the date and its attainment."""
    schedule = Schedule.of(plan)
    elapsed = expected_progress(schedule.plan_start, schedule.year_end, as_of)
    actual: dict[int, Decimal] = {}
    for target_id, value in (
        TargetValue.objects.filter(
            target__plan=plan, report__is_current=True, report__submitted_at__lte=end_of(as_of)
        )
        .order_by("report__period__end", "report__submitted_at")
        .values_list("target_id", "value")
    ):
        actual[target_id] = value
    rows = []
    for target in Target.objects.filter(plan=plan).select_related("section", "part").order_by("order"):
        status, attainment, expected = target_status(
            op=target.op,
            value=target.value,
            unit=target.unit,
            subject=target.subject or target.text,
            actual=actual.get(target.pk),
            elapsed=elapsed,
            thresholds=schedule.thresholds,
        )
        rows.append(
            TargetRow(
                target.pk,
                target.section.sid,
                target.part.key,
                target.subject or target.text,
                target.op,
                target.value,
                target.unit,
                actual.get(target.pk),
                attainment,
                expected,
                status,
            )
        )
    return rows
