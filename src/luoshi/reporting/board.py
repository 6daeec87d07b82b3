"""The numbers of the battle map (挂图作战), gathered once per plan, date and data version.

Everything comes from the status engine (``reporting.engine``): task lights from
``plan_status``, reporting from ``completeness``, targets from ``target_statuses``; this
module only groups, ranks and filters them for people. Results are kept in memory per
process, keyed by plan, date and a *data version* the database keeps (``versions``:
triggers note every write to the tables the engine reads, per organisation), read in one
small query over the plan's organisation and those below it, so a page after any change —
from a page, the API, the Excel upload or the command line — is fresh, repeated views
cost one small query, and another district's writes neither move a district's version
nor make it dearer to read.
"""

import datetime as dt
import threading
from collections import OrderedDict
from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import Max

from luoshi.plans.models import Plan, TaskLink
from luoshi.reporting import versions
from luoshi.reporting.engine import PlanStatus, TaskRow, completeness, plan_status, target_statuses
from luoshi.reporting.engine import plan as engine_plan
from luoshi.reporting.models import Standing
from luoshi.reporting.policy import Schedule
from luoshi.reporting.status import Rollup, Status

STATUS_ORDER = [
    Status.SERIOUS,
    Status.LAGGING,
    Status.ON_TRACK,
    Status.DONE,
    Status.NOT_REPORTED,
    Status.NOT_STARTED,
]
MEMO_SIZE = 32

_memo: OrderedDict = OrderedDict()
_lock = threading.Lock()


def data_version(organisation_id: int | None = None) -> tuple:
    """A mark of everything the status engine reads, over the rows of an organisation and
    every one below it (None: the installation): what its plans' lights are made of, an
    upper task weighing the linked tasks below it. A write in a district moves the
    district's version, its city's and its province's, never a sibling's. Kept by the
    database's triggers (``versions``): one small query whatever the size of the data."""
    return versions.read(organisation_id)


def memo(key: tuple, compute):
    """The value for ``key`` computed once per process (a small LRU)."""
    with _lock:
        if key in _memo:
            _memo.move_to_end(key)
            return _memo[key]
    value = compute()
    with _lock:
        _memo[key] = value
        while len(_memo) > MEMO_SIZE:
            _memo.popitem(last=False)
    return value


def clear_memo() -> None:
    """Forget every figure and plan structure kept in this process."""
    with _lock:
        _memo.clear()
        _last.clear()
    engine_plan.forget()


def status_of(plan: Plan, as_of: dt.date, version: tuple | None = None) -> PlanStatus:
    version = version or data_version(plan.organisation_id)
    return memo(("status", plan.pk, as_of, version), lambda: _status(plan, as_of, version))


# The last status worked out per plan and date, with its data version and the latest
# change of the kept rows it saw: after writes of reports alone (nothing else in the data
# version moved), only the tasks whose kept rows changed since are worked out again.
_last: dict[tuple[int, dt.date], tuple[tuple, PlanStatus, dt.datetime | None]] = {}
# kept rows changed this long before the latest change seen are read again too: a
# transaction that wrote earlier but committed later is not missed
SETTLE = dt.timedelta(minutes=1)
PATCH_LIMIT = 5000  # more tasks changed than this: worked out whole


def _status(plan: Plan, as_of: dt.date, version: tuple) -> PlanStatus:
    watermark = Standing.objects.aggregate(latest=Max("updated_at"))["latest"]
    with _lock:
        last = _last.get((plan.pk, as_of))
    result = None
    if last is not None and last[0][1:] == version[1:]:  # only the kept rows' latest change moved
        result = _patched(plan, as_of, last[1], last[2])
    if result is None:
        result = plan_status(plan, as_of)
    with _lock:
        _last[(plan.pk, as_of)] = (version, result, watermark)
        while len(_last) > MEMO_SIZE:
            _last.pop(next(iter(_last)))
    return result


