"""The light of every task of a plan as of a date, in phases:

1. load the tasks, the units on them and the campaigns (``_load``): what does not change
   between two calls unless the plan does, kept per process (``Structure``) under a
   fingerprint of the tables it comes from read in one query (``structure_version``), so
   that today's status reads only the kept rows, the milestones and that fingerprint;
2. each task's timing: cadence, start, deadline, expected progress and latest due
   period, worked out once per combination (``_timings``);
3. who must report each task: its leads, or where the clause names no lead every unit
   on it, less group phrases (区直有关单位), which have nobody to log in
   (``_responsible``);
4. the reports handed in by the date (``reports.handed_in``);
5. the milestones past their date and not done by it (``_overdue_milestones``);
6. each task judged by ``status.task_status`` into a ``TaskRow`` (``_judge``; the facts
   of a task several units answer for taken together by ``_several``).

Who must report a task answers for its light; each cooperator also files its own
contribution, which counts for completeness but not for the light.
"""

import datetime as dt
import gc
import threading
from collections import OrderedDict
from collections.abc import Collection, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from decimal import Decimal
from operator import itemgetter
from typing import NamedTuple

from django.db import connection
from django.db.models import Q

from luoshi.plans.choices import TaskRole, UnitKind
from luoshi.plans.models import Part, Plan, Section, Task, TaskUnit, Unit

from ..models import CampaignCadence, Milestone, Period, ReportingPolicy
from ..periods import PeriodSpan, span_for_key
from ..policy import Schedule
from ..rollup import carried, combine, links_of, parts_for
from ..status import Light, Thresholds, combined_progress, expected_progress, task_light
from .reports import KEY_SHIFT, HandedIn, handed_in, kept_handed_in, period_spans
from .rows import PlanStatus, TaskRow

# A task as stored (its own cadence, start and deadline may be blank): pk, sid, title,
# part id, cadence, start, deadline, section order. Plain tuples read by unpacking, like
# the reports (see ``reports.REPORT_FIELDS``): there is one per task.
TASK_FIELDS = ("pk", "section__sid", "title", "part_id", "cadence", "start", "deadline", "section__order")
TaskRecord = tuple[int, str, str, int, str, dt.date | None, dt.date | None, int]


class Timing(NamedTuple):
    """What a task's reporting follows from its cadence, campaign, start and deadline, the
    plan's policy and the date; shared by the tasks of the same combination."""

    part_key: str
    part_title: str
    cadence: str
    start: dt.date
    deadline: dt.date
    expected: Decimal
    due: PeriodSpan | None  # the latest period whose report was due by the date
    due_period_id: int | None  # its stored period (None if nobody has reported on it yet)


@dataclass
class Roles:
    """The units on the tasks, each in the order of the clause (tuples, like the rest of
    what there is one of per task: see ``reports.REPORT_FIELDS``)."""

    leads: dict[int, tuple[int, ...]]  # task id → unit ids
    cooperators: dict[int, tuple[int, ...]]
    names: dict[int, str]  # unit id → name
    groups: set[int]  # unit ids of group phrases
    represents: dict[int, int | None] = field(default_factory=dict)  # unit id → lower organisation


@dataclass
class Loaded:
    """The tasks asked for, the units on them and the plan's campaigns."""

    tasks: list[TaskRecord]  # in the order of their sections
    ids: list[int]  # their pks, in the same order
    task_ids: list[int] | None  # the same when only some were asked for; None: all the plan's
    roles: Roles
    parts: dict[int, tuple[str, str]]  # part id → (key, title)


