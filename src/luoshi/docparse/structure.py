"""Document structure: parts (正文, 附件N) and numbered sections (一、 (一) 1. (1) ①)."""

import re
from collections.abc import Iterable
from dataclasses import dataclass, field

from .schema import Part
from .textutil import clean_line, fold, fold_lines

# Numbering styles, outermost first as they usually nest. Each gives the number as written
# (ASCII parentheses, no trailing punctuation) and the rest of the line.
_CN = "一二三四五六七八九十百零〇"
NUMBERING = [
    # 一、  二.
    ("cn", re.compile(rf"^(?P<n>[{_CN}]{{1,4}})\s*[、.]\s*(?P<rest>\S.*)$")),
    # (一)  （二）
    ("pcn", re.compile(rf"^\(\s*(?P<n>[{_CN}]{{1,4}})\s*\)\s*[、.]?\s*(?P<rest>\S.*)$")),
    # 1.1  1.2.3、  (decimal numbering; a space or 、 after the number, not 1.5万)
    ("dec", re.compile(r"^(?P<n>\d{1,3}(?:\.\d{1,3}){1,3})(?:\s*[、.]\s*|\s+)(?P<rest>[^\s\d%.].*)$")),
    # 1.  1、  1．  (not 1.5万)
    ("ar", re.compile(r"^(?P<n>\d{1,3})\s*(?:[.、](?!\d))\s*(?P<rest>\S.*)$")),
    # (1)  （1）
    ("par", re.compile(r"^\(\s*(?P<n>\d{1,3})\s*\)\s*[、.]?\s*(?P<rest>\S.*)$")),
    # ①
    ("circ", re.compile(r"^(?P<n>[\u2460-\u2473\u3251-\u325f])\s*(?P<rest>\S.*)$")),
    # ⑴ (one character for a parenthesised number, written ``(1)``)
    ("pchar", re.compile(r"^(?P<n>[\u2474-\u2487])\s*(?P<rest>\S.*)$")),
    # 1）  一）  (a closing parenthesis only; the number keeps it: ``1)``)
    ("hpar", re.compile(r"^(?P<n>\d{1,3})\s*\)\s*(?P<rest>[^\s%].*)$")),
    ("hcn", re.compile(rf"^(?P<n>[{_CN}]{{1,4}})\s*\)\s*(?P<rest>\S.*)$")),
]
# The characters a numbered line can start with (besides digits and circled numbers).
_NUMBER_START = frozenset(_CN + "(第")
# The styles a line can have by its first character (folded), in the order of ``NUMBERING``.
_STYLES = dict(NUMBERING)
_CN_STYLES = [(style, _STYLES[style]) for style in ("cn", "hcn")]
_PAREN_STYLES = [(style, _STYLES[style]) for style in ("pcn", "par")]
_DIGIT_STYLES = [(style, _STYLES[style]) for style in ("dec", "ar", "hpar")]  # (``\d``: decimal digits)
_CIRCLED_STYLES = [(style, _STYLES[style]) for style in ("circ", "pchar")]
_WRITE_NUMBER = {"pcn": "({})", "par": "({})", "hpar": "{})", "hcn": "{})"}
# Chapters and articles of rules and long plans: 第一部分 / 第一章 / 第一节 / 第一条, written
# whole as the number (``第一章``); a heading word after a space is its rest.
_ARTICLE = re.compile(
    rf"^(?P<n>第\s*[{_CN}\d]{{1,5}}\s*(?P<kind>部分|编|章|节|条))(?:(?:\s+|\s*[、.:])(?P<rest>\S.*))?$"
)

# Where the main text ends: the list of attachments.
ATTACHMENT_LIST = re.compile(r"^附\s*件\s*[:：]")
# Where an attachment starts: ``附件1`` alone, or with its title after a space.
ATTACHMENT_START = re.compile(rf"^附\s*件\s*(?P<n>\d{{1,2}}|[{_CN}]{{1,3}})?(?:\s+(?P<title>\S.*))?$")
# Lines of a web page or a notice that belong to no part.
_FOOTER_START = (
    r"^(?:归档时间|已归档|阅读次数|浏览次数|字号|【?打印|【?关闭|分享到|扫一扫|责任编辑|相关附件|"
    r"相关链接|抄送|\(此件|（此件|\[此件|【此件|\(本件|（本件|[【\[]?字体|[【\[]?字号)"
    # page numbers (— 3 —, - 12 -)
    r"|^[-—–－]+\s*\d{1,3}\s*[-—–－]+$"
)
# site footers, anywhere in the line
_FOOTER_ANYWHERE = r"网站标识码|ICP备|公网安备|版权所有|技术支持[:：]"
FOOTER = re.compile(f"{_FOOTER_START}|{_FOOTER_ANYWHERE}")
_FOOTER_AT_START = re.compile(_FOOTER_START)
_FOOTER_INSIDE = re.compile(_FOOTER_ANYWHERE)


