"""Chinese numerals for dates and issue numbers, as official documents write them.
Plain Python.

``chinese_date(2025-05-10)`` is ``二〇二五年五月十日``: the year digit by digit with 〇, the
month and day as numbers (十, 十一, 二十, 三十一). ``arabic_date`` is ``2025年5月10日``,
the form GB/T 9704-2012 asks for in 成文日期.
"""

import datetime as dt

DIGITS = "〇一二三四五六七八九"


def chinese_number(n: int) -> str:
    """0–9999 in Chinese numerals: 5 → 五, 10 → 十, 15 → 十五, 20 → 二十, 105 → 一百〇五."""
    if n < 0 or n > 9999:
        raise ValueError(f"超出范围：{n}")
    if n < 10:
        return DIGITS[n]
    if n < 20:
        return "十" + (DIGITS[n % 10] if n % 10 else "")
    units = [(1000, "千"), (100, "百"), (10, "十")]
    out = ""
    rest = n
    pending_zero = False
    for value, name in units:
        digit, rest = divmod(rest, value)
        if digit:
            if pending_zero:
                out += "〇"
                pending_zero = False
            out += DIGITS[digit] + name
        elif out:
            pending_zero = True
    if rest:
        if pending_zero:
            out += "〇"
        out += DIGITS[rest]
    return out


def chinese_year(year: int) -> str:
    """2025 → 二〇二五."""
    return "".join(DIGITS[int(c)] for c in str(year))


def chinese_date(day: dt.date) -> str:
    """2025-05-10 → 二〇二五年五月十日."""
    return f"{chinese_year(day.year)}年{chinese_number(day.month)}月{chinese_number(day.day)}日"


def chinese_month(day: dt.date) -> str:
    """2025-05-01 → 二〇二五年五月."""
    return f"{chinese_year(day.year)}年{chinese_number(day.month)}月"


def arabic_date(day: dt.date) -> str:
    """2025-05-10 → 2025年5月10日."""
    return f"{day.year}年{day.month}月{day.day}日"


def issue_label(number: int | None) -> str:
    """期号: 5 → 第五期; a draft has none yet (第〔 〕期)."""
    return f"第{chinese_number(number)}期" if number else "第〔  〕期"


def heading_number(index: int) -> str:
    """First-level heading number: 1 → 一、"""
    return f"{chinese_number(index)}、"


def sub_heading_number(index: int) -> str:
    """Second-level heading number: 1 → （一）"""
    return f"（{chinese_number(index)}）"