def plan_status(
    plan: Plan,
    as_of: dt.date,
    *,
    campaign: str | None = None,
    unit: str | None = None,
    period: str | None = None,
    full: bool = False,
    tasks: Collection[int] | None = None,
    window_start: dt.date | None = None,
) -> PlanStatus:
    """The light of every task of ``plan`` as of ``as_of``; only the tasks of a campaign
    or a unit if asked.

    ``period`` (a key such as ``2025-05-3``) asks as of that period's end instead.
    The reports handed in are read from the kept rows (``reporting.kept``) when they
    answer for the date, else from the reports themselves; ``full`` always does the
    latter (the recomputation the kept rows are checked against) and reads the plan's
    tasks afresh too.

    ``tasks`` (ids) asks for those tasks only, as they come out of the whole plan's
    status whose ``window_start`` is given (``board`` refreshes the tasks a write touched).
    """
    if period:
        as_of = span_for_key(period).end
    schedule = Schedule.of(plan)
    structure = _build(plan) if full else structure_of(plan)
    loaded = structure.loaded(campaign, unit, tasks)
    timings, distinct, due = structure.timings(schedule, loaded, as_of)
    links = links_of(loaded.task_ids, plan=plan)
    gone = carried(links, _unit_rows(loaded.roles)) if links else set()
    responsible, singles = structure.without(gone) if gone else (structure.responsible, structure.singles)
    if tasks is None:
        window_start = min((timing.due.start for timing in distinct if timing.due), default=None)
    with no_collection():
        reports = None if full else kept_handed_in(plan, loaded.task_ids, due, window_start, as_of)
        if reports is None:
            reports = handed_in(plan, loaded.task_ids, due, window_start, responsible, as_of)
        overdue = _overdue_milestones(plan, as_of)
        rows = _judge(
            structure, loaded, timings, responsible, singles, reports, overdue, as_of, schedule.thresholds
        )
    if links:
        _weigh_parts(
            rows,
            parts_for(
                links,
                loaded.roles.leads,
                loaded.roles.represents,
                as_of,
                cooperators=loaded.roles.cooperators,
                full=full,
            ),
            responsible,
        )
    return PlanStatus(plan, as_of, rows, window_start)


@dataclass
class Basis:
    """What a whole plan's rows as of a date were judged with besides the reports: its
    structure, schedule and overdue milestones, and the stored periods then (a period
    stored since moves the tasks' due periods). Kept by a caller that judges again the
    tasks whose reports alone changed (``judge_again``)."""

    structure: "Structure"
    schedule: Schedule
    overdue: dict[int, tuple[int, tuple[str, dt.date]]]
    periods: tuple
    index: dict[int, int]  # task id → its place among the plan's tasks
    spans: dict[int, tuple[dt.date, dt.date]]  # those periods' start and end, by id


def periods_sql() -> str:
    """How many periods are stored and the latest id (a period stored moves the tasks' due
    periods): one small query, written out (a board judging one task again reads it on
    every view after a write, ``cityboard`` with its other question)."""
    return f"SELECT COUNT(*), MAX(id) FROM {connection.ops.quote_name(Period._meta.db_table)}"


def periods_stored() -> tuple:
    with connection.cursor() as cursor:
        cursor.execute(periods_sql())
        n, latest = cursor.fetchone()
    return (n, latest)


def basis_of(plan: Plan, as_of: dt.date) -> Basis:
    """The basis of ``plan_status(plan, as_of)`` (read again: the structure is the one
    it kept)."""
    structure = structure_of(plan)
    return Basis(
        structure,
        Schedule.of(plan),
        _overdue_milestones(plan, as_of),
        periods_stored(),
        {pk: index for index, pk in enumerate(structure.all.ids)},
        period_spans(),
    )


