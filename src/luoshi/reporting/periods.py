"""Reporting periods (调度周期): 旬, 周, 双周, 月, 季, 年, and their due dates.

Plain Python. A 旬 is the 1st–10th, 11th–20th and 21st–month end; a week runs Monday to
Sunday (ISO weeks, each counted in the year it ends); fortnights pair those weeks from the
first. A report is due ``due_workdays`` working days after its period ends, on the
official calendar.
"""

import calendar
import datetime as dt
import enum
import functools
import re
from dataclasses import dataclass

from .workdays import add_workdays

CN_NUM = "一二三四五六七八九十"


class Cadence(enum.StrEnum):
    DEKAD = "dekad"
    WEEK = "week"
    FORTNIGHT = "fortnight"
    MONTH = "month"
    QUARTER = "quarter"
    YEAR = "year"

    @property
    def label(self) -> str:
        return CADENCE_LABELS[self]


CADENCE_LABELS = {
    Cadence.DEKAD: "旬",
    Cadence.WEEK: "周",
    Cadence.FORTNIGHT: "双周",
    Cadence.MONTH: "月",
    Cadence.QUARTER: "季",
    Cadence.YEAR: "年",
}


@dataclass(frozen=True)
class PeriodSpan:
    """One reporting period: cadence, first and last day, a key a clerk can type
    (``2025-05-1`` 上旬, ``2025-W19``, ``2025-F10``, ``2025-05``, ``2025Q2``, ``2025``) and a
    Chinese label."""

    cadence: Cadence
    start: dt.date
    end: dt.date
    key: str
    label: str

    def due(self, due_workdays: int) -> dt.date:
        return add_workdays(self.end, due_workdays)


def _month_end(year: int, month: int) -> dt.date:
    return dt.date(year, month, calendar.monthrange(year, month)[1])


def dekads(year: int) -> list[PeriodSpan]:
    spans = []
    for month in range(1, 13):
        for index, (first, name) in enumerate(((1, "上旬"), (11, "中旬"), (21, "下旬")), start=1):
            end = _month_end(year, month) if index == 3 else dt.date(year, month, first + 9)
            spans.append(
                PeriodSpan(
                    Cadence.DEKAD,
                    dt.date(year, month, first),
                    end,
                    f"{year}-{month:02d}-{index}",
                    f"{year}年{month}月{name}",
                )
            )
    return spans


def weeks(year: int) -> list[PeriodSpan]:
    spans = []
    day = dt.date(year, 1, 1)
    day -= dt.timedelta(days=day.weekday())
    number = 0
    while (end := day + dt.timedelta(days=6)).year <= year:
        if end.year == year:
            number += 1
            spans.append(PeriodSpan(Cadence.WEEK, day, end, f"{year}-W{number:02d}", f"{year}年第{number}周"))
        day += dt.timedelta(days=7)
    return spans


def fortnights(year: int) -> list[PeriodSpan]:
    week_list = weeks(year)
    spans = []
    for number, index in enumerate(range(0, len(week_list), 2), start=1):
        pair = week_list[index : index + 2]
        spans.append(
            PeriodSpan(
                Cadence.FORTNIGHT,
                pair[0].start,
                pair[-1].end,
                f"{year}-F{number:02d}",
                f"{year}年第{number}个双周",
            )
        )
    return spans


def months(year: int) -> list[PeriodSpan]:
    return [
        PeriodSpan(
            Cadence.MONTH, dt.date(year, m, 1), _month_end(year, m), f"{year}-{m:02d}", f"{year}年{m}月"
        )
        for m in range(1, 13)
    ]


def quarters(year: int) -> list[PeriodSpan]:
    return [
        PeriodSpan(
            Cadence.QUARTER,
            dt.date(year, 3 * q - 2, 1),
            _month_end(year, 3 * q),
            f"{year}Q{q}",
            f"{year}年第{CN_NUM[q - 1]}季度",
        )
        for q in range(1, 5)
    ]


def years(year: int) -> list[PeriodSpan]:
    return [PeriodSpan(Cadence.YEAR, dt.date(year, 1, 1), dt.date(year, 12, 31), f"{year}", f"{year}年")]


GENERATORS = {
    Cadence.DEKAD: dekads,
    Cadence.WEEK: weeks,
    Cadence.FORTNIGHT: fortnights,
    Cadence.MONTH: months,
    Cadence.QUARTER: quarters,
    Cadence.YEAR: years,
}

KEY_PATTERNS = [
    (re.compile(r"^(\d{4})-(\d{2})-([123])$"), Cadence.DEKAD),
    (re.compile(r"^(\d{4})-W(\d{2})$"), Cadence.WEEK),
    (re.compile(r"^(\d{4})-F(\d{2})$"), Cadence.FORTNIGHT),
    (re.compile(r"^(\d{4})-(\d{2})$"), Cadence.MONTH),
    (re.compile(r"^(\d{4})Q([1-4])$"), Cadence.QUARTER),
    (re.compile(r"^(\d{4})$"), Cadence.YEAR),
]


def periods_for(cadence: Cadence | str, year: int) -> list[PeriodSpan]:
    """Every period of ``cadence`` in ``year``, in order."""
    return list(_periods(Cadence(cadence), year))


@functools.lru_cache(maxsize=64)
def _periods(cadence: Cadence, year: int) -> tuple[PeriodSpan, ...]:
    """The periods of a cadence and year, worked out once per process (each request of
    the filing path asks for them several times; the calendar of a year does not change)."""
    return tuple(GENERATORS[cadence](year))


@functools.lru_cache(maxsize=64)
def _keyed(cadence: Cadence, year: int) -> dict[str, PeriodSpan]:
    return {span.key.upper(): span for span in _periods(cadence, year)}


def span_for_key(key: str) -> PeriodSpan:
    """The period a key names (``2025-05-1``, ``2025-W19``, ``2025Q2`` …)."""
    key = key.strip().upper().replace("－", "-")
    for pattern, cadence in KEY_PATTERNS:
        match = pattern.match(key)
        if match:
            found = _keyed(cadence, int(match.group(1))).get(key)
            if found is not None:
                return found
    raise ValueError(
        f"无法识别的周期 {key!r}：旬如 2025-05-1（上旬）、周如 2025-W19、双周如 2025-F10、月如 2025-05、季如 2025Q2、年如 2025"
    )


def span_containing(cadence: Cadence | str, day: dt.date) -> PeriodSpan | None:
    """The period of ``cadence`` that contains ``day``."""
    for span in periods_for(cadence, day.year) + (
        periods_for(cadence, day.year + 1) if day.month == 12 else []
    ):
        if span.start <= day <= span.end:
            return span
    return None