def _patched(plan: Plan, as_of: dt.date, last: PlanStatus, since: dt.datetime | None) -> PlanStatus | None:
    """``last`` with the tasks whose kept rows changed after ``since`` worked out again
    (None when too many changed, or nothing was seen before)."""
    if since is None:
        return None
    changed = set(
        Standing.objects.filter(updated_at__gte=since - SETTLE, task__plan=plan).values_list(
            "task_id", flat=True
        )
    )
    changed |= _uppers_of_changed(plan, since - SETTLE)
    if len(changed) > PATCH_LIMIT:
        return None
    if not changed:
        return last
    fresh = {
        row.task_id: row
        for row in plan_status(plan, as_of, tasks=changed, window_start=last.window_start).rows
    }
    return PlanStatus(
        last.plan, last.as_of, [fresh.get(row.task_id, row) for row in last.rows], last.window_start
    )


def _uppers_of_changed(plan: Plan, since: dt.datetime) -> set[int]:
    """The plan's tasks whose lower parts (linked tasks of the organisations below, at any
    depth) had their kept rows changed since ``since``: their light weighs those parts."""
    if not TaskLink.objects.filter(upper__plan=plan).exists():
        return set()
    lower = set(
        Standing.objects.filter(updated_at__gte=since)
        .exclude(task__plan=plan)
        .values_list("task_id", flat=True)
    )
    found: set[int] = set()
    for _depth in range(4):  # province → city → district → town
        if not lower:
            break
        links = list(TaskLink.objects.filter(lower_id__in=lower).values_list("upper_id", "upper__plan_id"))
        found |= {upper for upper, plan_id in links if plan_id == plan.pk}
        lower = {upper for upper, plan_id in links if plan_id != plan.pk}
    return found


def targets_of(plan: Plan, as_of: dt.date, version: tuple | None = None):
    version = version or data_version(plan.organisation_id)
    return memo(("targets", plan.pk, as_of, version), lambda: target_statuses(plan, as_of))


# ---------------------------------------------------------------- the board


@dataclass
class CampaignRow:
    key: str
    title: str
    rollup: Rollup


@dataclass
class UnitRank:
    unit: str
    tasks: int
    progress: Decimal
    expected: Decimal
    lagging: int
    due: int = 0
    on_time: int = 0
    late: int = 0
    missing: int = 0
    rank: int = 0

    @property
    def gap(self) -> Decimal:
        return self.progress - self.expected

    @property
    def on_time_rate(self) -> Decimal | None:
        """Share of the period's due reports handed in on time; None when none was due."""
        return (Decimal(self.on_time) / self.due * 100).quantize(Decimal("0.1")) if self.due else None


@dataclass
class Board:
    plan: Plan
    as_of: dt.date
    total: Rollup
    campaigns: list[CampaignRow]
    lagging: list[TaskRow]
    missing: list[tuple[str, int]]
    ranking: list[UnitRank]
    targets: list
    period_label: str
    period_due: dt.date | None
    campaign: str | None = None
    rows_count: int = 0
    extra: dict = field(default_factory=dict)

    @property
    def status_mix(self) -> list[tuple[Status, int]]:
        return [(s, self.total.count(s)) for s in STATUS_ORDER]


def _rollup(rows) -> Rollup:
    total = Rollup()
    for row in rows:
        total.add(row.status, row.progress, row.expected)
    total.counts = total.counts or dict.fromkeys(Status, 0)
    return total


def reporting_period(plan: Plan, as_of: dt.date, schedule: Schedule | None = None):
    """The plan's main cadence's latest period whose report was due by ``as_of``."""
    schedule = schedule or Schedule.of(plan)
    latest = None
    for candidate in schedule.plan_spans(schedule.policy.cadence):
        if candidate.start > as_of:
            break
        if schedule.due(candidate) <= as_of:
            latest = candidate
    return latest, (schedule.due(latest) if latest else None)