def judge_again(
    plan: Plan,
    last: PlanStatus,
    basis: Basis,
    tasks: Collection[int],
    rows: list[tuple] | None = None,
    periods: tuple | None = None,
) -> PlanStatus | None:
    """``last`` (the whole plan's status) with ``tasks`` judged again from their kept rows
    (``rows``, if the caller read them: ``kept_rows(tasks)``), everything else as
    ``basis`` holds it: for a caller that knows only kept rows changed since (nothing of
    the plan, its policy or milestones), and that none of the plan's tasks has lower parts
    linked (their lights weigh other plans). None when it cannot answer: a period stored
    since (``periods``: ``periods_stored()``, if the caller read it), or kept rows that do
    not answer for the date."""
    as_of = last.as_of
    if (periods if periods is not None else periods_stored()) != basis.periods:
        return None
    structure, schedule = basis.structure, basis.schedule
    loaded = structure.loaded(None, None, tasks)
    every, _distinct, every_due = structure.timings(schedule, structure.all, as_of)
    timings = [every[basis.index[pk]] for pk in loaded.ids]
    due = {pk: every_due[pk] for pk in loaded.ids if pk in every_due}
    with no_collection():
        if rows is not None and len(loaded.ids) != len(tasks):  # only the plan's tasks
            rows = [row for row in rows if row[0] in basis.index]
        reports = kept_handed_in(plan, loaded.task_ids, due, last.window_start, as_of, basis.spans, rows)
        if reports is None:
            return None
        rows = _judge(
            structure,
            loaded,
            timings,
            structure.responsible,
            structure.singles,
            reports,
            basis.overdue,
            as_of,
            schedule.thresholds,
        )
    fresh = {row.task_id: row for row in rows}
    return PlanStatus(last.plan, as_of, [fresh.get(row.task_id, row) for row in last.rows], last.window_start)


@contextmanager
def no_collection() -> Iterator[None]:
    """The cyclic garbage collector held off while a row per task is made: the rows hold
    no cycles, and each collection of the older generations would walk every object of
    the process (the plan structures kept among them) again and again while they grow;
    what was made is looked at once, afterwards."""
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


# ---------------------------------------------------------------- the plan's structure

STRUCTURES = 4  # plans whose structure a process keeps
TIMINGS = 8  # dates whose timings a structure keeps
_structures: OrderedDict[int, tuple[tuple, "Structure"]] = OrderedDict()
_lock = threading.Lock()


def forget() -> None:
    """Drop the structures kept (tests whose data was rolled back)."""
    with _lock:
        _structures.clear()


def structure_version(plan: Plan) -> tuple:
    """A fingerprint of everything ``Structure`` is read from, in one query: the number of
    rows and the latest change (and, where rows are deleted and made again, the highest
    id) of the plan, its tasks, sections and campaigns, its task units and their units,
    its organisation's reporting policies and campaign cadences, and the stored periods —
    each read through an index, so that it costs the plan's rows whatever else the
    installation holds."""
    quote = connection.ops.quote_name
    tasks = f"SELECT id FROM {quote(Task._meta.db_table)} WHERE plan_id = %s"
    units = f"SELECT unit_id FROM {quote(TaskUnit._meta.db_table)} WHERE {_among('task_id', tasks)}"
    parts, params = [], []
    for model, scope, param, measures in (
        (Plan, "id = %s", plan.pk, ("MAX(updated_at)",)),
        (Task, "plan_id = %s", plan.pk, ("COUNT(*)", "MAX(updated_at)", "MAX(id)")),
        (Section, "plan_id = %s", plan.pk, ("COUNT(*)", "MAX(updated_at)")),
        (Part, "plan_id = %s", plan.pk, ("COUNT(*)", "MAX(updated_at)")),
        (TaskUnit, _among("task_id", tasks), plan.pk, ("COUNT(*)", "MAX(updated_at)", "MAX(id)")),
        (Unit, _among("id", units), plan.pk, ("COUNT(*)", "MAX(updated_at)")),
        (ReportingPolicy, "organisation_id = %s", plan.organisation_id, ("COUNT(*)", "MAX(updated_at)")),
        (CampaignCadence, "organisation_id = %s", plan.organisation_id, ("COUNT(*)", "MAX(updated_at)")),
        (Period, "", None, ("COUNT(*)", "MAX(id)")),  # shared by every plan, a few per year
    ):
        where = f" WHERE {scope}" if scope else ""
        for measure in measures:  # a subquery each: no join of them for the planner to order
            parts.append(f"(SELECT {measure} FROM {quote(model._meta.db_table)}{where})")
            params += [param] * scope.count("%s")
    with connection.cursor() as cursor:
        cursor.execute("SELECT " + ", ".join(parts), params)
        return tuple(str(value) for value in cursor.fetchone())


