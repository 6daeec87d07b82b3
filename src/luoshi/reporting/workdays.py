"""The official Chinese working-day calendar (国务院办公厅 holiday notices, 调休 included).

Plain Python over the ``chinese_calendar`` package. A year the package has no data for is
an error that says so, never a silent guess from weekdays.
"""

import datetime as dt
import functools

import chinese_calendar


class CalendarYearUnknown(ValueError):
    """The official holiday schedule of a year is not known to this installation."""

    def __init__(self, day: dt.date):
        super().__init__(
            f"{day.year} 年的法定节假日安排尚未收录（无法判断 {day.isoformat()} 是否为工作日）："
            "请升级 chinesecalendar 软件包后再试"
        )
        self.year = day.year


@functools.cache
def is_workday(day: dt.date) -> bool:
    """True on a working day: Monday–Friday that is no holiday, and every 调休 Saturday/Sunday."""
    try:
        return bool(chinese_calendar.is_workday(day))
    except NotImplementedError:
        raise CalendarYearUnknown(day) from None


def add_workdays(day: dt.date, count: int) -> dt.date:
    """The ``count``-th working day after ``day`` (``count`` 0: ``day`` itself if a working
    day, else the next one)."""
    current = day
    if count == 0:
        while not is_workday(current):
            current += dt.timedelta(days=1)
        return current
    remaining = count
    while remaining > 0:
        current += dt.timedelta(days=1)
        if is_workday(current):
            remaining -= 1
    return current


def subtract_workdays(day: dt.date, count: int) -> dt.date:
    """The ``count``-th working day before ``day``."""
    current = day
    remaining = count
    while remaining > 0:
        current -= dt.timedelta(days=1)
        if is_workday(current):
            remaining -= 1
    return current


def workdays_between(start: dt.date, end: dt.date) -> int:
    """Working days after ``start`` up to and including ``end`` (negative if end < start)."""
    if end < start:
        return -workdays_between(end, start)
    count, current = 0, start
    while current < end:
        current += dt.timedelta(days=1)
        if is_workday(current):
            count += 1
    return count
