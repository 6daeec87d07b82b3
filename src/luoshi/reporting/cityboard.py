"""The city board (各地挂图): every organisation below one (a city's districts, a
province's cities), each with its campaigns against 序时进度, its late (未报) units and
lagging tasks, and a ranking of them by a stated score.

The lights are the status engine's (``engine.plan_status``, ``engine.completeness``) —
the same a district sees on its own battle map — worked out per plan and kept in memory
per process. What a view costs after the first:

1. the data version of the board's organisation and those below it
   (``board.data_version(org)``, kept by the database's triggers: one small query; what
   is kept is kept per such scope): unchanged since the plans were last checked,
   everything kept answers;
2. else one query fingerprints every plan of the board at once (for each plan, the
   latest change and the count of its kept rows, tasks, task units and milestones, grouped
   by plan — ``fingerprints``), and only the plans whose fingerprint moved are worked out
   again: a report written in one district costs that district's plan, not the city's.

After a write of reports alone, a moved plan is not worked out whole. The kept rows
changed since the last check are found by one indexed query (their change read as text,
none parsed; the periods stored asked with them); the changed tasks' kept rows are read
once (``engine.reports.kept_rows``), those tasks judged again from them on the basis the
plan was judged with (``engine.plan.judge_again``; a plan with tasks linked below others
by the status engine, ``plan_status(tasks=…)``) and put in place of their kept rows, the
plan's figures summed again from its rows, and its 报送率 counted again for those tasks
alone from the same rows (the reports due and on time are kept per task with the units
they are due of, ``engine.completeness.due_by_task``; ``due_again`` counts as its query
does, the query itself only where the rows cannot tell). A line whose plans' figures are
the very ones of the last board keeps the figures it worked out (totals, score). The
organisations and plans below are read again only when their parts of the version moved.
The board's part of the page is kept rendered under the same version (``board_page``),
and each organisation's rows and chart bar of it per the figures they show (the view).
A first view after a write in one district: 5 queries (session, user, data version, the
rows changed, the changed tasks' kept rows) besides the unread count. The kept rows answer
for any date; what depends on the date (序时进度, the lights, the period due) is judged
for the date asked, and a new day works every plan out again.

A change of a reporting policy or campaign cadence (kept per plan series, rare) works
every plan out again.
"""

import datetime as dt
import threading
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from decimal import Decimal
from functools import cached_property
from typing import NamedTuple

from django.db import connection
from django.db.models import Max
from django.utils import timezone
from django.utils.dateparse import parse_datetime

from luoshi.plans.lookups import latest_plans
from luoshi.plans.models import Organisation, Plan, Task, TaskLink, TaskUnit

from . import board as boards
from .engine import PlanStatus, completeness, plan_status
from .engine.completeness import DueOfTask, due_again, due_by_task
from .engine.plan import Basis, basis_of, judge_again, periods_sql
from .engine.reports import kept_rows
from .models import Milestone, Period, Standing
from .periods import PeriodSpan
from .policy import Schedule
from .status import Rollup, Status

LAGGING = (Status.SERIOUS, Status.LAGGING)
# The ranking's score, out of 100, higher is better (stated on the page and in the bulletin):
# 按时报送率 of the latest period due, the share of tasks not lagging, the share of
# responsible units with nothing missing.
WEIGHTS = (Decimal("0.5"), Decimal("0.3"), Decimal("0.2"))
SCORE_RULE = (
    "综合得分 = 最近一期按时报送率 × 50% + 未滞后任务占比 × 30% + 按期报送单位占比 × 20%（满分100）；"
    "得分相同的，滞后任务少者在前，再按组织排序。"
)
HUNDRED = Decimal(100)


@dataclass
class CampaignLine:
    key: str
    title: str
    rollup: Rollup
    plan_id: int


class LaggingTask(NamedTuple):  # a tuple: made for every lagging task each time a plan is summed
    task_id: int
    sid: str
    title: str
    part_key: str
    status: Status
    progress: Decimal | None
    expected: Decimal
    responsible: tuple[str, ...]