def _among(column: str, ids: str) -> str:
    """``column`` among the ids a SELECT gives; on PostgreSQL gathered first, so that the
    rows are found through the column's index (``= ANY(ARRAY(…))``) whatever the planner
    guesses."""
    if connection.vendor == "postgresql":
        return f"{column} = ANY(ARRAY({ids}))"
    return f"{column} IN ({ids})"


def structure_of(plan: Plan) -> "Structure":
    """The plan's structure, read once per process and again when its fingerprint moves."""
    version = structure_version(plan)
    with _lock:
        kept = _structures.get(plan.pk)
        if kept is not None and kept[0] == version:
            _structures.move_to_end(plan.pk)
            return kept[1]
    with no_collection():
        structure = _build(plan)
    with _lock:
        _structures[plan.pk] = (version, structure)
        _structures.move_to_end(plan.pk)
        while len(_structures) > STRUCTURES:
            _structures.popitem(last=False)
    return structure


@dataclass
class Structure:
    """What the status reads of a plan that changes only when the plan, its tasks, units
    or policy do: the tasks in the order of their sections, the units on them, the
    campaigns, who must report each task, and per task what its row shows unchanged
    (``fixed``: pk, sid, title, lead names, cooperator names). The timings of the last
    few dates asked are kept with it."""

    all: Loaded
    responsible: dict[int, tuple[int, ...]]
    fixed: dict[int, tuple[int, str, str, tuple[str, ...], tuple[str, ...]]]
    singles: dict[int, tuple[int, tuple[str]]]  # task with one responsible unit → (key, (its name,))
    unit_tasks: dict[str, set[int]]  # unit name → the tasks it is on (lead or cooperator)
    _timings: OrderedDict = field(default_factory=OrderedDict)

    def loaded(self, campaign: str | None, unit: str | None, only: Collection[int] | None) -> Loaded:
        """The tasks asked for: all, or those of a campaign, a unit or the ids given."""
        if not (campaign or unit or only is not None):
            return self.all
        keep: set[int] | None = None if only is None else set(only)
        if campaign:
            parts = {
                pk for pk, (key, title) in self.all.parts.items() if key == campaign or campaign in title
            }
            chosen = {record[0] for record in self.all.tasks if record[3] in parts}
            keep = chosen if keep is None else keep & chosen
        if unit:
            chosen = self.unit_tasks.get(unit, set())
            keep = chosen if keep is None else keep & chosen
        assert keep is not None
        records = [record for record in self.all.tasks if record[0] in keep]
        ids = [record[0] for record in records]
        return Loaded(records, ids, ids, self.all.roles, self.all.parts)

    def without(
        self, gone: set[tuple[int, int]]
    ) -> tuple[dict[int, tuple[int, ...]], dict[int, tuple[int, tuple[str]]]]:
        """Who must report each task, and the tasks with one such unit, less the units
        whose duty a lower organisation's linked task carries (``gone``: task, unit)."""
        responsible, singles = dict(self.responsible), dict(self.singles)
        names = self.all.roles.names
        for pk, uid in gone:
            if uid not in responsible.get(pk, ()):
                continue
            ids = responsible[pk] = tuple([u for u in responsible[pk] if u != uid])
            singles.pop(pk, None)
            if len(ids) == 1:
                singles[pk] = (pk << KEY_SHIFT | ids[0], (names[ids[0]],))
        return responsible, singles

    def timings(
        self, schedule: Schedule, loaded: Loaded, as_of: dt.date
    ) -> tuple[list[Timing], list[Timing], dict[int, int | None]]:
        """Each task's timing in the order of the tasks, the distinct ones, and the tasks
        with a period due: task id → its stored period (``_timings``); for the whole plan
        kept per date."""
        whole = loaded is self.all
        if whole:
            with _lock:
                found = self._timings.get(as_of)
            if found is not None:
                return found
        timings, distinct = _timings(schedule, loaded, as_of)
        due = {pk: timing.due_period_id for pk, timing in zip(loaded.ids, timings, strict=True) if timing.due}
        if whole:
            with _lock:
                self._timings[as_of] = (timings, distinct, due)
                while len(self._timings) > TIMINGS:
                    self._timings.popitem(last=False)
        return timings, distinct, due