# The characters ``_FOOTER_AT_START`` can start with.
_FOOTER_FIRST = "归已阅浏字【打关分扫责相抄(（[-—–－"


def is_footer(folded: str) -> bool:
    """A web-page or notice footer line (``FOOTER`` in two quick steps)."""
    return bool(
        (folded[:1] in _FOOTER_FIRST and _FOOTER_AT_START.match(folded))
        # (``_FOOTER_INSIDE`` as substring tests, quicker on Chinese text)
        or "网站标识码" in folded
        or "ICP备" in folded
        or "公网安备" in folded
        or "版权所有" in folded
        or ("技术支持" in folded and _FOOTER_INSIDE.search(folded))
    )


# The notice header of a web page (field rows) and a signature line.
_META = re.compile(
    r"^(?:时间|来源|发布|核心提示|索引号|主题分类|分类|发文机关|成文日期|生效日期|有效性|属性|备注|"
    r"文号|废止日期|所属主题|当前位置|首页)|\|"
)
_TABLE_HEAD = re.compile(r"^序\s*号$")


@dataclass(slots=True)
class Paragraph:
    """One non-empty line of the document, placed in a part and a section."""

    line: int
    text: str
    part: str | None
    section: str | None = None
    in_table: bool = False
    folded: str | None = None  # ``fold(text)`` when known


@dataclass(slots=True)
class Section:
    """A numbered heading or item and the paragraphs that follow it."""

    id: str
    part: str
    parent: str | None
    number: str
    rest: str
    line: int
    paragraphs: list[Paragraph] = field(default_factory=list)
    children: int = 0
    folded_rest: str | None = None  # ``fold(rest)``


@dataclass
class Layout:
    """Parts, sections and placed paragraphs of a document."""

    parts: list[Part] = field(default_factory=list)
    sections: list[Section] = field(default_factory=list)
    paragraphs: list[Paragraph] = field(default_factory=list)


def numbering(text: str, folded: str | None = None) -> tuple[str, str, str] | None:
    """``(style, number, rest)`` when ``text`` starts with a section number, else None;
    ``folded``: ``fold(text)`` when the caller has it."""
    first = text[:1]  # (of the folded characters only ``（`` can start a number: ``(``)
    if not first or not (
        first in _NUMBER_START
        or first == "（"
        or first.isdigit()
        or "\u2460" <= first <= "\u2487"
        or "\u3251" <= first <= "\u325f"
    ):
        return None
    if folded is None:
        folded = fold(text)
    first = folded[:1]
    if first in _CN:
        styles = _CN_STYLES
    elif first == "(":
        styles = _PAREN_STYLES
    elif first.isdecimal():  # (what ``\d`` matches)
        styles = _DIGIT_STYLES
    elif "\u2460" <= first <= "\u2487" or "\u3251" <= first <= "\u325f":
        styles = _CIRCLED_STYLES
    else:
        styles = NUMBERING
    for style, pattern in styles:
        if style == "dec" and not _may_be_decimal(folded):
            continue
        match = pattern.match(folded)
        if match:
            n = match["n"]
            if style == "pchar":
                style, n = "par", str(ord(n) - 0x2473)
            elif style == "dec":
                style = f"dec{n.count('.')}"  # 1.1 and 1.1.1 nest as levels of their own
            number = _WRITE_NUMBER.get(style, "{}").format(n)
            return style, number, text[match.start("rest") :]
    if folded.startswith("第") and (match := _ARTICLE.match(folded)):
        rest = text[match.start("rest") :] if match["rest"] else ""
        return "article-" + match["kind"], match["n"].replace(" ", ""), rest
    return None


def _may_be_decimal(folded: str) -> bool:
    """Quick test for the ``dec`` style (``1.1``): the first ``.`` stands 1 to 3 characters in,
    before a digit."""
    dot = folded.find(".", 1, 4)
    return dot > 0 and folded[dot + 1 : dot + 2].isdecimal()


