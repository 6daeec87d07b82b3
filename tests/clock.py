"""Time in the tests: today fixed at a named day with time-machine, for the rest of the
test (``tests/conftest.py`` returns to the real time when it ends)."""

import datetime as dt
from zoneinfo import ZoneInfo

import time_machine

from luoshi.core import clock

SHANGHAI = ZoneInfo("Asia/Shanghai")
_machine = time_machine.TimeMachineFixture()


def at(day: dt.date, hour: int = 10, minute: int = 0) -> dt.datetime:
    """A moment of ``day`` in Asia/Shanghai (as UTC, so the process time zone stays put)."""
    return dt.datetime.combine(day, dt.time(hour, minute), tzinfo=SHANGHAI).astimezone(dt.UTC)


def travel_to(day: dt.date, hour: int = 10) -> dt.date:
    """From now on in this test it is ``day`` at ``hour`` o'clock, and the clock ticks on."""
    _machine.move_to(at(day, hour))
    return day


def hold_date(day: dt.date) -> dt.date:
    """From now on in this test the clock's date is ``day`` while the time runs on, as on a
    server started with ``LUOSHI_TODAY``: for a test whose users stay signed in over days
    (travelling would expire their sessions)."""
    clock._fixed[:] = [day]
    return day


def back_to_now() -> None:
    global _machine
    _machine.stop()
    _machine = time_machine.TimeMachineFixture()
    clock._fixed.clear()  # read again from the settings (no fixed date in the tests)