def _build(plan: Plan) -> Structure:
    loaded = _load(plan)
    roles = loaded.roles
    names_of = _NameTuples(roles.names)
    no_ids: tuple[int, ...] = ()
    fixed = {
        pk: (
            pk,
            sid,
            title,
            names_of[roles.leads.get(pk, no_ids)],
            names_of[roles.cooperators.get(pk, no_ids)],
        )
        for pk, sid, title, *_rest in loaded.tasks
    }
    unit_tasks: dict[str, set[int]] = {}
    for group in (roles.leads, roles.cooperators):
        for pk, unit_ids in group.items():
            for unit_id in unit_ids:
                unit_tasks.setdefault(roles.names[unit_id], set()).add(pk)
    responsible = _responsible(loaded)
    singles = {
        pk: (pk << KEY_SHIFT | ids[0], (roles.names[ids[0]],))
        for pk, ids in responsible.items()
        if len(ids) == 1
    }
    return Structure(loaded, responsible, fixed, singles, unit_tasks)


def _load(plan: Plan) -> Loaded:
    tasks = Task.objects.filter(plan=plan)
    records: list[TaskRecord] = list(tasks.order_by().values_list(*TASK_FIELDS))
    records.sort(key=itemgetter(TASK_FIELDS.index("section__order")))  # cheaper than in the database
    ids = list(map(itemgetter(TASK_FIELDS.index("pk")), records))
    parts = {
        pk: (key, title)
        for pk, key, title in Part.objects.filter(plan=plan).order_by().values_list("pk", "key", "title")
    }
    return Loaded(records, ids, None, _roles(plan), parts)


def _roles(plan: Plan) -> Roles:
    task_units = TaskUnit.objects.filter(task__plan=plan)
    # (order, id) puts them in the clause's order; sorted here, not by the database
    rows = sorted(task_units.order_by().values_list("order", "id", "task_id", "unit_id", "role"))
    roles = Roles({}, {}, {}, set())
    lead = TaskRole.LEAD
    for _order, _pk, task_id, unit_id, role in rows:
        group = roles.leads if role == lead else roles.cooperators
        group[task_id] = group.get(task_id, ()) + (unit_id,)
    unit_ids = {unit_id for _order, _pk, _task_id, unit_id, _role in rows}
    for pk, name, kind, represents in (
        Unit.objects.filter(pk__in=unit_ids).order_by().values_list("pk", "name", "kind", "represents_id")
    ):
        roles.names[pk] = name
        if represents is not None:
            roles.represents[pk] = represents
        if kind == UnitKind.GROUP:
            roles.groups.add(pk)
    return roles


