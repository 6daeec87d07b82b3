"""Status of a plan as of a date (统计截止日期): gathers the facts in a few queries and
judges them with the plain functions of ``status.py``.

Who must report a task: its lead units, or, where the clause names no lead, every unit
on it. Each cooperator also files its own contribution, which counts for completeness
but not for the task's light.
"""

import datetime as dt
import gc
import threading
from contextlib import contextmanager
from dataclasses import dataclass, field
from decimal import Decimal
from operator import itemgetter

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


def responsible_units(leads: list[tuple], cooperators: list[tuple]) -> list[tuple[int, str]]:
    """Who must report a task: its leads, or where the clause names no lead every unit on
    it; a group phrase (``区直有关单位``) has nobody to log in and reports nothing."""
    return [(uid, name) for uid, name, group in (leads or cooperators) if not group]


# Reports are keyed by ``task id << KEY_SHIFT | unit id``: ints hash faster than pairs,
# and there are many.
KEY_SHIFT = 24
# A unit with no report in the window is looked up first in the periods that end in these
# days before it (the period just before it of each cadence, where nearly all are found),
# then in everything older.
FALLBACK_STEP = dt.timedelta(days=15)
REPORT_FIELDS = ("task_id", "unit_id", "period_id", "progress", "done", "problems")


def _tasks(plan: Plan, campaign: str | None, unit: str | None) -> list[tuple]:
    """(pk, sid, title, part id, cadence, start, deadline, section order) of the tasks, in
    the order of their sections (sorted here: cheaper than in the database)."""
    tasks = Task.objects.filter(plan=plan)
    if campaign:
        tasks = tasks.filter(Q(part__key=campaign) | Q(part__title__contains=campaign))
    if unit:
        tasks = tasks.filter(task_units__unit__name=unit).distinct()
    rows = list(
        tasks.order_by().values_list(
            "pk", "section__sid", "title", "part_id", "cadence", "start", "deadline", "section__order"
        )
    )
    rows.sort(key=itemgetter(7))
    return rows


def _roles(plan: Plan, task_ids: list[int] | None):
    """The units on the tasks: (task id → lead unit ids, task id → cooperator unit ids,
    unit id → name, ids of group phrases), each list in the order of the clause."""
    task_units = TaskUnit.objects.filter(
        task_id__in=Task.objects.filter(plan=plan).values("pk") if task_ids is None else task_ids
    )
    # (order, id) puts them in the clause's order; sorted here, not by the database
    rows = list(task_units.order_by().values_list("order", "id", "task_id", "unit_id", "role"))
    rows.sort(key=itemgetter(1))
    rows.sort(key=itemgetter(0))
    leads: dict[int, list[int]] = {}
    cooperators: dict[int, list[int]] = {}
    lead = TaskRole.LEAD
    for _order, _pk, task_id, unit_id, role in rows:
        group = leads if role == lead else cooperators
        ids = group.get(task_id)
        if ids is None:
            group[task_id] = [unit_id]
        else:
            ids.append(unit_id)
    names: dict[int, str] = {}
    groups: set[int] = set()
    unit_ids = {row[3] for row in rows}
    for pk, name, kind in Unit.objects.filter(pk__in=unit_ids).values_list("pk", "name", "kind"):
        names[pk] = name
        if kind == UnitKind.GROUP:
            groups.add(pk)
    return leads, cooperators, names, groups


_gc_lock = threading.Lock()
_gc_pauses = 0
_gc_was_enabled = False


@contextmanager
def _gc_paused():
    """The cyclic garbage collector held off while a status is worked out.

    A status of 100,000 tasks makes a million objects that all live until it is returned
    and none of which form cycles; with the collector on, the heap that grows under it is
    walked again and again (over a third of the time). Pauses nest across threads: the
    collector comes back when the last one ends, as it was before the first.
    """
    global _gc_pauses, _gc_was_enabled
    with _gc_lock:
        if _gc_pauses == 0:
            _gc_was_enabled = gc.isenabled()
            gc.disable()
        _gc_pauses += 1
    try:
        yield
    finally:
        with _gc_lock:
            _gc_pauses -= 1
            if _gc_pauses == 0 and _gc_was_enabled:
                gc.enable()


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
    with _gc_paused():
        return _plan_status(plan, as_of, campaign, unit, period)


