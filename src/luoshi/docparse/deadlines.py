"""Deadlines (完成时限): ``2025年6月底前`` → ``2025-06-30``, resolved against the plan's year."""

import calendar
import re

from .textutil import fold

_MONTH = r"(?P<m>\d{1,2}|十[一二]?|[一二三四五六七八九])"
_DAY = r"(?P<d>\d{1,2}|[一二三]?十[一二三四五六七八九]?|[一二三四五六七八九])"
_YEAR = r"(?:(?P<y>20\d{2})\s*年\s*)"
_BEFORE = r"(?P<before>前|之前|以前|完成|底前)?"
# Dates that close a task, tried in turn: 2025年6月底前 / 6月30日前; 2025年底前 / 年底前;
# 上半年 / 一季度末.
# Each with the words one of which it needs (a text without them is not searched).
_DEADLINES = [
    (
        "month",
        re.compile(rf"{_YEAR}?{_MONTH}\s*月\s*(?:{_DAY}\s*日|(?P<end>底|末|份))?\s*{_BEFORE}"),
        ("月",),
    ),
    ("year", re.compile(rf"{_YEAR}?(?P<yend>年底|年末|年内|底|末){_BEFORE}"), ("底", "末", "年内")),
    (
        "half",
        re.compile(rf"{_YEAR}?(?P<half>上半年|下半年|第?[一二三四]季度)(?P<hend>末|底)?{_BEFORE}"),
        ("半年", "季度"),
    ),
]
# Wording that states no date.
NO_DEADLINE = re.compile(r"长期|持续|常态|定期|每年|每季|每月|逐年|三年内|年内持续")
# Every deadline names a month, a year, a half or a quarter (or a month's or year's end).
_DATE_WORD = re.compile(r"[月年底末季]")
_YEAR_WRITTEN = re.compile(r"(20\d{2})\s*年")
_CN = {"一": 1, "二": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7, "八": 8, "九": 9}
_QUARTER_END = {"一": 3, "二": 6, "三": 9, "四": 12}


def _number(text: str) -> int:
    if text.isdigit():
        return int(text)
    if "十" in text:
        tens, _, ones = text.partition("十")
        return (_CN.get(tens, 1) if tens else 1) * 10 + _CN.get(ones, 0)
    return _CN.get(text, 0)


def _month_end(year: int, month: int) -> str:
    return f"{year:04d}-{month:02d}-{calendar.monthrange(year, month)[1]:02d}"


def _resolve(kind: str, match: re.Match[str], year: int | None, *, labelled: bool) -> str | None:
    """The ISO date a deadline match stands for, or None when it is not one."""
    year = int(match["y"]) if match["y"] else year
    if year is None:
        return None
    if kind == "month":
        month = _number(match["m"])
        if not 1 <= month <= 12:
            return None
        if not (labelled or match["before"] or match["end"]):
            return None
        if match["d"]:
            day = _number(match["d"])
            if not 1 <= day <= calendar.monthrange(year, month)[1]:
                return None
            return f"{year:04d}-{month:02d}-{day:02d}"
        return _month_end(year, month)
    if kind == "year":
        if match["yend"] == "年内" and not labelled:
            return None
        if match["yend"] in ("底", "末") and not match["y"]:
            return None
        if not (labelled or match["before"] or match["yend"] in ("年底", "年末")):
            return None
        return f"{year:04d}-12-31"
    if kind == "half":
        if not (labelled or match["before"] or match["hend"]):
            return None
        half = match["half"]
        if half == "上半年":
            return f"{year:04d}-06-30"
        if half == "下半年":
            return f"{year:04d}-12-31"
        return _month_end(year, _QUARTER_END[half.lstrip("第")[0]])
    return None


def find_deadline(text: str, year: int | None, *, labelled: bool = False, folded: bool = False) -> str | None:
    """The first deadline stated in ``text`` as an ISO date, else None.

    ``labelled`` is for the content of a ``完成时限`` line, where a bare month or year is a
    deadline; in running text only a date marked as a limit (``前``, ``底``, ``完成``) counts.
    ``folded``: ``text`` has been through ``textutil.fold`` already.
    """
    # (``_DATE_WORD`` as substring tests, quicker on Chinese text; folding leaves these words)
    if not ("月" in text or "年" in text or "底" in text or "末" in text or "季" in text):
        return None
    if not folded:
        text = fold(text)
    if labelled and NO_DEADLINE.match(text.strip()):
        return None
    found: list[tuple[int, str]] = []
    for kind, pattern, needs in _DEADLINES:
        for word in needs:
            if word in text:
                break
        else:
            continue
        for match in pattern.finditer(text):
            if match.start() > 0 and text[match.start() - 1].isdigit():
                continue
            iso = _resolve(kind, match, year, labelled=labelled)
            if iso:
                found.append((match.start(), iso))
                break
    if found:
        return min(found)[1]
    if labelled and (written := _YEAR_WRITTEN.search(text)):
        return f"{written.group(1)}-12-31"
    return None