def _timings(schedule: Schedule, loaded: Loaded, as_of: dt.date) -> tuple[list[Timing], list[Timing]]:
    """Each task's timing, in the order of the tasks, and the distinct ones: the same
    object for every task of the same cadence, campaign, start and deadline."""
    combos = [
        (cadence, part_id, start, deadline) for _, _, _, part_id, cadence, start, deadline, _ in loaded.tasks
    ]
    spans: dict[tuple[str, dt.date, dt.date], PeriodSpan | None] = {}
    expectations: dict[tuple[dt.date, dt.date], Decimal] = {}
    resolved = {}
    for raw in set(combos):
        task_cadence, part_id, task_start, task_deadline = raw
        part_key, part_title = loaded.parts[part_id]
        cadence = schedule.cadence(task_cadence, part_key)
        start, deadline = schedule.start(task_start), schedule.deadline(task_deadline)
        if (cadence, start, deadline) not in spans:
            spans[(cadence, start, deadline)] = schedule.latest_due_span(cadence, start, deadline, as_of)
        if (start, deadline) not in expectations:
            expectations[(start, deadline)] = expected_progress(start, deadline, as_of)
        resolved[raw] = (part_key, part_title, cadence, start, deadline, expectations[(start, deadline)])
    stored = _stored_periods({span for span in spans.values() if span})
    shared = {}
    for raw, (part_key, part_title, cadence, start, deadline, expected) in resolved.items():
        due = spans[(cadence, start, deadline)]
        due_period_id = stored.get((due.cadence, due.key)) if due else None
        shared[raw] = Timing(part_key, part_title, cadence, start, deadline, expected, due, due_period_id)
    timings = [shared[raw] for raw in combos]
    return timings, list(shared.values())


def _stored_periods(spans: set[PeriodSpan]) -> dict[tuple[str, str], int]:
    """(cadence, key) → id of the stored periods among ``spans``."""
    periods = Period.objects.filter(key__in={span.key for span in spans} or ["-"]).order_by()
    return {(cadence, key): pk for pk, cadence, key in periods.values_list("pk", "cadence", "key")}


def _responsible(loaded: Loaded, gone: set[tuple[int, int]] = frozenset()) -> dict[int, tuple[int, ...]]:  # type: ignore[assignment]
    """Task id → the units that must report it: not group phrases, nor a unit whose duty a
    lower organisation's linked task carries (``gone``, see ``reporting.rollup``)."""
    roles = loaded.roles
    leads, cooperators, groups = roles.leads, roles.cooperators, roles.groups
    responsible = {}
    for pk in loaded.ids:
        ids = leads.get(pk) or cooperators.get(pk) or ()
        responsible[pk] = tuple([uid for uid in ids if uid not in groups]) if groups else ids
    for pk, uid in gone:
        if pk in responsible and uid in responsible[pk]:
            responsible[pk] = tuple([u for u in responsible[pk] if u != uid])
    return responsible


def _unit_rows(roles: Roles):
    """(task, unit, organisation it represents) of every unit on the tasks."""
    for group in (roles.leads, roles.cooperators):
        for task_id, unit_ids in group.items():
            for uid in unit_ids:
                yield task_id, uid, roles.represents.get(uid)


def _weigh_parts(rows: list[TaskRow], parts: dict, responsible: dict[int, tuple[int, ...]]) -> None:
    """Weigh each task's lower parts into its light (``rollup.combine``): its own light and
    progress are kept beside them on the row, never added to them."""
    for row in rows:
        mine = parts.get(row.task_id)
        if not mine:
            continue
        own = (row.status, row.reason, row.progress) if responsible[row.task_id] else None
        combined = combine(own, mine)
        row.parts = tuple(mine)
        row.own_status = own[0] if own else None
        row.own_progress = own[2] if own else None
        if combined is not None:
            row.status, row.reason, row.progress = combined


def _overdue_milestones(plan: Plan, as_of: dt.date) -> dict[int, tuple[int, tuple[str, dt.date]]]:
    """Task id → how many of its milestones are past their date and not done by
    ``as_of``, and the earliest one's title and date (named in the light's reason)."""
    overdue: dict[int, tuple[int, tuple[str, dt.date]]] = {}
    for task_id, title, due_date in (
        Milestone.objects.filter(task__plan=plan, due_date__lt=as_of)
        .filter(Q(done=False) | Q(done_on__gt=as_of))
        .order_by("due_date", "order", "pk")
        .values_list("task_id", "title", "due_date")
    ):
        count, first = overdue.get(task_id, (0, (title, due_date)))
        overdue[task_id] = (count + 1, first)
    return overdue