@dataclass
class PlanSummary:
    """What the city board keeps of one plan as of a date."""

    plan_id: int
    title: str
    organisation_id: int
    total: Rollup
    campaigns: list[CampaignLine]
    lagging: list[LaggingTask]
    late_units: tuple[str, ...]  # units that have not handed in a report due
    missing_reports: int  # task × unit reports due and not handed in
    units: int  # units answering for the plan's tasks
    due: int  # reports due for the latest period due
    on_time: int
    period_label: str


@dataclass
class OrgLine:
    """One organisation below on the board: its plans' figures taken together (worked out
    once each: the line is not changed once its plans are in)."""

    organisation: Organisation
    has_children: bool
    plans: list[PlanSummary] = field(default_factory=list)
    rank: int = 0

    @cached_property
    def total(self) -> Rollup:
        return _sum(plan.total for plan in self.plans)

    @cached_property
    def campaigns(self) -> list[CampaignLine]:
        return [c for plan in self.plans for c in plan.campaigns]

    @cached_property
    def lagging(self) -> list[LaggingTask]:
        order = {Status.SERIOUS: 0, Status.LAGGING: 1}
        rows = [row for plan in self.plans for row in plan.lagging]
        return sorted(rows, key=lambda r: (order[r.status], r.progress or 0, r.part_key, r.sid))

    @cached_property
    def lagging_count(self) -> int:
        return sum(len(plan.lagging) for plan in self.plans)

    @cached_property
    def late_units(self) -> list[str]:
        return sorted({unit for plan in self.plans for unit in plan.late_units})

    @cached_property
    def missing_reports(self) -> int:
        return sum(plan.missing_reports for plan in self.plans)

    @cached_property
    def on_time_rate(self) -> Decimal | None:
        due = sum(plan.due for plan in self.plans)
        if not due:
            return None
        return (Decimal(sum(plan.on_time for plan in self.plans)) / due * HUNDRED).quantize(Decimal("0.1"))

    @cached_property
    def score(self) -> Decimal:
        """See ``SCORE_RULE``: an organisation with no task scores nothing."""
        tasks = sum(plan.total.total for plan in self.plans)
        if not tasks:
            return Decimal(0)
        units = sum(plan.units for plan in self.plans)
        rate = self.on_time_rate
        on_time = rate if rate is not None else HUNDRED
        not_lagging = (1 - Decimal(self.lagging_count) / tasks) * HUNDRED
        units_ok = (1 - Decimal(len(self.late_units)) / units) * HUNDRED if units else HUNDRED
        a, b, c = WEIGHTS
        return (a * on_time + b * not_lagging + c * max(units_ok, Decimal(0))).quantize(Decimal("0.1"))

    @cached_property
    def period_label(self) -> str:
        return next((plan.period_label for plan in self.plans if plan.period_label), "")


@dataclass
class CityBoard:
    organisation: Organisation
    as_of: dt.date
    lines: list[OrgLine]
    recomputed: int = 0  # plans worked out for this view (the rest were kept)

    @cached_property
    def total(self) -> Rollup:
        return _sum(line.total for line in self.lines)

    @cached_property
    def lagging_count(self) -> int:
        return sum(line.lagging_count for line in self.lines)

    @cached_property
    def late_units_count(self) -> int:
        return sum(len(line.late_units) for line in self.lines)

    @cached_property
    def ranking(self) -> list[OrgLine]:
        return sorted(self.lines, key=lambda line: line.rank)


def _sum(rollups) -> Rollup:
    """The rollups taken together (counts of every status, zero where none)."""
    total = Rollup()
    total.counts = dict.fromkeys(Status, 0)
    for other in rollups:
        total.total += other.total
        for status, n in (other.counts or {}).items():
            total.counts[status] += n
        total.progress_sum += other.progress_sum
        total.expected_sum += other.expected_sum
    return total


# ---------------------------------------------------------------- the plans' figures


