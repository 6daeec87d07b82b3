"""How a task's deadline (完成时限) reads: as its document states it (``完成时限：长期坚持``,
``2025年6月底前``), else worded from the date the tasks run to (the plan year's end when
the document names none: ``年底前``). Imports no Django."""

import calendar
import datetime as dt
import re

# The content of a labelled deadline inside a task's text: 完成时限：2025年6月底前。
_STATED = re.compile(r"(?:完成时限|完成时间|时间节点)\s*[:：]\s*(?P<text>[^；;。，,）)〕】\]\n]{1,40})")


def stated_deadline(text: str) -> str:
    """The deadline as the task's own text labels it, or ""."""
    match = _STATED.search(text or "")
    return match["text"].strip() if match else ""


def deadline_wording(deadline: dt.date | None, year: int) -> str:
    """A date as a plan words it: 年底前 (the plan year's end), 2026年底前, 2025年6月底前,
    2025年6月15日前. No date means the plan year's end, as every page counts it."""
    if deadline is None or deadline == dt.date(year, 12, 31):
        return "年底前"
    if deadline.month == 12 and deadline.day == 31:
        return f"{deadline.year}年底前"
    if deadline.day == calendar.monthrange(deadline.year, deadline.month)[1]:
        return f"{deadline.year}年{deadline.month}月底前"
    return f"{deadline.year}年{deadline.month}月{deadline.day}日前"


def deadline_label(text: str, deadline: dt.date | None, year: int) -> str:
    """完成时限 as the lists and pages show it: the document's words, else the date worded."""
    return stated_deadline(text) or deadline_wording(deadline, year)
