"""Status against time elapsed (序时进度), as plain functions of numbers and dates.

Nothing here touches the database: the engine (``engine/``) gathers the facts, these
functions judge them, and tests call them with plain values.

Worked example: a task from 2025-04-27 to 2025-12-31 asked about on 2025-07-15 has
79 of 248 days elapsed, so 31.9 % is expected. Reported 25 %: 6.9 points behind, on
track (绿灯). Reported 15 %: 16.9 behind, lagging (黄灯). Reported 5 %: 26.9 behind,
seriously lagging (红灯).
"""

import datetime as dt
import enum
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from typing import Any, NamedTuple

HUNDRED = Decimal(100)


class Status(enum.StrEnum):
    ON_TRACK = "on_track"
    LAGGING = "lagging"
    SERIOUS = "serious"
    DONE = "done"
    NOT_REPORTED = "not_reported"
    NOT_STARTED = "not_started"

    @property
    def label(self) -> str:
        return STATUS_LABELS[self]

    @property
    def colour(self) -> str:
        return STATUS_COLOURS[self]


STATUS_LABELS = {
    Status.ON_TRACK: "正常推进",
    Status.LAGGING: "滞后",
    Status.SERIOUS: "严重滞后",
    Status.DONE: "已完成",
    Status.NOT_REPORTED: "未报送",
    Status.NOT_STARTED: "未到报送期",
}
# 红黄绿灯, and the colours of the other states on the battle map
STATUS_COLOURS = {
    Status.ON_TRACK: "#2e9d4a",
    Status.LAGGING: "#e6a700",
    Status.SERIOUS: "#d0312d",
    Status.DONE: "#2f6fd0",
    Status.NOT_REPORTED: "#8a8f98",
    Status.NOT_STARTED: "#c9ced6",
}


@dataclass(frozen=True)
class Thresholds:
    """Points behind expected progress at which a task turns yellow and red."""

    lagging: Decimal = Decimal(10)
    serious: Decimal = Decimal(25)

    def __post_init__(self) -> None:
        if not (0 <= self.lagging <= self.serious <= 100):
            raise ValueError("滞后阈值应满足 0 ≤ 滞后 ≤ 严重滞后 ≤ 100")


def expected_progress(start: dt.date, deadline: dt.date, as_of: dt.date) -> Decimal:
    """序时进度: the share of the time from start to deadline elapsed by ``as_of``, in %
    (0 before the start, 100 from the deadline on), to one decimal."""
    if as_of <= start:
        return Decimal(0)
    if as_of >= deadline or deadline <= start:
        return HUNDRED
    share = Decimal((as_of - start).days) / Decimal((deadline - start).days) * HUNDRED
    return share.quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)


def combined_progress(progresses: Sequence[Decimal | None]) -> Decimal | None:
    """The progress of a task several units answer for: the one report's figure as it
    is, else the mean of the figures given, to one decimal (None when nobody gave one)."""
    if len(progresses) == 1:
        return progresses[0]
    given = [p for p in progresses if p is not None]
    return (sum(given, Decimal(0)) / len(given)).quantize(Decimal("0.1")) if given else None


def classify_gap(gap: Decimal, thresholds: Thresholds) -> Status:
    """On track, lagging or seriously lagging by the points behind expectation."""
    if gap > thresholds.serious:
        return Status.SERIOUS
    if gap > thresholds.lagging:
        return Status.LAGGING
    return Status.ON_TRACK


def calendar_year_share(year: int, as_of: dt.date) -> Decimal:
    """全年时间进度: the share of the calendar year gone by ``as_of``, in %. Shown only
    beside 序时进度 and named as such: lights are judged against 序时进度 alone."""
    return expected_progress(dt.date(year, 1, 1), dt.date(year, 12, 31), as_of)


class Light(NamedTuple):
    """A task's light and the reason for it in words (节点「…」应于6月30日完成，尚未完成)."""

    status: Status
    reason: str


def _figure(value: Decimal) -> str:
    """48 for 48.0, 31.9 for 31.9."""
    return f"{value.normalize():f}"


def _day(day: dt.date, as_of: dt.date) -> str:
    return f"{day.month}月{day.day}日" if day.year == as_of.year else f"{day.year}年{day.month}月{day.day}日"


