"""Due dates fall on official working days, 调休 make-up days included (2025 calendar)."""

import datetime as dt

import pytest

from luoshi.reporting.periods import periods_for, span_for_key
from luoshi.reporting.workdays import CalendarYearUnknown, add_workdays, is_workday

# 2025: 春节 1月28日–2月4日 off, 1月26日(日) and 2月8日(六) worked;
# 国庆/中秋 10月1日–8日 off, 9月28日(日) and 10月11日(六) worked.
SPRING_MAKEUP_SUNDAY = dt.date(2025, 1, 26)
NATIONAL_DAY_MAKEUP_SATURDAY = dt.date(2025, 10, 11)


def due_dates(year=2025, n=2):
    return {span.key: span.due(n) for span in periods_for("dekad", year)}


def test_makeup_weekend_days_are_working_days():
    assert is_workday(SPRING_MAKEUP_SUNDAY)
    assert is_workday(NATIONAL_DAY_MAKEUP_SATURDAY)
    assert not is_workday(dt.date(2025, 10, 1))
    assert not is_workday(dt.date(2025, 1, 29))


def test_every_2025_dekad_is_due_on_a_working_day():
    for key, due in due_dates().items():
        assert is_workday(due), key


def test_dekad_ending_before_national_day_is_due_after_the_holiday():
    # 9月下旬 ends Tue 30 Sep; 1–8 Oct are holidays; 9 and 10 Oct are the two working days
    assert due_dates()["2025-09-3"] == dt.date(2025, 10, 10)


def test_dekad_ending_at_spring_festival_is_due_after_it():
    # 1月下旬 ends Fri 31 Jan inside the 28 Jan – 4 Feb holiday
    assert due_dates()["2025-01-3"] == dt.date(2025, 2, 6)


def test_makeup_saturday_counts_as_a_working_day():
    # 10月上旬 ends Fri 10 Oct; Sat 11 Oct is a 调休 working day, so it is the first
    assert due_dates(n=1)["2025-10-1"] == NATIONAL_DAY_MAKEUP_SATURDAY
    assert add_workdays(dt.date(2025, 1, 24), 1) == SPRING_MAKEUP_SUNDAY


def test_weekend_is_skipped():
    # 5月上旬 ends Sat 10 May: due Tue 13 May with two working days
    assert due_dates()["2025-05-1"] == dt.date(2025, 5, 13)


def test_a_year_the_calendar_does_not_know_is_an_error_that_says_so():
    with pytest.raises(CalendarYearUnknown, match="2031 年的法定节假日安排尚未收录"):
        span_for_key("2031-05-1").due(2)