def _plan_status(plan: Plan, as_of: dt.date, campaign: str | None, unit: str | None, period: str | None):
    schedule = Schedule.of(plan)
    if period:
        from .periods import span_for_key

        as_of = span_for_key(period).end
    tasks = _tasks(plan, campaign, unit)
    task_ids = [t[0] for t in tasks] if campaign or unit else None
    lead_ids, cooperator_ids, names, groups = _roles(plan, task_ids)
    deadline_moment = end_of(as_of)
    parts = {
        pk: (key, title)
        for pk, key, title in Part.objects.filter(plan=plan).values_list("pk", "key", "title")
    }

    # What tasks share: cadence, start, deadline, the latest due period and the expected
    # progress follow from the task's own fields and its campaign, so they are worked out
    # once per combination.
    combos: dict[tuple, tuple] = {}
    spans: dict[tuple, PeriodSpan | None] = {}
    expectations: dict[tuple, Decimal] = {}
    task_combo: list[tuple] = []
    for _task_id, _sid, _title, part_id, cadence, start, deadline, _order in tasks:
        raw = (cadence, part_id, start, deadline)
        combo = combos.get(raw)
        if combo is None:
            part_key, part_title = parts[part_id]
            cadence, start, deadline = (
                schedule.cadence(cadence, part_key),
                schedule.start(start),
                schedule.deadline(deadline),
            )
            if (cadence, start, deadline) not in spans:
                spans[(cadence, start, deadline)] = schedule.latest_due_span(cadence, start, deadline, as_of)
            if (start, deadline) not in expectations:
                expectations[(start, deadline)] = expected_progress(start, deadline, as_of)
            span = spans[(cadence, start, deadline)]
            combo = combos[raw] = (
                part_key, part_title, cadence, start, deadline, expectations[(start, deadline)], span
            )  # fmt: skip
        task_combo.append(combo)
    due_spans = {span for span in spans.values() if span}
    periods = {
        (cadence, key): pk
        for pk, cadence, key in Period.objects.filter(
            key__in={span.key for span in due_spans} or ["-"]
        ).values_list("pk", "cadence", "key")
    }
    due_period = {span: periods.get((span.cadence, span.key)) for span in due_spans}
    due_period_of = {
        task[0]: due_period[combo[6]] for task, combo in zip(tasks, task_combo, strict=True) if combo[6]
    }

    # Who must report each task: its leads, or where the clause names no lead every unit
    # on it, less group phrases (区直有关单位), which have nobody to log in.
    responsible: list[list[int]] = []
    for task in tasks:
        ids = lead_ids.get(task[0]) or cooperator_ids.get(task[0]) or []
        responsible.append([uid for uid in ids if uid not in groups] if groups else ids)

    # Reports handed in by the date, from the window that starts with the earliest latest
    # due period: each unit's latest report there, and whether its report for the task's
    # latest due period is in. A unit with nothing in the window falls back to its last
    # earlier report (for the progress shown, and for a task already done). The latest is
    # the one of the period that ends last (of two ending the same day, the longer one).
    period_rows = list(Period.objects.order_by().values_list("pk", "start", "end"))
    rank = {
        pk: i
        for i, (pk, _start, _end) in enumerate(sorted(period_rows, key=lambda p: (p[2], -p[1].toordinal())))
    }
    latest: dict[int, tuple] = {}  # key → report row (REPORT_FIELDS)
    reported_due: set[int] = set()
    reports = Report.objects.filter(is_current=True, submitted_at__lte=deadline_moment).order_by()
    # "done" is worked out by the database: 100 % and accepted by the date
    reports = reports.annotate(
        done=ExpressionWrapper(
            Q(progress=100, state=ReportState.ACCEPTED, accepted_at__lte=deadline_moment), BooleanField()
        )
    )
    window = reports.filter(
        task_id__in=Task.objects.filter(plan=plan).values("pk") if task_ids is None else task_ids
    )
    window_start = min((span.start for span in due_spans), default=None)
    if window_start:
        window = window.filter(
            period_id__in=[pk for pk, start, end in period_rows if end >= window_start and start <= as_of]
        )
    latest_get = latest.get
    due_of = due_period_of.get
    for row in window.values_list(*REPORT_FIELDS):
        task_id, unit_id, period_id = row[0], row[1], row[2]
        key = task_id << KEY_SHIFT | unit_id
        known = latest_get(key)
        if known is None or rank[known[2]] < rank[period_id]:
            latest[key] = row
        if due_of(task_id) == period_id:
            reported_due.add(key)
    if window_start:
        gaps = {
            task[0] << KEY_SHIFT | uid
            for task, combo, ids in zip(tasks, task_combo, responsible, strict=True)
            if combo[6]
            for uid in ids
        }
        gaps.difference_update(latest)
        if gaps:
            _fill_gaps(reports, gaps, latest, rank, period_rows, window_start)

    overdue: dict[int, int] = {}
    for task_id in (
        Milestone.objects.filter(task__plan=plan, due_date__lt=as_of)
        .filter(Q(done=False) | Q(done_on__gt=as_of))
        .values_list("task_id", flat=True)
    ):
        overdue[task_id] = overdue.get(task_id, 0) + 1

    rows = []
    append = rows.append
    thresholds = schedule.thresholds
    lights: dict[tuple, Status] = {}  # the same facts give the same light
    no_ids: list[int] = []
    overdue_of = overdue.get
    for (task_id, sid, title, _part, _cadence, _start, _deadline, _order), combo, ids in zip(
        tasks, task_combo, responsible, strict=True
    ):
        part_key, part_title, cadence, start, deadline, expected, span = combo
        base = task_id << KEY_SHIFT
        if len(ids) == 1:  # the usual case: one responsible unit
            key = base | ids[0]
            missing = [names[ids[0]]] if span and key not in reported_due else []
            fact = latest_get(key)
            if fact is None:
                progress, done, problems = None, False, ""
            else:
                progress, done, problems = fact[3], fact[4], fact[5] or ""
        else:
            missing = [names[uid] for uid in ids if span and base | uid not in reported_due]
            facts = [fact for uid in ids if (fact := latest_get(base | uid)) is not None]
            if len(facts) == 1:
                progress = facts[0][3]
            else:
                progresses = [f[3] for f in facts if f[3] is not None]
                progress = (sum(progresses) / len(progresses)).quantize(TENTH) if progresses else None
            done = bool(ids) and len(facts) == len(ids) and all([f[4] for f in facts])
            problems = "；".join(dict.fromkeys(f[5] for f in facts if f[5]))  # each reason once
        milestones = overdue_of(task_id, 0)
        light_key = (progress, expected, deadline, bool(done), bool(missing), span is not None, milestones)
        status = lights.get(light_key)
        if status is None:
            status = lights[light_key] = task_status(
                progress=progress,
                expected=expected,
                deadline=deadline,
                as_of=as_of,
                done_accepted=bool(done),
                missing_due_report=bool(missing),
                anything_due=span is not None,
                overdue_milestones=milestones,
                thresholds=thresholds,
            )
        leads = lead_ids.get(task_id, no_ids)
        cooperators = cooperator_ids.get(task_id, no_ids)
        append(
            TaskRow(
                task_id,
                sid,
                title,
                part_key,
                part_title,
                [names[uid] for uid in leads],
                [names[uid] for uid in cooperators],
                cadence,
                start,
                deadline,
                expected,
                progress,
                status,
                span.key if span else None,
                missing,
                problems,
                milestones,
            )
        )
    return PlanStatus(plan, as_of, rows)