def task_light(
    *,
    progress: Decimal | None,
    expected: Decimal,
    deadline: dt.date,
    as_of: dt.date,
    done_accepted: bool,
    missing_due_report: bool,
    anything_due: bool = True,
    overdue_milestones: int = 0,
    first_overdue: tuple[str, dt.date] | None = None,
    due_label: str = "",
    thresholds: Thresholds = Thresholds(),
) -> Light:
    """The light of one task and its reason.

    Done at 100 % accepted; not reported when the latest due report is missing; seriously
    lagging past the deadline undone; else by the gap to expected progress, and lagging at
    least when a milestone is past its date and not marked done (``first_overdue``: the
    earliest such milestone's title and date, named in the reason).
    """
    if done_accepted:
        return Light(Status.DONE, "已完成（进度100%，经审核确认）")
    if missing_due_report:
        return Light(Status.NOT_REPORTED, f"{due_label or '最近一期'}未报送")
    if progress is None and not anything_due:
        return Light(Status.NOT_STARTED, "尚未到第一个报送期")
    shown = _figure(progress or Decimal(0))
    milestone = ""
    if overdue_milestones:
        if first_overdue:
            title, day = first_overdue
            milestone = f"节点「{title}」应于{_day(day, as_of)}完成，尚未完成"
        else:
            milestone = f"{overdue_milestones}个节点已过计划完成日期，尚未完成"
        if overdue_milestones > 1 and first_overdue:
            milestone += f"（逾期节点共{overdue_milestones}个）"
    if as_of > deadline:
        return Light(Status.SERIOUS, f"应于{_day(deadline, as_of)}完成，已逾期未完成（进度{shown}%）")
    gap = expected - (progress or Decimal(0))
    status = classify_gap(gap, thresholds)
    if status == Status.SERIOUS:
        reason = f"进度{shown}%，低于序时进度{_figure(thresholds.serious)}个百分点以上"
    elif status == Status.LAGGING:
        reason = f"进度{shown}%，低于序时进度{_figure(thresholds.lagging)}个百分点以上"
    elif gap > 0:
        reason = f"进度{shown}%，低于序时进度{_figure(expected)}%不足{_figure(thresholds.lagging)}个百分点"
    else:
        reason = f"进度{shown}%，不低于序时进度{_figure(expected)}%"
    if milestone:
        if status == Status.ON_TRACK:
            return Light(Status.LAGGING, milestone)
        reason = f"{reason}；{milestone}"
    return Light(status, reason)


def task_status(**facts: Any) -> Status:
    """The light of one task without its reason (see ``task_light``)."""
    return task_light(**facts).status


# ---------------------------------------------------------------- targets

DIRECT_WORDS = ("增长", "增速", "率", "比重", "占比", "下降", "降低", "提高到", "标准", "同比")


def target_is_direct(*, op: str, unit: str, subject: str) -> bool:
    """Rates, shares and growth figures are judged against the target itself; counts and
    amounts that accumulate over the year are judged against time elapsed."""
    if op in ("<=", "<", "="):
        return True
    if unit in ("%", "‰", "个百分点"):
        return True
    return any(word in subject for word in DIRECT_WORDS)


def target_attainment(*, op: str, value: Decimal, actual: Decimal) -> Decimal:
    """How far the actual figure meets the target, in % (100 = met). For a ceiling
    (``<=``) an actual under the target is 100 % and above it falls off in proportion."""
    if op in ("<=", "<"):
        if actual <= value:
            return HUNDRED
        return (value / actual * HUNDRED).quantize(Decimal("0.1")) if actual else HUNDRED
    if value == 0:  # 破零: any actual above zero meets it
        return HUNDRED if actual > 0 else Decimal(0)
    return (actual / value * HUNDRED).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)


def target_status(
    *,
    op: str,
    value: Decimal,
    unit: str,
    subject: str,
    actual: Decimal | None,
    elapsed: Decimal,
    thresholds: Thresholds = Thresholds(),
) -> tuple[Status, Decimal | None, Decimal]:
    """(status, attainment %, expected %) of a target given its latest actual figure."""
    direct = target_is_direct(op=op, unit=unit, subject=subject)
    expected = HUNDRED if direct else elapsed
    if actual is None:
        return Status.NOT_REPORTED, None, expected
    attainment = target_attainment(op=op, value=value, actual=actual)
    if attainment >= HUNDRED and (direct or elapsed >= HUNDRED):
        return Status.DONE, attainment, expected
    return classify_gap(expected - min(attainment, HUNDRED), thresholds), attainment, expected


# ---------------------------------------------------------------- roll-ups


@dataclass
class Rollup:
    """Counts of statuses over a group of tasks, with mean progress and expectation."""

    total: int = 0
    counts: dict[Status, int] | None = None
    progress_sum: Decimal = Decimal(0)
    expected_sum: Decimal = Decimal(0)

    def add(self, status: Status, progress: Decimal | None, expected: Decimal) -> None:
        if self.counts is None:
            self.counts = dict.fromkeys(Status, 0)
        self.total += 1
        self.counts[status] += 1
        self.progress_sum += progress or Decimal(0)
        self.expected_sum += expected

    @property
    def progress(self) -> Decimal:
        return (self.progress_sum / self.total).quantize(Decimal("0.1")) if self.total else Decimal(0)

    @property
    def expected(self) -> Decimal:
        return (self.expected_sum / self.total).quantize(Decimal("0.1")) if self.total else Decimal(0)

    def count(self, status: Status) -> int:
        return (self.counts or {}).get(status, 0)

    @property
    def completion_rate(self) -> Decimal:
        return (
            (Decimal(self.count(Status.DONE)) / self.total * HUNDRED).quantize(Decimal("0.1"))
            if self.total
            else Decimal(0)
        )
