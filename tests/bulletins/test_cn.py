"""Chinese numerals for dates and issue numbers."""

import datetime as dt

import pytest

from luoshi.bulletins.cn import (
    arabic_date,
    chinese_date,
    chinese_month,
    chinese_number,
    heading_number,
    issue_label,
    sub_heading_number,
)


@pytest.mark.parametrize(
    ("day", "text"),
    [
        (dt.date(2025, 5, 10), "二〇二五年五月十日"),
        (dt.date(2025, 6, 3), "二〇二五年六月三日"),
        (dt.date(2025, 12, 31), "二〇二五年十二月三十一日"),
        (dt.date(2030, 11, 20), "二〇三〇年十一月二十日"),
        (dt.date(2001, 1, 1), "二〇〇一年一月一日"),
    ],
)
def test_chinese_date_in_the_official_style(day, text):
    assert chinese_date(day) == text


@pytest.mark.parametrize(
    ("n", "text"),
    [
        (0, "〇"),
        (5, "五"),
        (10, "十"),
        (15, "十五"),
        (20, "二十"),
        (21, "二十一"),
        (100, "一百"),
        (105, "一百〇五"),
        (110, "一百一十"),
        (2025, "二千〇二十五"),
    ],
)
def test_chinese_numbers(n, text):
    assert chinese_number(n) == text


def test_labels_and_arabic_dates():
    assert issue_label(5) == "第五期"
    assert issue_label(None) == "第〔  〕期"
    assert heading_number(3) == "三、"
    assert sub_heading_number(2) == "（二）"
    assert chinese_month(dt.date(2025, 5, 1)) == "二〇二五年五月"
    assert arabic_date(dt.date(2025, 5, 10)) == "2025年5月10日"
    with pytest.raises(ValueError):
        chinese_number(10000)