class _Builder:
    """Walks the lines once, keeping a stack of open numbering styles per part."""

    def __init__(self) -> None:
        self.layout = Layout()
        self.part: str | None = "正文"
        self.stack: list[tuple[str, Section]] = []
        self.ids: set[str] = set()
        self.suffixes: dict[str, int] = {}
        self.in_table = False
        self.want_title: Part | None = None
        self.chapters = True

    def start_part(self, key: str, title: str) -> None:
        keys = {part["key"] for part in self.layout.parts}
        base, count = key, 2
        while key in keys:
            key, count = f"{base}#{count}", count + 1
        part: Part = {"key": key, "title": title}
        self.layout.parts.append(part)
        self.part = key
        self.stack = []
        self.in_table = False
        self.want_title = None if title else part

    def add_section(self, style: str, number: str, rest: str, line: int, folded_rest: str) -> None:
        for kind, _ in self.stack:
            if kind == style:  # close up to its last open one
                while self.stack.pop()[0] != style:
                    pass
                break
        parent = self.stack[-1][1] if self.stack else None
        base = f"{parent.id}/{number}" if parent else f"{self.part}/{number}"
        # a number repeated under one parent gets #2, #3 …; remember the next suffix per
        # base so a long run of repeats stays linear
        section_id, count = base, self.suffixes.get(base, 2)
        while section_id in self.ids:
            section_id, count = f"{base}#{count}", count + 1
        self.suffixes[base] = count
        self.ids.add(section_id)
        assert self.part is not None, "sections are only added inside a part"
        section = Section(section_id, self.part, parent.id if parent else None, number, rest, line)
        section.folded_rest = folded_rest
        if parent:
            parent.children += 1
        self.layout.sections.append(section)
        self.stack.append((style, section))
        self.in_table = False

    def add_paragraph(self, text: str, line: int, folded: str) -> None:
        if text.startswith("序") and _TABLE_HEAD.match(text):
            self.in_table = True
        section = self.stack[-1][1] if self.stack else None
        paragraph = Paragraph(line, text, self.part, section.id if section else None, self.in_table, folded)
        self.layout.paragraphs.append(paragraph)
        if section:
            section.paragraphs.append(paragraph)

    def feed(self, text: str, line: int, found: tuple[str, str, str] | None, folded: str) -> None:
        if is_footer(folded):
            return
        attachment = folded.startswith("附")
        start = ATTACHMENT_START.match(folded) if attachment else None
        if start and not ATTACHMENT_LIST.match(folded):
            key = "附件" + (start["n"] or "")
            self.start_part(key, text[start.start("title") :].strip() if start["title"] else "")
            return
        if attachment and ATTACHMENT_LIST.match(folded):
            self.part = None
            self.stack = []
            return
        if self.part is None:
            return
        if self.want_title is not None:
            if is_meta(text):
                return
            self.want_title["title"] = text
            self.want_title = None
            return
        if found and not self.chapters and found[0].startswith("article-"):
            found = None
        if found and not self.in_table:
            style, number, rest = found
            folded_rest = folded[len(text) - len(rest) :]  # (folding keeps the length)
            self.add_section(style, number, rest, line, folded_rest)
            self.layout.paragraphs.append(
                Paragraph(line, rest, self.part, self.layout.sections[-1].id, folded=folded_rest)
            )
            return
        self.add_paragraph(text, line, folded)


def build_layout(
    lines: list[str],
    body_start: int,
    main_title: str,
    *,
    cleaned: bool = False,
    folded: list[str] | None = None,
) -> Layout:
    """Place the lines from ``body_start`` on into parts and sections.

    The main text (``正文``) runs until the list of attachments (``附件：…``); each attachment
    part starts at a line ``附件N`` and takes the next non-empty line as its title.
    """
    builder = _Builder()
    builder.start_part("正文", main_title)
    texts = lines[body_start:] if cleaned else [clean_line(line) for line in lines[body_start:]]
    folds = folded[body_start:] if cleaned and folded is not None else fold_lines(texts)
    numbered = [
        (line, text, folded_text, numbering(text, folded_text))
        for line, text, folded_text in zip(range(body_start + 1, len(lines) + 1), texts, folds, strict=True)
        if text
    ]
    builder.chapters = _has_items(found for _, _, _, found in numbered)
    for line, text, folded_text, found in numbered:
        builder.feed(text, line, found, folded_text)
    return builder.layout


def _has_items(numbers: Iterable[tuple[str, str, str] | None]) -> bool:
    """Whether the text has numbered items other than chapter headings (``第一条``, ``一、``).

    A ``第一章`` heading is a section only in such a document; alone (a novel) it is none.
    """
    for found in numbers:
        if found and not found[0].startswith(("article-部分", "article-编", "article-章", "article-节")):
            return True
    return False


def is_meta(text: str) -> bool:
    """A header field of a web page (``来源:``, ``发布日期 |``), no part of the plan."""
    return bool(_META.search(fold(text))) or bool(FOOTER.search(fold(text)))
