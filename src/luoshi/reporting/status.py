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


def task_status(
    *,
    progress: Decimal | None,
    expected: Decimal,
    deadline: dt.date,
    as_of: dt.date,
    done_accepted: bool,
    missing_due_report: bool,
    anything_due: bool = True,
    overdue_milestones: int = 0,
    thresholds: Thresholds = Thresholds(),
) -> Status:
    """The light of one task.

    Done at 100 % accepted; not reported when the latest due report is missing; seriously
    lagging past the deadline undone; else by the gap to expected progress, and lagging at
    least when a milestone is past its date and not marked done.
    """
    if done_accepted:
        return Status.DONE
    if missing_due_report:
        return Status.NOT_REPORTED
    if progress is None and not anything_due:
        return Status.NOT_STARTED
    if as_of > deadline:
        return Status.SERIOUS
    status = classify_gap(expected - (progress or Decimal(0)), thresholds)
    if overdue_milestones and status == Status.ON_TRACK:
        return Status.LAGGING
    return status


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
