"""Kept rows (``Standing``): for each task and unit, its latest report handed in and the
last three periods it handed in, kept up to date in the transaction of every write that
changes reports, so that today's status, completeness and board read one indexed row per
task and unit instead of a year of reports.

The one rule, written once (``facts``): the reports that count are the current revisions
handed in (``submitted_at`` set); the latest is the one of the period that ends last (of
two ending the same day, the longer one); it is done when at 100 % and accepted. Nothing
here depends on today's date: 序时进度 and the period due are worked out when read, so a
new day needs no write.

Called from the services that write reports (``refresh``), from the unit merge and the
demo's bulk inserts (``rebuild``), by ``luoshi status --rebuild`` and by the data
migration that builds the rows for an existing database.
"""

import datetime as dt
from collections.abc import Iterable
from decimal import Decimal

from django.db import transaction
from django.db.models import F, Q, Window
from django.db.models.functions import RowNumber
from django.utils import timezone

from luoshi.core.compiled import Compiled

from .choices import ReportState

RECENT = 3  # periods kept per task and unit
FIELDS = (
    "period_id",
    "progress",
    "done",
    "problems",
    "p1",
    "d1",
    "p2",
    "d2",
    "p3",
    "d3",
    "oldest_end",
    "stamp",
)
# what is read of a report, latest first: period id, start, end, progress, state,
# accepted at, submitted at, problems
REPORT_COLUMNS = (
    "period_id",
    "period__start",
    "period__end",
    "progress",
    "state",
    "accepted_at",
    "submitted_at",
    "problems",
)


def _day(moment: dt.datetime) -> dt.date:
    return timezone.localdate(moment) if timezone.is_aware(moment) else moment.date()


def rank(start: dt.date, end: dt.date) -> tuple[dt.date, int]:
    """Later is greater: the period that ends last, of two ending the same day the longer."""
    return (end, -start.toordinal())


def facts(reports: Iterable[tuple]) -> dict:
    """The kept fields of a task and unit from its current reports handed in (rows of
    ``REPORT_COLUMNS`` in any order; at least the latest ``RECENT``)."""
    recent = sorted(reports, key=lambda r: rank(r[1], r[2]), reverse=True)[:RECENT]
    values: dict = dict.fromkeys(FIELDS)
    values["done"], values["problems"] = False, ""
    if not recent:
        return values
    period_id, _start, _end, progress, state, accepted_at, _submitted, problems = recent[0]
    done = progress is not None and Decimal(progress) == 100 and state == ReportState.ACCEPTED
    values.update(
        period_id=period_id,
        progress=progress,
        done=done and accepted_at is not None,
        problems=problems or "",
    )
    days = []
    for index, (pid, start, _end, _progress, _state, _accepted, submitted, _problems) in enumerate(recent, 1):
        values[f"p{index}"], values[f"d{index}"] = pid, _day(submitted)
        days += [_day(submitted), start]
    if accepted_at is not None:
        days.append(_day(accepted_at))
    if len(recent) == RECENT:
        values["oldest_end"] = recent[-1][2]
    values["stamp"] = max(days)
    return values


def _counted(reports):
    return reports.filter(is_current=True, submitted_at__isnull=False).order_by()


def refresh(task_id: int, unit_id: int, together=None) -> None:
    """Keep the row of one task and unit up to date after a write of its reports: one
    query for its reports handed in, one upsert (or a delete when none is left); with
    ``together`` (``core.together``) the upsert is sent with the caller's other writes."""
    from .models import Standing

    rows = _COUNTED.all(task_id=task_id, unit_id=unit_id)
    if not rows:
        Standing.objects.filter(task_id=task_id, unit_id=unit_id).delete()
        return
    values = facts(rows)
    upsert = {"update_fields": [*FIELDS, "updated_at"], "unique_fields": ["task", "unit"]}
    standing = Standing(task_id=task_id, unit_id=unit_id, **values)
    if together is not None:
        together.insert(Standing, [standing], **upsert)
    else:
        Standing.objects.bulk_create([standing], update_conflicts=True, **upsert)


def _counted_of(*, task_id: int, unit_id: int):
    from .models import Report

    return _counted(Report.objects.filter(task_id=task_id, unit_id=unit_id)).values_list(*REPORT_COLUMNS)


_COUNTED = Compiled(_counted_of)  # built once per process: every write of reports reads it


def report_written(report, together=None) -> None:
    """The one call of the services after they write a report."""
    refresh(report.task_id, report.unit_id, together)


@transaction.atomic
def rebuild(plan=None, *, task_ids: Iterable[int] | None = None, models=None, batch: int = 5000) -> int:
    """Build the kept rows again from the reports: of one plan, of some tasks, or of
    everything; returns how many rows there are now. ``models`` (Report, Standing, Task)
    lets the data migration pass its historical models."""
    if models is None:
        from luoshi.plans.models import Task

        from .models import Report, Standing
    else:
        Report, Standing, Task = models
    standings = Standing.objects.all()
    reports = _counted(Report.objects.all())
    if plan is not None:
        tasks = Task.objects.filter(plan=plan).values("pk")
        standings = standings.filter(task_id__in=tasks)
        reports = reports.filter(task_id__in=tasks)
    if task_ids is not None:
        ids = list(task_ids)
        standings = standings.filter(task_id__in=ids)
        reports = reports.filter(task_id__in=ids)
    standings.delete()
    latest = reports.annotate(
        n=Window(
            RowNumber(),
            partition_by=[F("task_id"), F("unit_id")],
            order_by=[F("period__end").desc(), F("period__start").asc()],
        )
    ).filter(n__lte=RECENT)
    pairs: dict[tuple[int, int], list[tuple]] = {}
    for row in latest.values_list("task_id", "unit_id", *REPORT_COLUMNS).iterator(chunk_size=20000):
        pairs.setdefault((row[0], row[1]), []).append(row[2:])
    made = [
        Standing(task_id=task_id, unit_id=unit_id, **facts(rows))
        for (task_id, unit_id), rows in pairs.items()
    ]
    Standing.objects.bulk_create(made, batch_size=batch)
    return len(made)


def answers_for(task_filter: Q, as_of: dt.date) -> bool:
    """Whether the kept rows of these tasks (``Q`` on Standing) answer for ``as_of``:
    nothing they hold happened after that day (else the full path reads the reports)."""
    from .models import Standing

    return not Standing.objects.filter(task_filter, stamp__gt=as_of).exists()


def answers_for_plan(plan, as_of: dt.date) -> bool:
    """Whether the kept rows of a plan's tasks answer for ``as_of``."""
    from luoshi.plans.models import Task

    return answers_for(Q(task_id__in=Task.objects.filter(plan=plan).values("pk")), as_of)