def _several(
    ids: tuple[int, ...], base: int, timing: Timing, reports: HandedIn, names: dict[int, str]
) -> tuple[Decimal | None, bool, str, tuple[str, ...]]:
    """What several (or no) responsible units have reported, taken together: the mean
    progress, done when every one is done, each reason once, and who has not handed in
    the latest due report."""
    due_in, latest = reports.due_in, reports.latest
    missing = tuple([names[uid] for uid in ids if timing.due and base | uid not in due_in])
    progresses: list[Decimal | None] = []
    all_done = bool(ids)
    reasons: dict[str, None] = {}  # each reason once, in order
    for uid in ids:
        fact = latest.get(base | uid)
        if fact is None:
            all_done = False
            continue
        progress, done, problems = (
            fact[3],
            fact[4],
            fact[5],
        )  # task, unit, period, progress, done, problems, …
        progresses.append(progress)
        all_done = all_done and bool(done)
        if problems:
            reasons[problems] = None
    return combined_progress(progresses), all_done, "；".join(reasons), missing


class _NameTuples(dict[tuple[int, ...], tuple[str, ...]]):
    """Unit ids → their names, worked out once for each group of units."""

    def __init__(self, names: dict[int, str]):
        super().__init__()
        self.names = names

    def __missing__(self, ids: tuple[int, ...]) -> tuple[str, ...]:
        value = self[ids] = tuple([self.names[uid] for uid in ids])
        return value


def _judge(
    structure: Structure,
    loaded: Loaded,
    timings: list[Timing],
    responsible: dict[int, tuple[int, ...]],
    singles: dict[int, tuple[int, tuple[str]]],
    reports: HandedIn,
    overdue: dict[int, tuple[int, tuple[str, dt.date]]],
    as_of: dt.date,
    thresholds: Thresholds,
) -> list[TaskRow]:
    names = loaded.roles.names
    fixed = structure.fixed
    due_in, latest = reports.due_in, reports.latest
    lights: dict[tuple, Light] = {}  # the same facts give the same light and reason
    no_overdue: tuple[int, tuple[str, dt.date] | None] = (0, None)
    numbers: dict[int, int] = {}  # id(timing) → a small number standing for it in ``lights``
    rows = []
    append = rows.append
    overdue_get, latest_get, lights_get = overdue.get, latest.get, lights.get
    for pk, timing in zip(loaded.ids, timings, strict=True):
        due = timing.due
        single = singles.get(pk)
        if single is not None:  # the usual case, worked out here: one responsible unit
            key, name = single
            missing = name if due and key not in due_in else ()
            fact = latest_get(key)
            if fact is None:
                progress, done, problems = None, False, ""
            else:  # task, unit, period, progress, done, problems, …
                progress, done, problems = fact[3], bool(fact[4]), fact[5] or ""
        else:
            progress, done, problems, missing = _several(
                responsible[pk], pk << KEY_SHIFT, timing, reports, names
            )
        milestones, first_overdue = overdue_get(pk, no_overdue)
        number = numbers.get(id(timing))
        if number is None:
            number = numbers[id(timing)] = len(numbers)
        facts = (progress, number, done, bool(missing), milestones, first_overdue)
        light = lights_get(facts)
        if light is None:
            light = lights[facts] = task_light(
                progress=progress,
                expected=timing.expected,
                deadline=timing.deadline,
                as_of=as_of,
                done_accepted=done,
                missing_due_report=bool(missing),
                anything_due=due is not None,
                overdue_milestones=milestones,
                first_overdue=first_overdue,
                due_label=due.label if due else "",
                thresholds=thresholds,
            )
        _pk, sid, title, leads, cooperators = fixed[pk]
        append(
            TaskRow(  # by position: keywords take twice as long, and there is a row per task
                pk,
                sid,
                title,
                timing.part_key,
                timing.part_title,
                leads,
                cooperators,
                timing.cadence,
                timing.start,
                timing.deadline,
                timing.expected,
                progress,
                light.status,
                due.key if due else None,
                missing,
                problems,
                milestones,
                light.reason,
            )
        )
    return rows