def summarise(plan: Plan, as_of: dt.date, *, full: bool = False) -> PlanSummary:
    """The board's figures of one plan, from the status engine; ``full`` reads the
    reports themselves, not the kept rows (the recomputation the board is checked against)."""
    if full:
        frame = _frame(plan, as_of)
        due = (0, 0)
        if frame.span is not None:
            due = _due_in(completeness(plan, frame.span.key, as_of, full=True)[2])
        return _figures(plan, as_of, plan_status(plan, as_of, full=True), frame, due)
    return _worked_out(plan, as_of)[0]


@dataclass
class _Frame:
    """What a plan's figures are summed in that only a change of the plan or its policy
    moves: its campaigns in order, its schedule, the period whose 报送率 is counted (and
    its stored row, once someone has reported on it), and what its rows were judged with
    besides the reports (None for a plan with tasks linked below: their lights weigh
    other plans, the status engine judges them again)."""

    parts: dict[str, str]
    schedule: Schedule
    span: PeriodSpan | None
    period_id: int | None
    basis: Basis | None = None

    def period(self) -> int | None:
        """The stored period counted (looked up again while nobody had reported on it)."""
        if self.period_id is None and self.span is not None:
            self.period_id = (
                Period.objects.filter(cadence=self.span.cadence, key=self.span.key)
                .values_list("pk", flat=True)
                .first()
            )
        return self.period_id


def _frame(plan: Plan, as_of: dt.date) -> _Frame:
    schedule = Schedule.of(plan)
    span, _due_date = boards.reporting_period(plan, as_of, schedule)
    frame = _Frame(dict(plan.parts.order_by("order").values_list("key", "title")), schedule, span, None)
    frame.period()
    return frame


def _due(
    plan: Plan,
    as_of: dt.date,
    frame: _Frame,
    kept: dict[int, DueOfTask] | None = None,
    tasks: set[int] | None = None,
    rows: list[tuple] | None = None,
) -> tuple[tuple[int, int], dict[int, DueOfTask] | None]:
    """The reports due for the period counted and those handed in on time, and the same
    per task (None where the kept rows could not answer): counted again for ``tasks``
    alone when the counts of the others are ``kept`` (from those tasks' kept ``rows``
    when read), else for the whole plan."""
    span = frame.span
    if span is None:
        return (0, 0), {}
    if kept is not None and tasks is not None:
        fresh = None
        if rows is not None:
            asked = {pk: kept[pk] for pk in tasks if pk in kept}  # the others are not due
            fresh = due_again(asked, rows, frame.period(), frame.schedule.due(span), span.end, as_of)
        if fresh is None:
            fresh = due_by_task(plan, frame.schedule, span, frame.period(), as_of, tasks)
        counts = None if fresh is None else {pk: n for pk, n in kept.items() if pk not in tasks} | fresh
    else:
        counts = due_by_task(plan, frame.schedule, span, frame.period(), as_of)
    if counts is None:  # the reports themselves
        return _due_in(completeness(plan, span.key, as_of)[2]), None
    return (sum(n.due for n in counts.values()), sum(n.on_time for n in counts.values())), counts


def _due_in(entries) -> tuple[int, int]:
    """The reports due and those on time of a 报送率 table (``completeness``)."""
    return sum(e.due for e in entries), sum(e.on_time for e in entries)


def _worked_out(
    plan: Plan, as_of: dt.date, *, upper: bool = True
) -> tuple[PlanSummary, PlanStatus, _Frame, dict | None]:
    """A plan worked out whole: its figures, its rows, their frame (with the basis of its
    rows unless it has ``upper`` tasks, linked above others) and its reports due per task."""
    status = plan_status(plan, as_of)
    frame = _frame(plan, as_of)
    if not upper:
        frame.basis = basis_of(plan, as_of)
    due, counts = _due(plan, as_of, frame)
    return _figures(plan, as_of, status, frame, due), status, frame, counts


