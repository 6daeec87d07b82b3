"""The reports handed in by a date: for each (task, unit), its latest report, and whether
its report for the task's latest due period is in.

They are read from a window that starts with the earliest latest due period of the
tasks; a unit with nothing in the window falls back to its last earlier report (for the
progress shown, and for a task already done). The latest report is the one of the period
that ends last (of two ending the same day, the longer one).
"""

import datetime as dt
from collections.abc import Collection
from dataclasses import dataclass
from decimal import Decimal
from typing import NamedTuple

from django.db import connection
from django.db.models import BooleanField, ExpressionWrapper, Q, QuerySet
from django.utils import timezone

from luoshi.core.compiled import Compiled
from luoshi.plans.models import Plan, Task

from ..choices import ReportState
from ..models import Period, Report

# A (task, unit) pair is keyed by ``task id << KEY_SHIFT | unit id``: ints hash faster
# than pairs, and there are many.
KEY_SHIFT = 24
# A unit with no report in the window is looked up first in the periods that end in these
# days before it (the period just before it of each cadence, where nearly all are found),
# then in everything older.
FALLBACK_STEP = dt.timedelta(days=15)


def end_of(day: dt.date) -> dt.datetime:
    """The last moment of a day in the configured time zone."""
    return timezone.make_aware(dt.datetime.combine(day, dt.time.max))


# What the status takes from a report, straight from the database: task id, unit id,
# period id, progress, done (100 % and accepted by the date), problems. Plain tuples read by
# unpacking: there are about as many as tasks, and the garbage collector stops watching a
# plain tuple of numbers and text the first time it meets one (it keeps walking named
# tuples and other objects, again and again while the heap grows).
REPORT_FIELDS = ("task_id", "unit_id", "period_id", "progress", "done", "problems")
ReportFact = tuple[int, int, int, Decimal | None, bool, str]


class PeriodRow(NamedTuple):
    """A stored period: its id, first and last day."""

    pk: int
    start: dt.date
    end: dt.date


@dataclass
class HandedIn:
    """The reports of the tasks handed in by a date, by (task, unit) key."""

    latest: dict[int, ReportFact]
    due_in: set[int]  # keys whose report for the task's latest due period is in


def handed_in(
    plan: Plan,
    task_ids: list[int] | None,
    due: dict[int, int | None],
    window_start: dt.date | None,
    responsible: dict[int, tuple[int, ...]],
    as_of: dt.date,
) -> HandedIn:
    """The reports handed in by ``as_of`` for the plan's tasks (``task_ids``, or all).

    ``due``: task id → the stored period of its latest due period (tasks with one; None
    if nobody has reported on it yet); ``window_start``: the first day of the earliest of
    those; ``responsible``: task id → the units that must report.
    """
    moment = end_of(as_of)
    periods = [PeriodRow._make(row) for row in Period.objects.order_by().values_list("pk", "start", "end")]
    # the rank of a period among the others: later end first, then earlier start
    rank = {p.pk: i for i, p in enumerate(sorted(periods, key=lambda p: (p.end, -p.start.toordinal())))}
    reports = Report.objects.filter(is_current=True, submitted_at__lte=moment).order_by()
    # "done" is worked out by the database: 100 % and accepted by the date
    reports = reports.annotate(
        done=ExpressionWrapper(
            Q(progress=100, state=ReportState.ACCEPTED, accepted_at__lte=moment), BooleanField()
        )
    )
    window = reports.filter(
        task_id__in=Task.objects.filter(plan=plan).values("pk") if task_ids is None else task_ids
    )
    if window_start:
        window = window.filter(
            period_id__in=[p.pk for p in periods if p.end >= window_start and p.start <= as_of]
        )
    found = HandedIn({}, set())
    latest, due_in = found.latest, found.due_in
    latest_rank: dict[int, int] = {}  # key → rank of the period of its latest report
    rank_get, due_of = latest_rank.get, due.get
    for fact in window.values_list(*REPORT_FIELDS):
        task_id, unit_id, period_id, _progress, _done, _problems = fact
        key = task_id << KEY_SHIFT | unit_id
        period_rank = rank[period_id]
        if period_rank > rank_get(key, -1):
            latest_rank[key] = period_rank
            latest[key] = fact
        if due_of(task_id) == period_id:
            due_in.add(key)
    if window_start:
        gaps = {task_id << KEY_SHIFT | uid for task_id in due for uid in responsible[task_id]}
        gaps.difference_update(latest)
        if gaps:
            _fill_gaps(reports, gaps, latest, rank, periods, window_start)
    return found


def _fill_gaps(
    reports: QuerySet[Report],
    gaps: set[int],
    latest: dict[int, ReportFact],
    rank: dict[int, int],
    periods: list[PeriodRow],
    window_start: dt.date,
) -> None:
    """The last report before the window of each (task, unit) key in ``gaps``, into
    ``latest``: first from the periods that end in the ``FALLBACK_STEP`` before the window,
    then from all older ones for the keys still without."""
    step_start = window_start - FALLBACK_STEP
    recent = [p.pk for p in periods if step_start <= p.end < window_start]
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
        best: dict[int, ReportFact] = {}
        best_rank: dict[int, int] = {}
        for fact in found.values_list(*REPORT_FIELDS):
            task_id, unit_id, period_id, _progress, _done, _problems = fact
            key = task_id << KEY_SHIFT | unit_id
            if key in gaps and rank[period_id] > best_rank.get(key, -1):
                best_rank[key] = rank[period_id]
                best[key] = fact
        latest.update(best)
        gaps.difference_update(best)


