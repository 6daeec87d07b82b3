"""Word automatic numbering: numbering.xml definitions, counters, and number rendering.

A numbered paragraph holds only ``w:numPr`` (``numId`` and ``ilvl``), directly or through
its style; the number itself is computed by Word from ``numbering.xml``. ``Numbering``
reproduces that: it keeps one set of counters per abstract numbering definition, resets
lower levels when a higher level advances (honouring ``lvlRestart``), applies ``start``
and ``startOverride``, and renders ``lvlText`` (``%1、``, ``（%2）`` …) with each level's
``numFmt`` (``chineseCounting``, ``decimal``, ``decimalEnclosedCircle`` …).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Protocol, overload

W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
MAX_LEVELS = 9


class XmlElement(Protocol):
    """What the Word readers use of an XML element (python-docx hands out lxml elements).

    ``tag`` is a Clark name for elements and something else (a function) for comments and
    processing instructions, hence ``object``.
    """

    @property
    def tag(self) -> object: ...

    @property
    def text(self) -> str | None: ...

    def find(self, path: str) -> XmlElement | None: ...

    def findall(self, path: str) -> list[XmlElement]: ...

    def get(self, key: str) -> str | None: ...

    def iter(self, tag: str) -> Iterator[XmlElement]: ...

    def iterchildren(self, tag: str = ...) -> Iterator[XmlElement]: ...


def w(tag: str) -> str:
    """Clark name of a WordprocessingML tag."""
    return f"{{{W}}}{tag}"


def wval(element: XmlElement | None, tag: str, attr: str = "val") -> str | None:
    """The ``w:val`` (or ``attr``) of child ``tag`` of ``element``, None when absent."""
    if element is None:
        return None
    child = element.find(w(tag))
    return None if child is None else child.get(w(attr))


@overload
def _int(value: str | None, default: int) -> int: ...


@overload
def _int(value: str | None, default: None = None) -> int | None: ...


def _int(value: str | None, default: int | None = None) -> int | None:
    try:
        return int(value) if value is not None else default
    except ValueError:
        return default


# ---------------------------------------------------------------------------
# Number formats
# ---------------------------------------------------------------------------

_CN_DIGITS = "零一二三四五六七八九"
_CN_LEGAL = "零壹贰叁肆伍陆柒捌玖"
_CN_LEGAL_UNITS = ("", "拾", "佰", "仟")
_CN_UNITS = ("", "十", "百", "千")
_TIANGAN = "甲乙丙丁戊己庚辛壬癸"
_DIZHI = "子丑寅卯辰巳午未申酉戌亥"
_CIRCLED = "①②③④⑤⑥⑦⑧⑨⑩⑪⑫⑬⑭⑮⑯⑰⑱⑲⑳"
_PAREN = "⑴⑵⑶⑷⑸⑹⑺⑻⑼⑽⑾⑿⒀⒁⒂⒃⒄⒅⒆⒇"
_FULLSTOP = "⒈⒉⒊⒋⒌⒍⒎⒏⒐⒑⒒⒓⒔⒕⒖⒗⒘⒙⒚⒛"
_CIRCLED_CN = "㊀㊁㊂㊃㊄㊅㊆㊇㊈㊉"


def chinese_number(n: int, digits: str = _CN_DIGITS, units: tuple[str, ...] = _CN_UNITS) -> str:
    """Chinese counting: 1 → 一, 10 → 十, 11 → 十一, 20 → 二十, 105 → 一百零五 (up to 9999)."""
    if n <= 0 or n > 9999:
        return str(n)
    parts: list[str] = []
    zero = False
    for power in range(3, -1, -1):
        digit = n // 10**power % 10
        if digit == 0:
            zero = bool(parts)
            continue
        if zero:
            parts.append(digits[0])
            zero = False
        parts.append(digits[digit] + units[power])
    text = "".join(parts)
    if units is _CN_UNITS and 10 <= n < 20:
        text = text[1:]  # 十一, not 一十一
    return text


def _roman(n: int) -> str:
    if n <= 0 or n >= 4000:
        return str(n)
    numerals = [
        (1000, "M"), (900, "CM"), (500, "D"), (400, "CD"), (100, "C"), (90, "XC"),
        (50, "L"), (40, "XL"), (10, "X"), (9, "IX"), (5, "V"), (4, "IV"), (1, "I"),
    ]  # fmt: skip
    out = []
    for value, numeral in numerals:
        count, n = divmod(n, value)
        out.append(numeral * count)
    return "".join(out)


def _letter(n: int) -> str:
    """Word's letters: a … z, aa … zz, aaa …"""
    if n <= 0:
        return str(n)
    return chr(ord("a") + (n - 1) % 26) * ((n - 1) // 26 + 1)


def _from_table(table: str, n: int) -> str:
    return table[n - 1] if 1 <= n <= len(table) else str(n)


def format_number(n: int, fmt: str | None) -> str:
    """Render counter ``n`` in Word number format ``fmt`` (unknown formats fall back to decimal)."""
    fmt = fmt or "decimal"
    simple: dict[str, Callable[[], str]] = {
        "decimal": lambda: str(n),
        "decimalZero": lambda: f"{n:02d}",
        "decimalFullWidth": lambda: str(n).translate(str.maketrans("0123456789", "０１２３４５６７８９")),
        "decimalHalfWidth": lambda: str(n),
        "upperRoman": lambda: _roman(n),
        "lowerRoman": lambda: _roman(n).lower(),
        "upperLetter": lambda: _letter(n).upper(),
        "lowerLetter": lambda: _letter(n),
        "chineseCounting": lambda: chinese_number(n),
        "chineseCountingThousand": lambda: chinese_number(n),
        "japaneseCounting": lambda: chinese_number(n),
        "taiwaneseCounting": lambda: chinese_number(n),
        "koreanCounting": lambda: chinese_number(n),
        "chineseLegalSimplified": lambda: chinese_number(n, _CN_LEGAL, _CN_LEGAL_UNITS),
        "ideographLegalTraditional": lambda: chinese_number(n, _CN_LEGAL, _CN_LEGAL_UNITS),
        "ideographDigital": lambda: "".join("〇一二三四五六七八九"[int(d)] for d in str(n)),
        "ideographTraditional": lambda: _from_table(_TIANGAN, n),
        "ideographZodiac": lambda: _from_table(_DIZHI, n),
        "decimalEnclosedCircle": lambda: _from_table(_CIRCLED, n),
        "decimalEnclosedCircleChinese": lambda: _from_table(_CIRCLED, n),
        "ideographEnclosedCircle": lambda: _from_table(_CIRCLED_CN, n),
        "decimalEnclosedParen": lambda: _from_table(_PAREN, n),
        "decimalEnclosedFullstop": lambda: _from_table(_FULLSTOP, n),
        "ordinal": lambda: str(n),
        "cardinalText": lambda: str(n),
        "none": lambda: "",
    }
    render = simple.get(fmt)
    return render() if render else str(n)


# ---------------------------------------------------------------------------
# Definitions
# ---------------------------------------------------------------------------


@dataclass
class Level:
    """One level (``w:lvl``) of an abstract numbering definition."""

    start: int = 1
    fmt: str = "decimal"
    text: str | None = None
    restart: int | None = None
    legal: bool = False
    style: str | None = None
    suffix: str = "tab"


@dataclass
class Abstract:
    """An abstract numbering definition: levels by ``ilvl``, and an optional style link."""

    levels: dict[int, Level] = field(default_factory=dict)
    num_style_link: str | None = None


@dataclass
class Num:
    """A numbering instance (``w:num``): its abstract definition and level overrides."""

    abstract_id: str
    start_overrides: dict[int, int] = field(default_factory=dict)
    level_overrides: dict[int, Level] = field(default_factory=dict)


def _parse_level(lvl: XmlElement) -> Level:
    return Level(
        start=_int(wval(lvl, "start"), 1),
        fmt=wval(lvl, "numFmt") or "decimal",
        text=wval(lvl, "lvlText"),
        restart=_int(wval(lvl, "lvlRestart")),
        legal=lvl.find(w("isLgl")) is not None and wval(lvl, "isLgl") not in {"0", "false"},
        style=wval(lvl, "pStyle"),
        suffix=wval(lvl, "suff") or "tab",
    )


def _parse_levels(parent: XmlElement) -> dict[int, Level]:
    levels: dict[int, Level] = {}
    for lvl in parent.findall(w("lvl")):
        ilvl = _int(lvl.get(w("ilvl")), 0)
        if 0 <= ilvl < MAX_LEVELS:
            levels[ilvl] = _parse_level(lvl)
    return levels


def parse_numbering(root: XmlElement | None) -> tuple[dict[str, Abstract], dict[str, Num]]:
    """Abstract definitions and numbering instances of a ``w:numbering`` element
    (a definition without its id can never be referred to, so it is left out)."""
    abstracts: dict[str, Abstract] = {}
    nums: dict[str, Num] = {}
    if root is None:
        return abstracts, nums
    for element in root.findall(w("abstractNum")):
        abstract_id = element.get(w("abstractNumId"))
        if abstract_id is None:
            continue
        abstracts[abstract_id] = Abstract(
            levels=_parse_levels(element), num_style_link=wval(element, "numStyleLink")
        )
    for element in root.findall(w("num")):
        num_id = element.get(w("numId"))
        if num_id is None:
            continue
        num = Num(abstract_id=wval(element, "abstractNumId") or "")
        for override in element.findall(w("lvlOverride")):
            ilvl = _int(override.get(w("ilvl")), 0)
            start = _int(wval(override, "startOverride"))
            if start is not None:
                num.start_overrides[ilvl] = start
            lvl = override.find(w("lvl"))
            if lvl is not None:
                num.level_overrides[ilvl] = _parse_level(lvl)
        nums[num_id] = num
    return abstracts, nums


@dataclass
class StyleInfo:
    """What numbering needs from a paragraph style: its ``numPr`` and its base style."""

    num_id: str | None = None
    ilvl: int | None = None
    based_on: str | None = None


def parse_styles(root: XmlElement | None) -> dict[str, StyleInfo]:
    """Numbering-relevant facts of every style in a ``w:styles`` element, by style id."""
    styles: dict[str, StyleInfo] = {}
    if root is None:
        return styles
    for style in root.findall(w("style")):
        style_id = style.get(w("styleId"))
        if style_id is None:
            continue
        ppr = style.find(w("pPr"))
        numpr = ppr.find(w("numPr")) if ppr is not None else None
        styles[style_id] = StyleInfo(
            num_id=wval(numpr, "numId"),
            ilvl=_int(wval(numpr, "ilvl")),
            based_on=wval(style, "basedOn"),
        )
    return styles


# ---------------------------------------------------------------------------
# Counters
# ---------------------------------------------------------------------------


class Numbering:
    """Numbering state of one document: call :meth:`label` for each paragraph in order."""

    def __init__(
        self, numbering_root: XmlElement | None = None, styles_root: XmlElement | None = None
    ) -> None:
        self.abstracts, self.nums = parse_numbering(numbering_root)
        self.styles = parse_styles(styles_root)
        self.counters: dict[str, list[int | None]] = {}
        self.started_nums: set[tuple[str, int]] = set()

    # -- resolution -----------------------------------------------------------------

    def paragraph_numpr(self, ppr: XmlElement | None) -> tuple[str | None, int | None, str | None]:
        """``(numId, ilvl, styleId)`` of a paragraph's ``w:pPr``, style numbering included."""
        style_id = wval(ppr, "pStyle")
        numpr = ppr.find(w("numPr")) if ppr is not None else None
        num_id = wval(numpr, "numId")
        ilvl = _int(wval(numpr, "ilvl"))
        if num_id is None or ilvl is None:
            style_num, style_ilvl = self._style_numpr(style_id)
            num_id = num_id if num_id is not None else style_num
            ilvl = ilvl if ilvl is not None else style_ilvl
        return num_id, ilvl, style_id

    def _style_numpr(self, style_id: str | None) -> tuple[str | None, int | None]:
        num_id: str | None = None
        ilvl: int | None = None
        seen: set[str] = set()
        while style_id and style_id not in seen and style_id in self.styles:
            seen.add(style_id)
            info = self.styles[style_id]
            num_id = num_id if num_id is not None else info.num_id
            ilvl = ilvl if ilvl is not None else info.ilvl
            style_id = info.based_on
        return num_id, ilvl

    def _abstract_id(self, num: Num) -> str:
        """Follow ``numStyleLink`` (a numbering style pointing at another definition)."""
        abstract_id = num.abstract_id
        for _ in range(5):
            abstract = self.abstracts.get(abstract_id)
            if abstract is None or not abstract.num_style_link:
                break
            style_num = self._style_numpr(abstract.num_style_link)[0]
            linked = self.nums.get(style_num) if style_num else None
            if linked is None or linked.abstract_id == abstract_id:
                break
            abstract_id = linked.abstract_id
        return abstract_id

    def _level(self, num: Num, abstract_id: str, ilvl: int) -> Level:
        if ilvl in num.level_overrides:
            return num.level_overrides[ilvl]
        abstract = self.abstracts.get(abstract_id)
        return abstract.levels.get(ilvl, Level()) if abstract else Level()

    def _level_for_style(self, abstract_id: str, style_id: str | None) -> int | None:
        abstract = self.abstracts.get(abstract_id)
        if abstract is None or style_id is None:
            return None
        for ilvl, level in abstract.levels.items():
            if level.style == style_id:
                return ilvl
        return None

    # -- counting -------------------------------------------------------------------

    def label(self, ppr: XmlElement | None) -> str | None:
        """Advance the counters for a paragraph and return its number text, or None.

        The number text is the level's ``lvlText`` rendered (``一、``, ``（二）``, ``3.``),
        followed by a space when Word would put a tab or space after a number that ends
        without punctuation. Bullets give None.
        """
        if ppr is None:
            return None
        num_id, ilvl, style_id = self.paragraph_numpr(ppr)
        if not num_id or num_id == "0" or num_id not in self.nums:
            return None
        num = self.nums[num_id]
        abstract_id = self._abstract_id(num)
        if ilvl is None:
            ilvl = self._level_for_style(abstract_id, style_id) or 0
        ilvl = min(max(ilvl, 0), MAX_LEVELS - 1)
        values = self._advance(num_id, num, abstract_id, ilvl)
        return self._render(num, abstract_id, ilvl, values)

    def _advance(self, num_id: str, num: Num, abstract_id: str, ilvl: int) -> list[int]:
        counters = self.counters.setdefault(abstract_id, [None] * MAX_LEVELS)
        if ilvl in num.start_overrides and (num_id, ilvl) not in self.started_nums:
            counters[ilvl] = None
            for lower in range(ilvl + 1, MAX_LEVELS):
                counters[lower] = None
        self.started_nums.add((num_id, ilvl))
        level = self._level(num, abstract_id, ilvl)
        start = num.start_overrides.get(ilvl, level.start)
        current = counters[ilvl]
        counters[ilvl] = start if current is None else current + 1
        for lower in range(ilvl + 1, MAX_LEVELS):
            restart = self._level(num, abstract_id, lower).restart
            if restart is None or (restart != 0 and ilvl < restart):
                counters[lower] = None
        values = []
        for index in range(MAX_LEVELS):
            value = counters[index]
            if value is None:
                value = num.start_overrides.get(index, self._level(num, abstract_id, index).start)
            values.append(value)
        return values

    def _render(self, num: Num, abstract_id: str, ilvl: int, values: list[int]) -> str | None:
        level = self._level(num, abstract_id, ilvl)
        if level.fmt == "bullet" or level.text is None:
            return None
        text = level.text
        for index in range(MAX_LEVELS - 1, -1, -1):
            placeholder = f"%{index + 1}"
            if placeholder in text:
                fmt = self._level(num, abstract_id, index).fmt
                if level.legal and fmt != "decimalZero":
                    fmt = "decimal"
                text = text.replace(placeholder, format_number(values[index], fmt))
        text = text.strip()
        if not text:
            return None
        if level.suffix != "nothing" and text[-1].isalnum():
            text += " "
        return text