def _patched(
    plan: Plan,
    as_of: dt.date,
    last: PlanStatus,
    frame: _Frame,
    task_ids: set[int],
    counts: dict[int, DueOfTask] | None,
    periods: tuple | None = None,
) -> tuple[PlanSummary, PlanStatus, dict[int, DueOfTask] | None]:
    """A plan's figures with only ``task_ids`` judged again (their kept rows changed;
    nothing else of the plan did): the other tasks' rows and reports due are kept. Judged
    from the kept basis where there is one (the kept rows of those tasks read, nothing
    else; ``periods``: the periods stored, if read), else by the status engine."""
    rows = kept_rows(task_ids)  # read once: judged again and counted again from them
    due, counts = _due(plan, as_of, frame, counts, task_ids, rows)
    if frame.basis is not None:
        status = judge_again(plan, last, frame.basis, task_ids, rows, periods)
        if status is not None:
            return _figures(plan, as_of, status, frame, due), status, counts
    fresh = {
        row.task_id: row
        for row in plan_status(plan, as_of, tasks=task_ids, window_start=last.window_start).rows
    }
    status = PlanStatus(
        last.plan, as_of, [fresh.get(row.task_id, row) for row in last.rows], last.window_start
    )
    return _figures(plan, as_of, status, frame, due), status, counts


def _figures(
    plan: Plan, as_of: dt.date, status: PlanStatus, frame: _Frame, due_on_time: tuple[int, int]
) -> PlanSummary:
    """The board's figures of one plan summed from its rows, with its 报送率 (the reports
    due for the period counted and those handed in on time)."""
    rows = status.rows
    groups: dict[str, Rollup] = {}
    for row in rows:
        groups.setdefault(row.part_key, Rollup()).add(row.status, row.progress, row.expected)
    campaigns = [
        CampaignLine(key, title, groups[key], plan.pk) for key, title in frame.parts.items() if key in groups
    ]
    lagging = [
        LaggingTask(r.task_id, r.sid, r.title, r.part_key, r.status, r.progress, r.expected, r.responsible)
        for r in rows
        if r.status in LAGGING
    ]
    late: set[str] = set()
    missing = 0
    units: set[str] = set()
    for row in rows:
        late.update(row.missing_units)
        missing += len(row.missing_units)
        units.update(row.responsible)
    due, on_time = due_on_time
    span = frame.span
    total = _sum(groups.values())
    return PlanSummary(
        plan.pk,
        plan.title,
        plan.organisation_id,
        total,
        campaigns,
        lagging,
        tuple(sorted(late)),
        missing,
        len(units),
        due,
        on_time,
        span.label if span else "",
    )


def _raw_prints(plan_ids: list[int]) -> dict[int, tuple]:
    """For each plan, in one query: the latest change and the count of its kept rows,
    tasks, task units and milestones, and its own latest change."""
    if not plan_ids:
        return {}
    q = connection.ops.quote_name
    task, plan = q(Task._meta.db_table), q(Plan._meta.db_table)
    marks = ", ".join(["%s"] * len(plan_ids))
    selects = [
        f"SELECT 'p', id, updated_at, 1 FROM {plan} WHERE id IN ({marks})",
        f"SELECT 't', plan_id, MAX(updated_at), COUNT(*) FROM {task} WHERE plan_id IN ({marks}) GROUP BY plan_id",
    ]
    for kind, model in (("s", Standing), ("u", TaskUnit), ("m", Milestone)):
        table = q(model._meta.db_table)
        selects.append(
            f"SELECT '{kind}', t.plan_id, MAX(x.updated_at), COUNT(*) FROM {table} x "
            f"JOIN {task} t ON t.id = x.task_id WHERE t.plan_id IN ({marks}) GROUP BY t.plan_id"
        )
    prints: dict[int, dict] = {pk: {} for pk in plan_ids}
    with connection.cursor() as cursor:
        cursor.execute(" UNION ALL ".join(selects), list(plan_ids) * len(selects))
        for kind, plan_id, latest, count in cursor.fetchall():
            prints[plan_id][kind] = (str(latest), count)
    return {pk: tuple(sorted(parts.items())) for pk, parts in prints.items()}