def _fill_gaps(reports, gaps: set[int], latest: dict, rank: dict, period_rows: list, window_start: dt.date):
    """The last report before the window of each (task, unit) key in ``gaps``: first from
    the periods that end in the ``FALLBACK_STEP`` before the window, then from all older
    ones for the keys still without."""
    step_start = window_start - FALLBACK_STEP
    recent = [pk for pk, _start, end in period_rows if step_start <= end < window_start]
    for period_ids, older in ((recent, None), (None, step_start)):
        if not gaps:
            return
        if period_ids is not None and not period_ids:
            continue
        found = reports.filter(task_id__in={key >> KEY_SHIFT for key in gaps})
        if older is None:
            found = found.filter(period_id__in=period_ids)
        else:
            found = found.filter(period__end__lt=older)
            if connection.features.can_distinct_on_fields:  # PostgreSQL: only the last of each
                found = found.order_by("task_id", "unit_id", "-period__end", "period__start").distinct(
                    "task_id", "unit_id"
                )
        best: dict[int, tuple] = {}
        for row in found.values_list(*REPORT_FIELDS):
            key = row[0] << KEY_SHIFT | row[1]
            if key in gaps:
                known = best.get(key)
                if known is None or rank[known[2]] < rank[row[2]]:
                    best[key] = row
        latest.update(best)
        gaps.difference_update(best)


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