def build_board(
    plan: Plan, as_of: dt.date, rows: list[TaskRow], *, campaign: str | None, version: tuple
) -> Board:
    parts = {}
    for part in plan.parts.order_by("order").values_list("key", "title"):
        parts[part[0]] = part[1]
    if campaign:
        rows = [r for r in rows if r.part_key == campaign]
    groups: dict[str, list[TaskRow]] = {}
    for row in rows:
        groups.setdefault(row.part_key, []).append(row)
    campaigns = [
        CampaignRow(key, parts.get(key, key), _rollup(groups[key])) for key in parts if key in groups
    ]
    lag_order = {Status.SERIOUS: 0, Status.LAGGING: 1}
    lagging = sorted(
        (r for r in rows if r.status in lag_order),
        key=lambda r: (lag_order[r.status], r.progress or 0, r.part_key, r.sid),
    )
    missing: dict[str, int] = {}
    for row in rows:
        for unit in row.missing_units:
            missing[unit] = missing.get(unit, 0) + 1
    by_unit: dict[str, list[TaskRow]] = {}
    for row in rows:
        for unit in row.responsible:
            by_unit.setdefault(unit, []).append(row)
    ranks = {}
    for unit, unit_rows in by_unit.items():
        roll = _rollup(unit_rows)
        ranks[unit] = UnitRank(
            unit,
            roll.total,
            roll.progress,
            roll.expected,
            roll.count(Status.LAGGING) + roll.count(Status.SERIOUS),
        )
    span, due = reporting_period(plan, as_of)
    if span:
        _, _, table = memo(
            ("completeness", plan.pk, span.key, as_of, version), lambda: completeness(plan, span.key, as_of)
        )
        for entry in table:
            rank = ranks.get(entry.unit)
            if rank is None:
                continue
            rank.due, rank.on_time, rank.late, rank.missing = (
                entry.due,
                entry.on_time,
                entry.late,
                entry.missing,
            )
    ranking = sorted(
        ranks.values(),
        key=lambda r: (-(r.on_time_rate if r.due else Decimal(100)), -r.gap, r.lagging, r.unit),
    )
    for index, rank in enumerate(ranking, start=1):
        rank.rank = index
    part_keys = {r.part_key for r in rows}
    targets = [t for t in targets_of(plan, as_of, version) if t.part_key in part_keys or not campaign]
    if not campaign and len(part_keys) < len(parts):
        targets = [t for t in targets if t.part_key in part_keys]
    return Board(
        plan=plan,
        as_of=as_of,
        total=_rollup(rows),
        campaigns=campaigns,
        lagging=lagging,
        missing=sorted(missing.items(), key=lambda kv: (-kv[1], kv[0])),
        ranking=ranking,
        targets=targets,
        period_label=span.label if span else "",
        period_due=due,
        campaign=campaign,
        rows_count=len(rows),
    )


def board_for(plan: Plan, as_of: dt.date, *, task_ids: set[int] | None = None, campaign: str | None = None):
    """The board of a plan as of a date: all tasks, or only ``task_ids`` (what a scoped
    user may see), optionally one campaign."""
    version = data_version(plan.organisation_id)
    rows = status_of(plan, as_of, version).rows
    if task_ids is None:
        return memo(
            ("board", plan.pk, as_of, campaign, version),
            lambda: build_board(plan, as_of, rows, campaign=campaign, version=version),
        )
    return build_board(
        plan, as_of, [r for r in rows if r.task_id in task_ids], campaign=campaign, version=version
    )


# ---------------------------------------------------------------- trends


@dataclass
class TrendPoint:
    label: str
    as_of: dt.date
    progress: Decimal
    expected: Decimal
    counts: dict


def trend_of(plan: Plan, as_of: dt.date, *, task_ids: set[int] | None = None, campaign=None, points=6):
    """Progress against expectation and the status mix at the end of each of the last
    months up to ``as_of`` (the status engine asked as of each date)."""
    version = data_version(plan.organisation_id)
    ends = []
    day = as_of
    for _ in range(points):
        ends.append(day)
        day = day.replace(day=1) - dt.timedelta(days=1)
        if day.year < plan.year:
            break
    trend = []
    for end in reversed(ends):
        rows = status_of(plan, end, version).rows
        if task_ids is not None:
            rows = [r for r in rows if r.task_id in task_ids]
        if campaign:
            rows = [r for r in rows if r.part_key == campaign]
        roll = _rollup(rows)
        label = f"{end.month}月{end.day}日" if end == as_of else f"{end.month}月末"
        trend.append(TrendPoint(label, end, roll.progress, roll.expected, dict(roll.counts or {})))
    return trend