def _links() -> dict[int, set[int]]:
    """Upper plan id → the plans whose tasks are linked below its tasks (分解, 对标), at
    any depth: an upper task's light weighs its lower parts (``reporting.rollup``)."""
    direct: dict[int, set[int]] = {}
    for upper, lower in (
        TaskLink.objects.order_by().values_list("upper__plan_id", "lower__plan_id").distinct()
    ):
        direct.setdefault(upper, set()).add(lower)
    below: dict[int, set[int]] = {}
    for upper in direct:
        seen: set[int] = set()
        todo = list(direct[upper])
        while todo:
            pk = todo.pop()
            if pk not in seen and pk != upper:
                seen.add(pk)
                todo += direct.get(pk, ())
        below[upper] = seen
    return below


def _kept_links(scope: int | None, version: tuple) -> dict[int, set[int]]:
    """``_links()``, read again only when the task links of the scope's data version moved."""
    with _lock:
        found = _checked.get(("links", scope))
    if found is not None and found[0] == version[LINK_PARTS]:
        return found[1]
    below = _links()
    with _lock:
        _checked[("links", scope)] = (version[LINK_PARTS], below)
    return below


def _uppers(plan_ids: set[int], below: dict[int, set[int]]) -> set[int]:
    """The plans with tasks linked above the tasks of ``plan_ids`` (at any depth)."""
    return {upper for upper, lower in below.items() if lower & plan_ids}


def fingerprints(plan_ids: list[int]) -> dict[int, tuple]:
    """For each plan, in one query: the latest change and the count of its kept rows,
    tasks, task units and milestones, and its own latest change; with those of the plans
    linked below it (their reports move its lights)."""
    below = _links()
    lower = {pk for plan_id in plan_ids for pk in below.get(plan_id, ())}
    raw = _raw_prints(sorted(set(plan_ids) | lower))
    return {pk: (raw[pk], tuple(raw[x] for x in sorted(below.get(pk, ())))) for pk in plan_ids}


@dataclass
class _Kept:
    """What is kept of a plan: its figures as of a date, the fingerprint they were
    checked against (None: fingerprinted again when next unsure), the data version they
    were last checked at, and the rows and frame they were summed from."""

    as_of: dt.date
    mark: tuple | None
    version: tuple
    summary: PlanSummary
    status: PlanStatus
    frame: _Frame
    counts: dict[int, DueOfTask] | None  # task id → reports due for the period, on time (``_due``)


# (scope, plan id) → what is kept of the plan for the boards of that scope: the data
# version is read over the scope's organisation and those below it (``board.data_version``)
_kept: dict[tuple[int | None, int], _Kept] = {}
# per scope: the data version last checked, with the latest change of the kept rows then;
# and the task links read at a version
_checked: dict[tuple, tuple] = {}
_lock = threading.Lock()
# the parts of ``board.data_version`` kept per plan series, not per plan (reporting
# policies, campaign cadences): when they move, every plan is worked out again
GLOBAL_PARTS = slice(6, 9)
LINK_PARTS = slice(-2, None)  # the task links' (last in ``data_version``)
KEPT_PARTS = slice(0, 2)  # the kept rows' latest change and count
# kept rows changed this long before the latest change seen are read again too (a
# transaction that wrote earlier but committed later is not missed), as in ``board``
SETTLE = boards.SETTLE
PATCH_LIMIT = 50  # more tasks of a plan changed than this: the plan is worked out whole


def clear_memo() -> None:
    with _lock:
        _kept.clear()
        _checked.clear()
        _pages.clear()


def _marked(mark: str) -> dt.datetime:
    """A kept row's latest change as ``_window`` reads it (text), as a datetime."""
    value = parse_datetime(mark)
    if value is None:
        raise ValueError(f"not a time: {mark!r}")
    return value if timezone.is_aware(value) else timezone.make_aware(value, dt.UTC)


