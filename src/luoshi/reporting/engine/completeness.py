"""Reporting of each unit for one period, like a 报送率 table: reports due, handed in on
time or late, missing, not yet due."""

import datetime as dt
from collections.abc import Collection
from dataclasses import dataclass
from decimal import Decimal
from typing import NamedTuple

from django.db import connection
from django.db.models import Q

from luoshi.plans.choices import LinkState, UnitKind
from luoshi.plans.models import Part, Plan, Task, TaskLink, TaskUnit, Unit

from ..kept import answers_for
from ..models import Period, Report, Standing
from ..periods import PeriodSpan, span_for_key
from ..policy import Schedule
from ..rollup import carried_pairs
from .reports import end_of


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
    plan: Plan, period_key: str, as_of: dt.date, *, full: bool = False
) -> tuple[PeriodSpan, dt.date, list[CompletenessRow]]:
    """Per unit: reports due for the period, submitted (on time, late), missing; as of a date.

    Counted in the database over the kept rows (``reporting.kept``) when they answer for
    the date and hold the period, else from the reports; ``full`` always does the latter.
    """
    schedule = Schedule.of(plan)
    span = span_for_key(period_key)
    due_date = schedule.due(span)
    if not full:
        rows = _kept(plan, schedule, span, due_date, as_of)
        if rows is not None:
            return span, due_date, rows
    tasks = Task.objects.filter(plan=plan).values_list("pk", "part__key", "cadence", "start", "deadline")
    due_tasks = {
        pk
        for pk, part_key, cadence, start, deadline in tasks
        if schedule.cadence(cadence, part_key) == span.cadence
        and schedule.reports_on(span, schedule.start(start), schedule.deadline(deadline))
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
    carried = carried_pairs(due_tasks)  # a lower organisation's task carries these
    for task_id, unit_id, name in due_units.values_list("task_id", "unit_id", "unit__name"):
        if (task_id, unit_id) in carried:
            continue
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
    return span, due_date, _ordered(rows)


# The reports due of a plan's tasks for a period, counted over its task units and their kept
# rows (group units and the pairs a lower organisation's linked task carries left out):
# handed in, handed in on time, and those the kept rows cannot tell (a unit handed in three
# later periods since). Parameters: p (the stored period, -1 if none), due, end, plan,
# group, confirmed; ``only`` narrows the tasks.
_HANDED = "(s.p1 = %(p)s OR s.p2 = %(p)s OR s.p3 = %(p)s)"
_COUNTS = f"""COUNT(*),
               SUM(CASE WHEN {_HANDED} THEN 1 ELSE 0 END),
               SUM(CASE WHEN (s.p1 = %(p)s AND s.d1 <= %(due)s) OR (s.p2 = %(p)s AND s.d2 <= %(due)s)
                             OR (s.p3 = %(p)s AND s.d3 <= %(due)s) THEN 1 ELSE 0 END),
               SUM(CASE WHEN s.oldest_end >= %(end)s AND NOT {_HANDED} THEN 1 ELSE 0 END)"""


def _due_units(only: str = "") -> str:
    quote = connection.ops.quote_name
    task, task_unit, unit, part = (quote(m._meta.db_table) for m in (Task, TaskUnit, Unit, Part))
    standing, link, plan_table = (quote(m._meta.db_table) for m in (Standing, TaskLink, Plan))
    return f"""
        FROM {task_unit} tu
        JOIN {task} t ON t.id = tu.task_id
        JOIN {part} pa ON pa.id = t.part_id
        JOIN {unit} u ON u.id = tu.unit_id
        LEFT JOIN {standing} s ON s.task_id = tu.task_id AND s.unit_id = tu.unit_id
        WHERE t.plan_id = %(plan)s AND u.kind <> %(group)s {only}
          AND NOT EXISTS (
            SELECT 1 FROM {link} l
            JOIN {task} lt ON lt.id = l.lower_id
            JOIN {plan_table} lp ON lp.id = lt.plan_id
            WHERE l.upper_id = tu.task_id AND l.state = %(confirmed)s
              AND (l.via_unit_id = tu.unit_id OR lp.organisation_id = u.represents_id)
          )"""


def _due_params(plan: Plan, span: PeriodSpan, period_id: int | None, due_date: dt.date) -> dict:
    return {
        "p": period_id or -1,
        "due": due_date,
        "end": span.end,
        "plan": plan.pk,
        "group": UnitKind.GROUP,
        "confirmed": LinkState.CONFIRMED,
    }


def _ordered(rows: dict[str, CompletenessRow]) -> list[CompletenessRow]:
    return sorted(rows.values(), key=lambda r: (-r.missing, -r.late, r.unit))


def _date(value) -> dt.date | None:
    return dt.date.fromisoformat(value) if isinstance(value, str) else value


def _kept(
    plan: Plan, schedule: Schedule, span: PeriodSpan, due_date: dt.date, as_of: dt.date
) -> list[CompletenessRow] | None:
    """Completeness counted over the task units and their kept rows, grouped by unit and
    by what makes a task due (campaign, cadence, start, deadline); None when the kept rows
    cannot answer (something happened after ``as_of``, or a unit handed in three later
    periods since this one)."""
    tasks = Task.objects.filter(plan=plan).values("pk")
    if not answers_for(Q(task_id__in=tasks), as_of):
        return None
    period = Period.objects.filter(cadence=span.cadence, key=span.key).values_list("pk", flat=True).first()
    key = connection.ops.quote_name("key")
    sql = f"""
        SELECT u.name, pa.{key}, t.cadence, t.start, t.deadline, {_COUNTS}
        {_due_units()}
        GROUP BY u.name, pa.{key}, t.cadence, t.start, t.deadline
    """
    params = _due_params(plan, span, period, due_date)
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        groups = cursor.fetchall()
    rows: dict[str, CompletenessRow] = {}
    for name, part_key, cadence, start, deadline, count, handed_in, on_time, unsure in groups:
        if not (
            schedule.cadence(cadence, part_key) == span.cadence
            and schedule.reports_on(span, schedule.start(_date(start)), schedule.deadline(_date(deadline)))
        ):
            continue
        if unsure:
            return None
        row = rows.setdefault(name, CompletenessRow(name))
        row.due += count
        row.submitted += handed_in
        row.on_time += on_time
        row.late += handed_in - on_time
        if as_of > due_date:
            row.missing += count - handed_in
        else:
            row.pending += count - handed_in
    return _ordered(rows)


class DueOfTask(NamedTuple):
    """A task's reports due for a period (one per unit answering for it), those handed
    in on time, and the units they are due of."""

    due: int
    on_time: int
    units: frozenset[int]


def due_by_task(
    plan: Plan,
    schedule: Schedule,
    span: PeriodSpan,
    period_id: int | None,
    as_of: dt.date,
    tasks: Collection[int] | None = None,
) -> dict[int, DueOfTask] | None:
    """For each task of the plan (or of ``tasks``) due for the period: the reports due of
    it and those handed in on time, counted in one query over its task units and their kept
    rows (the figures ``completeness`` sums per unit, kept per task so that a board can
    count again only the tasks whose kept rows changed, ``due_again``). None when the kept
    rows cannot answer (something they hold happened after ``as_of``, or a unit handed in
    three later periods since this one): ``completeness`` then reads the reports."""
    only = ""
    params = _due_params(plan, span, period_id, schedule.due(span)) | {"as_of": as_of}
    if tasks is not None:
        ids = sorted(tasks)
        if not ids:
            return {}
        only = f"AND t.id IN ({', '.join(f'%(t{i})s' for i in range(len(ids)))})"
        params |= {f"t{i}": pk for i, pk in enumerate(ids)}
    key = connection.ops.quote_name("key")
    sql = f"""
        SELECT t.id, pa.{key}, t.cadence, t.start, t.deadline, tu.unit_id, {_COUNTS},
               SUM(CASE WHEN s.stamp > %(as_of)s THEN 1 ELSE 0 END)
        {_due_units(only)}
        GROUP BY t.id, pa.{key}, t.cadence, t.start, t.deadline, tu.unit_id
    """
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        groups = cursor.fetchall()
    found: dict[int, DueOfTask] = {}
    due_of: dict[tuple, bool] = {}  # what makes a task due → whether it is, for the period
    for (
        task_id,
        part_key,
        cadence,
        start,
        deadline,
        unit_id,
        count,
        _handed,
        on_time,
        unsure,
        later,
    ) in groups:
        if later:
            return None
        what = (part_key, cadence, start, deadline)
        if what not in due_of:
            due_of[what] = schedule.cadence(cadence, part_key) == span.cadence and schedule.reports_on(
                span, schedule.start(_date(start)), schedule.deadline(_date(deadline))
            )
        if due_of[what]:
            if unsure:
                return None
            before = found.get(task_id, DueOfTask(0, 0, frozenset()))
            found[task_id] = DueOfTask(before.due + count, before.on_time + on_time, before.units | {unit_id})
    return found


def due_again(
    kept: dict[int, DueOfTask],
    rows: list[tuple],
    period_id: int | None,
    due_date: dt.date,
    end: dt.date,
    as_of: dt.date,
) -> dict[int, DueOfTask] | None:
    """``kept`` (``due_by_task``'s counts of some tasks) counted again from their kept rows
    as ``kept_rows`` reads them (the tasks' units and whether they are due do not change
    with the reports): a row of a unit the task is due of counts on time when it holds the
    period handed in by the due date, as ``_COUNTS`` says. None where those rows cannot
    tell (a unit that has not handed in the period has handed in three later ones since,
    or a row holds what happened after ``as_of``)."""
    period = -1 if period_id is None else period_id  # as ``_due_params``: none stored, none handed in
    on_time = dict.fromkeys(kept, 0)
    for row in rows:
        task_id, unit_id = row[0], row[1]
        if task_id not in kept or unit_id not in kept[task_id].units:
            continue
        p1, p2, p3, oldest_end, stamp, d1, d2, d3 = row[6:14]
        if stamp is not None and stamp > as_of:
            return None
        if period in (p1, p2, p3):
            on_time[task_id] += any(
                p == period and d is not None and d <= due_date for p, d in ((p1, d1), (p2, d2), (p3, d3))
            )
        elif oldest_end is not None and oldest_end >= end:
            return None
    return {pk: due._replace(on_time=on_time[pk]) for pk, due in kept.items()}