# what ``kept_handed_in`` reads of a kept row; ``kept_rows`` adds the latest date it holds
# (``stamp``: whether it answers for a date) and the dates the three periods were handed in
KEPT_FIELDS = (
    "task_id",
    "unit_id",
    "period_id",
    "progress",
    "done",
    "problems",
    "p1",
    "p2",
    "p3",
    "oldest_end",
)
ROW_FIELDS = (*KEPT_FIELDS, "stamp", "d1", "d2", "d3")


def _kept_of_tasks(**tasks: int):
    from ..models import Standing

    ids = [tasks[f"t{i}"] for i in range(len(tasks))]
    return Standing.objects.filter(task_id__in=ids).order_by().values_list(*ROW_FIELDS)


# the kept rows of a few tasks (a board judging again the tasks whose reports were written):
# built once per process and number of tasks, up to this many
FEW_TASKS = 16
_KEPT_OF_TASKS = Compiled(_kept_of_tasks)


def kept_rows(task_ids: Collection[int]) -> list[tuple]:
    """The kept rows of these tasks, as ``ROW_FIELDS``: read once by a caller that both
    judges the tasks again (``kept_handed_in``) and counts their reports due."""
    from ..models import Standing

    ids = list(task_ids)
    if 0 < len(ids) <= FEW_TASKS:
        return _KEPT_OF_TASKS.all((len(ids),), **{f"t{i}": pk for i, pk in enumerate(ids)})
    return list(Standing.objects.filter(task_id__in=ids).order_by().values_list(*ROW_FIELDS))


def period_spans() -> dict[int, tuple[dt.date, dt.date]]:
    """Every stored period's start and end, by id."""
    return {
        pk: (start, end) for pk, start, end in Period.objects.order_by().values_list("pk", "start", "end")
    }


def kept_handed_in(
    plan: Plan,
    task_ids: list[int] | None,
    due: dict[int, int | None],
    window_start: dt.date | None,
    as_of: dt.date,
    periods: dict[int, tuple[dt.date, dt.date]] | None = None,
    rows: list[tuple] | None = None,
) -> HandedIn | None:
    """The same as ``handed_in``, read from the kept rows (``reporting.kept``): one row
    per task and unit instead of the reports. None when the rows cannot answer for
    ``as_of`` (something in them happened after it, ``kept.answers_for``: a past date
    takes the full path). ``periods``: every stored period's start and end, if known;
    ``rows``: the kept rows of ``task_ids`` (``kept_rows``), if read already."""
    from ..kept import answers_for
    from ..models import Standing

    periods = periods if periods is not None else period_spans()
    found = HandedIn({}, set())
    latest, due_in = found.latest, found.due_in
    unsure: dict[int, tuple[int, int, int]] = {}  # key → (task, unit, period): beyond the three kept
    due_get = due.get
    # the rows as they come (task, unit, period, progress, done, problems, …: a
    # ``ReportFact`` and more), one per task and unit; for some tasks, whether each holds
    # what happened after the date is read with it (for a whole plan, one query first)
    if task_ids is None:
        if not answers_for(Q(task_id__in=Task.objects.filter(plan=plan).values("pk")), as_of):
            return None
        rows = Standing.objects.filter(task__plan=plan).order_by().values_list(*KEPT_FIELDS)
    else:
        rows = kept_rows(task_ids) if rows is None else rows
        if any(r[2] not in periods or (r[8] is not None and r[8] not in periods) for r in rows):
            return None  # a period stored after those known (a write since): cannot answer
    for row in rows:
        if task_ids is not None and row[10] is not None and row[10] > as_of:
            return None  # the row holds what happened after the date (``kept.answers_for``)
        task_id = row[0]
        key = task_id << KEY_SHIFT | row[1]
        wanted = due_get(task_id, 0)
        if wanted:
            if wanted == row[6] or wanted == row[7] or wanted == row[8]:
                due_in.add(key)
            elif row[9] is not None and (row[9], -periods[row[8]][0].toordinal()) > (
                periods[wanted][1],
                -periods[wanted][0].toordinal(),
            ):
                unsure[key] = (task_id, row[1], wanted)
        elif wanted == 0 and window_start and periods[row[2]][1] < window_start:
            continue  # as the full path: a task with nothing due reads only the window
        latest[key] = row
    if unsure:
        in_period = Report.objects.filter(
            is_current=True,
            submitted_at__lte=end_of(as_of),
            period_id__in={period for _t, _u, period in unsure.values()},
            task_id__in={task for task, _u, _p in unsure.values()},
        ).order_by()
        for task_id, unit_id, period_id in in_period.values_list("task_id", "unit_id", "period_id"):
            key = task_id << KEY_SHIFT | unit_id
            if key in unsure and unsure[key][2] == period_id:
                due_in.add(key)
    return found