def _window(since: dt.datetime) -> tuple[list[tuple], tuple]:
    """The kept rows changed since ``since`` less the settling window, one indexed query:
    (id, the latest change as text — compared as read, none parsed —, task, plan,
    organisation, whether made in the window); and, asked with them, the periods stored
    (``engine.plan.periods_stored``, which the tasks judged again are judged against)."""
    q = connection.ops.quote_name
    standing, task, plan = (q(m._meta.db_table) for m in (Standing, Task, Plan))
    start = connection.ops.adapt_datetimefield_value(since - SETTLE)
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT -1, NULL, n.*, NULL, NULL FROM ({periods_sql()}) n UNION ALL "
            f"SELECT s.id, CAST(s.updated_at AS TEXT), s.task_id, t.plan_id, p.organisation_id, "
            f"CASE WHEN s.created_at >= %s THEN 1 ELSE 0 END "
            f"FROM {standing} s JOIN {task} t ON t.id = s.task_id JOIN {plan} p ON p.id = t.plan_id "
            f"WHERE s.updated_at >= %s",
            [start, start],
        )
        rows = cursor.fetchall()
    head = next(row for row in rows if row[0] == -1)
    return [row for row in rows if row[0] != -1], (head[2], head[3])


def _moved_tasks(
    since: dt.datetime | None, count_delta: int, seen: dict[int, str], orgs: set[int] | None = None
) -> tuple[dict[int, set[int]] | None, dict[int, str], dt.datetime | None, tuple | None]:
    """Plan id → its tasks whose kept rows were written since ``since`` (the rows of the
    settling window already ``seen`` as they are now left out), when that accounts for
    every change: the count of the scope's rows (those of ``orgs``, None: all) moved by
    exactly the rows made there since (so none was deleted); else None (the fingerprints
    decide). Also the window's rows, to be ``seen`` next time, the latest change among
    them (None: the window is empty) and the periods stored (``_window``)."""
    if since is None:
        return None, {}, None, None
    rows, periods = _window(since)
    window = {row[0]: row[1] for row in rows}
    fresh = [row for row in rows if seen.get(row[0]) != row[1]]
    # a row not changed since it was seen is no later than the last check
    latest = max([since, *(_marked(row[1]) for row in fresh)]) if rows else None
    made = sum(
        1
        for pk, _mark, _task, _plan, org, new in fresh
        if pk not in seen and new and (orgs is None or org in orgs)
    )
    if made != count_delta:
        return None, window, latest, periods
    moved: dict[int, set[int]] = {}
    for _pk, _mark, task, plan, *_rest in fresh:
        moved.setdefault(plan, set()).add(task)
    return moved, window, latest, periods


