"""Periods of every cadence for a plan year."""

import datetime as dt

import pytest

from luoshi.reporting.periods import periods_for, span_containing, span_for_key


def test_dekads_split_each_month_at_the_10th_and_20th():
    dekads = periods_for("dekad", 2025)
    assert len(dekads) == 36
    feb = [d for d in dekads if d.start.month == 2]
    assert [(d.start.day, d.end.day) for d in feb] == [(1, 10), (11, 20), (21, 28)]
    assert feb[2].label == "2025年2月下旬" and feb[2].key == "2025-02-3"


def test_weeks_run_monday_to_sunday_and_fortnights_pair_them():
    weeks = periods_for("week", 2025)
    assert all(w.start.weekday() == 0 and (w.end - w.start).days == 6 for w in weeks)
    assert weeks[0].start == dt.date(2024, 12, 30)
    fortnights = periods_for("fortnight", 2025)
    assert fortnights[0].start == weeks[0].start and fortnights[0].end == weeks[1].end


def test_months_quarters_and_year():
    assert [q.key for q in periods_for("quarter", 2025)] == ["2025Q1", "2025Q2", "2025Q3", "2025Q4"]
    assert periods_for("quarter", 2025)[1].label == "2025年第二季度"
    assert periods_for("month", 2025)[4].end == dt.date(2025, 5, 31)
    assert periods_for("year", 2025)[0].end == dt.date(2025, 12, 31)


@pytest.mark.parametrize("key", ["2025-05-1", "2025-W19", "2025-F10", "2025-05", "2025Q2", "2025"])
def test_every_key_names_its_period(key):
    assert span_for_key(key).key == key


def test_bad_period_key_explains_the_forms():
    with pytest.raises(ValueError, match="旬如 2025-05-1"):
        span_for_key("5月上旬")


def test_span_containing_finds_the_dekad():
    assert span_containing("dekad", dt.date(2025, 5, 15)).key == "2025-05-2"
