"""The light of every task of a plan as of a date, in phases:

1. load the tasks, the units on them and the campaigns (``_load``);
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
from collections.abc import Collection
from dataclasses import dataclass, field
from decimal import Decimal
from operator import itemgetter
from typing import NamedTuple

from django.db.models import Q

from luoshi.plans.choices import TaskRole, UnitKind
from luoshi.plans.models import Part, Plan, Task, TaskUnit, Unit

from ..models import Milestone, Period
from ..periods import PeriodSpan, span_for_key
from ..policy import Schedule
from ..rollup import carried, combine, links_of, parts_for
from ..status import Light, Thresholds, combined_progress, expected_progress, task_light
from .reports import KEY_SHIFT, HandedIn, handed_in, kept_handed_in
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
    latter (the recomputation the kept rows are checked against).

    ``tasks`` (ids) asks for those tasks only, as they come out of the whole plan's
    status whose ``window_start`` is given (``board`` refreshes the tasks a write touched).
    """
    if period:
        as_of = span_for_key(period).end
    schedule = Schedule.of(plan)
    loaded = _load(plan, campaign, unit, tasks)
    timings, distinct = _timings(schedule, loaded, as_of)
    links = links_of(loaded.task_ids, plan=plan)
    gone = carried(links, _unit_rows(loaded.roles)) if links else set()
    responsible = _responsible(loaded, gone)
    due = {pk: timing.due_period_id for pk, timing in zip(loaded.ids, timings, strict=True) if timing.due}
    if tasks is None:
        window_start = min((timing.due.start for timing in distinct if timing.due), default=None)
    reports = None if full else kept_handed_in(plan, loaded.task_ids, due, window_start, as_of)
    if reports is None:
        reports = handed_in(plan, loaded.task_ids, due, window_start, responsible, as_of)
    overdue = _overdue_milestones(plan, as_of)
    rows = _judge(loaded, timings, responsible, reports, overdue, as_of, schedule.thresholds)
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


def _load(plan: Plan, campaign: str | None, unit: str | None, only: Collection[int] | None = None) -> Loaded:
    tasks = Task.objects.filter(plan=plan)
    if only is not None:
        tasks = tasks.filter(pk__in=list(only))
    if campaign:
        tasks = tasks.filter(Q(part__key=campaign) | Q(part__title__contains=campaign))
    if unit:
        tasks = tasks.filter(task_units__unit__name=unit).distinct()
    records: list[TaskRecord] = list(tasks.order_by().values_list(*TASK_FIELDS))
    records.sort(key=itemgetter(TASK_FIELDS.index("section__order")))  # cheaper than in the database
    ids = list(map(itemgetter(TASK_FIELDS.index("pk")), records))
    task_ids = ids if campaign or unit or only is not None else None
    parts = {
        pk: (key, title)
        for pk, key, title in Part.objects.filter(plan=plan).order_by().values_list("pk", "key", "title")
    }
    return Loaded(records, ids, task_ids, _roles(plan, task_ids), parts)


def _roles(plan: Plan, task_ids: list[int] | None) -> Roles:
    task_units = TaskUnit.objects.filter(
        task_id__in=Task.objects.filter(plan=plan).values("pk") if task_ids is None else task_ids
    )
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
        _task, _unit, _period, progress, done, problems = fact
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
    loaded: Loaded,
    timings: list[Timing],
    responsible: dict[int, tuple[int, ...]],
    reports: HandedIn,
    overdue: dict[int, tuple[int, tuple[str, dt.date]]],
    as_of: dt.date,
    thresholds: Thresholds,
) -> list[TaskRow]:
    roles = loaded.roles
    names = roles.names
    due_in, latest = reports.due_in, reports.latest
    lights: dict[tuple, Light] = {}  # the same facts give the same light and reason
    no_ids: tuple[int, ...] = ()
    no_overdue: tuple[int, tuple[str, dt.date] | None] = (0, None)
    names_of = _NameTuples(names)
    rows = []
    for (pk, sid, title, _part, _cadence, _start, _deadline, _order), timing in zip(
        loaded.tasks, timings, strict=True
    ):
        ids = responsible[pk]
        if len(ids) == 1:  # the usual case, worked out here: one responsible unit
            key = pk << KEY_SHIFT | ids[0]
            missing = (names[ids[0]],) if timing.due and key not in due_in else ()
            fact = latest.get(key)
            if fact is None:
                progress, done, problems = None, False, ""
            else:
                _task, _unit, _period, progress, done, problems = fact
                done, problems = bool(done), problems or ""
        else:
            progress, done, problems, missing = _several(ids, pk << KEY_SHIFT, timing, reports, names)
        milestones, first_overdue = overdue.get(pk, no_overdue)
        facts = (
            progress, timing.expected, timing.deadline, done, bool(missing), timing.due, milestones, first_overdue
        )  # fmt: skip
        light = lights.get(facts)
        if light is None:
            light = lights[facts] = task_light(
                progress=progress,
                expected=timing.expected,
                deadline=timing.deadline,
                as_of=as_of,
                done_accepted=done,
                missing_due_report=bool(missing),
                anything_due=timing.due is not None,
                overdue_milestones=milestones,
                first_overdue=first_overdue,
                due_label=timing.due.label if timing.due else "",
                thresholds=thresholds,
            )
        rows.append(
            TaskRow(  # by position: keywords take twice as long, and there is a row per task
                pk,
                sid,
                title,
                timing.part_key,
                timing.part_title,
                names_of[roles.leads.get(pk, no_ids)],
                names_of[roles.cooperators.get(pk, no_ids)],
                timing.cadence,
                timing.start,
                timing.deadline,
                timing.expected,
                progress,
                light.status,
                timing.due.key if timing.due else None,
                missing,
                problems,
                milestones,
                light.reason,
            )
        )
    return rows