def summaries(
    plans: list[Plan],
    as_of: dt.date,
    version: tuple | None = None,
    *,
    scope: int | None = None,
    orgs: set[int] | None = None,
) -> tuple[dict[int, PlanSummary], int]:
    """Each plan's summary as of a date, and how many were worked out (not kept).

    Kept summaries answer while the data version has not moved. When only the kept rows
    moved (reports written), the tasks they belong to are found by one indexed query and
    only those are judged again (their plans summed again); a plan with tasks linked
    above changed ones is worked out whole. After any other change, or a kept row
    deleted, one query fingerprints the plans and those whose fingerprint moved are
    worked out again.

    ``scope``: the organisation whose data version is read (the plans are of it and those
    below it; None: the installation's); ``version``: that version just read, if it was.
    ``orgs``: the scope's organisations (its kept rows are counted in its version).
    """
    version = version or boards.data_version(scope)
    with _lock:
        kept = {plan.pk: _kept.get((scope, plan.pk)) for plan in plans}
        last = _checked.get(("last", scope))
    result: dict[int, PlanSummary] = {}
    unsure = []
    for plan in plans:
        entry = kept[plan.pk]
        if entry is not None and entry.as_of == as_of and entry.version == version:
            result[plan.pk] = entry.summary
        else:
            unsure.append(plan)
    worked = 0
    if not unsure:
        return result, worked
    moved: dict[int, set[int]] | None = None
    window: dict[int, str] = {}
    watermark: dt.datetime | None = None
    periods: tuple | None = None
    uppers: set[int] = set()
    links = _kept_links(scope, version)
    if last is not None and last[0][KEPT_PARTS.stop :] == version[KEPT_PARTS.stop :]:
        moved, window, watermark, periods = _moved_tasks(
            last[1], int(version[1]) - int(last[0][1]), last[2], orgs
        )
        if moved:
            uppers = _uppers(set(moved), links)
    if watermark is None:  # the latest change of the kept rows, and the rows changed then
        watermark = Standing.objects.aggregate(latest=Max("updated_at"))["latest"]
        if watermark is not None:
            window = {row[0]: row[1] for row in _window(watermark)[0]}
    fingerprinted = []
    for plan in unsure:
        entry = kept[plan.pk]
        if moved is not None and entry is not None and entry.as_of == as_of and entry.version == last[0]:
            changed = moved.get(plan.pk)
            if plan.pk in uppers or (changed and len(changed) > PATCH_LIMIT):
                summary, status, frame, counts = _worked_out(plan, as_of, upper=plan.pk in links)
                entry = _Kept(as_of, None, version, summary, status, frame, counts)
                worked += 1
            elif changed:
                summary, status, counts = _patched(
                    plan, as_of, entry.status, entry.frame, changed, entry.counts, periods
                )
                entry = _Kept(as_of, None, version, summary, status, entry.frame, counts)
                worked += 1
            else:
                entry = replace(entry, version=version)
            result[plan.pk] = entry.summary
            with _lock:
                _kept[(scope, plan.pk)] = entry
        else:
            fingerprinted.append(plan)
    if fingerprinted:
        prints = fingerprints([plan.pk for plan in fingerprinted])
        for plan in fingerprinted:
            entry = kept[plan.pk]
            mark = (prints[plan.pk], version[GLOBAL_PARTS], version[LINK_PARTS])
            if entry is not None and entry.as_of == as_of and entry.mark == mark:
                entry = replace(entry, mark=mark, version=version)
            else:
                summary, status, frame, counts = _worked_out(plan, as_of, upper=plan.pk in links)
                entry = _Kept(as_of, mark, version, summary, status, frame, counts)
                worked += 1
            result[plan.pk] = entry.summary
            with _lock:
                _kept[(scope, plan.pk)] = entry
    with _lock:
        _checked[("last", scope)] = (version, watermark, window)
    return result, worked


# ---------------------------------------------------------------- the board


def has_below(org: Organisation) -> bool:
    return Organisation.objects.filter(parent=org).exists()


def current_plans(org_ids: set[int]) -> list[Plan]:
    """The newest version of each plan series of these organisations."""
    return latest_plans(Plan.objects.filter(organisation_id__in=org_ids))


def _tree(org: Organisation, version: tuple) -> tuple[list[Organisation], list[Organisation], list[Plan]]:
    """The organisations below ``org``, those right below it in order, and the current plans
    of all of them: read again only when the version moved other than by reports' kept rows
    (organisations and plans are parts of it)."""
    key = ("tree", org.pk)
    with _lock:
        found = _checked.get(key)
    if found is not None and found[0] == version[KEPT_PARTS.stop :]:
        return found[1]
    below = list(Organisation.objects.filter(path__startswith=org.path).exclude(pk=org.pk).order_by())
    children = sorted((o for o in below if o.parent_id == org.pk), key=lambda o: (o.order, o.name, o.pk))
    tree = (below, children, current_plans({o.pk for o in below}))
    with _lock:
        _checked[key] = (version[KEPT_PARTS.stop :], tree)
    return tree


def city_board(org: Organisation, as_of: dt.date, version: tuple | None = None) -> CityBoard:
    """The board of the organisations right below ``org``, each with the plans of its own
    and of every organisation below it (a province's line of a city covers its districts)."""
    version = version or boards.data_version(org.pk)
    below, children, plans = _tree(org, version)
    with_children = {o.parent_id for o in below}
    lines = {child.pk: OrgLine(child, child.pk in with_children) for child in children}
    line_of = {}  # organisation id → the line (child) it counts in
    for other in below:
        child = next((c for c in children if other.path.startswith(c.path)), None)
        if child is not None:
            line_of[other.pk] = lines[child.pk]
    plans = [plan for plan in plans if plan.organisation_id in line_of]
    kept, worked = summaries(plans, as_of, version, scope=org.pk, orgs={org.pk, *(o.pk for o in below)})
    for plan in sorted(
        plans, key=lambda p: (len(line_of[p.organisation_id].organisation.path), p.year, p.series)
    ):
        line_of[plan.organisation_id].plans.append(kept[plan.pk])
    _figures_as_before(org.pk, lines)
    ranking = sorted(
        lines.values(),
        key=lambda line: (-line.score, line.lagging_count, line.organisation.order, line.organisation.name),
    )
    for index, line in enumerate(ranking, start=1):
        line.rank = index
    return CityBoard(org, as_of, list(lines.values()), worked)


# what an organisation's line works out from its plans' figures alone (its rank is set on the board)
_DERIVED = tuple(name for name, value in vars(OrgLine).items() if isinstance(value, cached_property))


def _figures_as_before(scope: int, lines: dict[int, OrgLine]) -> None:
    """Each line whose plans' figures are the very ones of the scope's last board takes
    the figures that line worked out (totals, score, late units…): after a write in one
    district the others' lines are not summed again (the figures kept are compared by
    identity: a plan summed again is a new object)."""
    with _lock:
        last = _checked.get(("lines", scope), {})
    for pk, line in lines.items():
        before = last.get(pk)
        same = before is not None and len(before.plans) == len(line.plans)
        if same and all(a is b for a, b in zip(before.plans, line.plans, strict=True)):
            line.__dict__.update({k: v for k, v in before.__dict__.items() if k in _DERIVED})
    with _lock:
        _checked[("lines", scope)] = dict(lines)


def org_line(org: Organisation, as_of: dt.date) -> tuple[OrgLine, list[CampaignLine]]:
    """One organisation's line (its plans and those below it, as on its upper board) and
    the campaigns of its own plans."""
    below = dict(Organisation.objects.filter(path__startswith=org.path).values_list("pk", "parent_id"))
    line = OrgLine(org, any(parent == org.pk for parent in below.values()))
    plans = current_plans(set(below))
    kept, _ = summaries(plans, as_of, scope=org.pk, orgs=set(below))
    own = [kept[plan.pk] for plan in plans if plan.organisation_id == org.pk]
    line.plans = own + [kept[plan.pk] for plan in plans if plan.organisation_id != org.pk]
    return line, [c for summary in own for c in summary.campaigns]


# ---------------------------------------------------------------- the page

PAGES = 64  # boards kept with their rendered page part (organisations × dates × versions)
_pages: OrderedDict[tuple, tuple[CityBoard, str]] = OrderedDict()


def board_page(
    org: Organisation, as_of: dt.date, render: Callable[[CityBoard], str]
) -> tuple[CityBoard, str]:
    """The board of ``org`` and ``render(board)`` (its part of the page, the same for
    whoever may see it), worked out and rendered once per organisation, date, data version
    (which covers the organisations below: their names, order, one added or moved); a
    board taken as kept says it worked out nothing."""
    version = boards.data_version(org.pk)
    key = (org.pk, as_of, version)
    with _lock:
        found = _pages.get(key)
        if found is not None:
            _pages.move_to_end(key)
    if found is not None:
        return replace(found[0], recomputed=0), found[1]
    board = city_board(org, as_of, version)
    html = render(board) if board.lines else ""
    with _lock:
        _pages[key] = (board, html)
        while len(_pages) > PAGES:
            _pages.popitem(last=False)
    return board, html
