"""Web pages saved from a government website: the document's text without the page around it.

Page furniture (navigation, breadcrumbs, 分享到, 字体：大 中 小, 打印本页, 关闭窗口, the
索引号/主题分类/发布机构 metadata block, 阅读次数, 相关链接, copyright and ICP footers) is
dropped. The 发文字号 found in the metadata is kept: it is emitted as a plain line before
the title, where the core looks for the document number. Block elements become lines,
``<br>`` a line break, and tables go through :mod:`luoshi.docparse.tables`.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from ..readers import MAX_TEXT_BYTES, Document, ReaderWarning
from ..tables import Cell, table_lines
from .text import _CONTROL, cut_at_newline, decode_text

if TYPE_CHECKING:
    from bs4 import BeautifulSoup, Tag
    from bs4.element import PageElement

#: HTML is parsed up to this many bytes (a saved page is rarely a tenth of it).
MAX_HTML_BYTES = 2 * MAX_TEXT_BYTES

_DROP_TAGS = [
    "script", "style", "noscript", "nav", "header", "footer", "aside", "iframe", "form",
    "select", "button", "input", "textarea", "svg", "object", "embed", "template",
    "link", "meta", "head", "title", "map", "video", "audio", "canvas",
]  # fmt: skip
_BLOCK_TAGS = {
    "p", "div", "section", "article", "main", "h1", "h2", "h3", "h4", "h5", "h6", "li",
    "ul", "ol", "dl", "dt", "dd", "blockquote", "pre", "center", "address", "figure",
    "figcaption", "fieldset", "hr", "body", "html", "caption", "tbody", "thead", "tfoot",
}  # fmt: skip
_CONTENT_HINT = re.compile(
    r"TRS_Editor|TRS_UEDITOR|Custom_UnionStyle|zoom|pages_content|article|content|detail|"
    r"main|text|zwnr|wznr|xxgk|nr|con|view|body|neirong|zhengwen",
    re.I,
)
_CHROME_HINT = re.compile(
    r"(^|[\s_-])(nav|menu|breadcrumb|crumb|location|position|share|bdshare|footer|foot|copyright|"
    r"header|top|banner|sidebar|side|related|xgld|links?|print|fontsize|tool|search|qrcode|ewm)([\s_-]|$)",
    re.I,
)
_DOC_NUMBER = re.compile(r"[\u4e00-\u9fa5]{1,12}\s*[〔［\[（(【]\s*\d{4}\s*[〕］\]）)】]\s*\d+\s*号")
_META_KEYS = (
    "索引号", "主题分类", "发布机构", "成文日期", "发文字号", "发布日期", "文号", "公开方式",
    "公开范围", "信息来源", "有效性", "生效日期", "废止日期", "体裁分类", "组配分类", "发文机关",
    "文件编号", "信息分类", "公开时限", "统一编号", "所属主题",
)  # fmt: skip
_LEFTOVER = re.compile(
    r"^(当前位置|您当前的位置|您现在的位置|现在位置|所在位置)|首页\s*[>＞»›/]|^分享到|分享[:：]|"
    r"字[体号][:：]?\s*[【\[（(]?\s*大\s*[】\]）)]?\s*[【\[（(]?\s*中|【?\s*打印(本页|此页|文章|本文)?\s*】?$|"
    r"【?\s*关闭(窗口|本页)\s*】?|^(阅读|浏览|访问|点击)(次数|量|数)|^【?(我要纠错|返回顶部|收藏|加入收藏)|"
    r"^相关(链接|阅读|文章|新闻|附件)[:：]?$|^(上一篇|下一篇)[:：]|扫一扫在手机|版权所有|ICP\s*备|"
    r"公网安备|网站标识码|Copyright|©|^主办(单位)?[:：]|^(承办|维护|技术支持)(单位)?[:：]",
    re.I,
)


def looks_like_html(head: bytes, ext: str = "") -> bool:
    """Whether the first bytes of a file are HTML (the extension lowers the bar)."""
    sample = head[:4096].lower().lstrip(b"\xef\xbb\xbf \t\r\n")
    sample = sample.replace(b"\x00", b"")
    markers = (b"<!doctype html", b"<html", b"<head", b"<body", b"<meta", b"<?xml")
    if sample.startswith(markers) or any(marker in sample[:2048] for marker in (b"<html", b"<body")):
        return True
    if sample.startswith((b"<p>", b"<p ", b"<div", b"<table", b"<!--")):
        return True
    return ext in {"html", "htm", "shtml", "xhtml", "mht", "jsp", "asp", "aspx", "php"} and b"<" in sample


def read_html(data: bytes, total_size: int | None = None) -> Document:
    """Read a saved web page into the lines of the document it shows."""
    from bs4 import BeautifulSoup

    warnings: list[ReaderWarning] = []
    total_size = max(len(data), total_size or 0)
    if total_size > MAX_HTML_BYTES or len(data) > MAX_HTML_BYTES:
        data = cut_at_newline(data[:MAX_HTML_BYTES])
        mb = 1024 * 1024
        message = (
            f"网页文件过大（{total_size / mb:.1f} MB）：只读取了前 {len(data) / mb:.1f} MB，其余部分未读取。"
        )
        warnings.append({"line": None, "message": message})
    text, _encoding = decode_text(data, _declared_charset(data))
    text = _CONTROL.sub("", text)
    soup = BeautifulSoup(text, "lxml")
    tags = _tags(soup)
    title = _title(soup, tags)
    doc_number = _doc_number(soup, tags)
    for tag in _tags(soup, set(_DROP_TAGS)):
        tag.extract()
    _drop_chrome(soup)
    container = _main_container(soup)
    lines = _Flattener().lines(container) if container is not None else []
    lines = _clean(lines)
    lines = _with_heading(lines, title, doc_number)
    return Document(lines=lines, warnings=warnings, format="html")


def _declared_charset(data: bytes) -> str | None:
    match = re.search(rb"""<meta[^>]+charset\s*=\s*["']?\s*([\w-]+)""", data[:4096], re.I)
    return match.group(1).decode("ascii", "ignore") if match else None


# ---------------------------------------------------------------------------
# Title and document number
# ---------------------------------------------------------------------------


def _attr(tag: Tag, name: str) -> str:
    """An attribute's value as text (a multi-valued one such as ``class`` joined by spaces)."""
    value = tag.get(name)
    if value is None:
        return ""
    return value if isinstance(value, str) else " ".join(value)


def _metas(tags: list[Tag]) -> dict[str, str]:
    """``<meta name|property=… content=…>`` of a page, names lower-cased."""
    metas: dict[str, str] = {}
    for meta in tags:
        if meta.name == "meta":
            name = (_attr(meta, "name") or _attr(meta, "property")).strip().lower()
            metas.setdefault(name, _attr(meta, "content").strip())
    return metas


def _title(soup: BeautifulSoup, tags: list[Tag]) -> str | None:
    """The document title: ``ArticleTitle`` meta, else the page's heading, else ``<title>``."""
    metas = _metas(tags)
    for name in ("articletitle", "title", "og:title"):
        if metas.get(name):
            return metas[name]
    named_title = [element for element in tags if re.search(r"title", _attrs(element), re.I)]
    headings = (
        [tag for tag in tags if tag.name == "h1"] + named_title + [tag for tag in tags if tag.name == "h2"]
    )
    for heading in headings:
        text = _text(heading)
        if 6 <= len(text) <= 200:
            return text
    title = next((tag for tag in tags if tag.name == "title"), None)
    if title is not None and title.string:
        return re.split(r"\s*[_|｜—-]{1,2}\s*[^_|｜—-]*(政府|网|门户|人民)[^_|｜—-]*$", title.string.strip())[
            0
        ]
    return None


def _doc_number(soup: BeautifulSoup, tags: list[Tag]) -> str | None:
    """The 发文字号 of the metadata block (or meta tags), if the page has one."""
    metas = _metas(tags)
    for name in ("documentnumber", "wenhao", "filenum"):
        number = _DOC_NUMBER.search(metas.get(name, ""))
        if number:
            return re.sub(r"\s+", "", number.group(0))
    text = soup.get_text("\n")
    for match in re.finditer(r"(发文字号|文\s*号|发布文号|文件编号)\s*[|:：]?([\s\S]{0,60})", text):
        number = _DOC_NUMBER.search(match.group(2))
        if number:
            return re.sub(r"\s+", "", number.group(0))
    return None


def _tags(root: Tag, names: set[str] | None = None) -> list[Tag]:
    """The elements under ``root`` (named ``names``), in document order.

    Much faster than ``find_all`` on large pages.
    """
    from bs4 import Tag

    return [
        node for node in root.descendants if isinstance(node, Tag) and (names is None or node.name in names)
    ]


def _text(element: Tag) -> str:
    return re.sub(r"\s+", " ", element.get_text(" ")).strip()


# ---------------------------------------------------------------------------
# Chrome removal and the main container
# ---------------------------------------------------------------------------


def _attrs(element: Tag) -> str:
    """The element's id and classes, for telling content from page chrome by name."""
    return " ".join([_attr(element, "id"), _attr(element, "class")]).rstrip()


def _drop_chrome(soup: BeautifulSoup) -> None:
    """Remove hidden elements, metadata blocks, and elements named like page chrome."""
    for element in _tags(soup):
        style = _attr(element, "style").replace(" ", "").lower()
        hidden = "display:none" in style or "visibility:hidden" in style
        names = _attrs(element)
        chrome = _CHROME_HINT.search(names) and not _CONTENT_HINT.search(names)
        if hidden or (chrome and len(_text(element)) < 400):
            element.extract()
    for element in _tags(soup, {"table", "div", "ul", "dl"}):
        if element.parent is not None and _is_metadata(element):
            element.extract()


def _is_metadata(element: Tag) -> bool:
    """A block that is the 索引号/主题分类/发布机构… table and little else."""
    text = _text(element)
    keys = sum(1 for key in _META_KEYS if key in text)
    dense = keys >= 3 and len(text) < 40 * keys + 60
    return dense and len(_tags(element, {"p", "h1", "h2", "h3"})) < 3


def _main_container(soup: BeautifulSoup) -> Tag:
    """The element that holds the document: the longest one named like content, else <body>."""
    body = soup.body or soup
    total = len(_text(body))
    candidates = [
        (element, len(_text(element)))
        for element in _tags(soup, {"div", "td", "article", "section", "main"})
        if _CONTENT_HINT.search(_attrs(element))
    ]
    best_len = max((length for _element, length in candidates), default=0)
    if best_len < max(20, 0.25 * total):
        return body
    # The innermost candidate that still holds most of the text (e.g. TRS_Editor in #content).
    fitting = [(element, length) for element, length in candidates if length >= 0.7 * best_len]
    return min(fitting, key=lambda pair: pair[1])[0]


# ---------------------------------------------------------------------------
# Flattening
# ---------------------------------------------------------------------------


class _Flattener:
    """Turns an element tree into lines: blocks break lines, tables go to ``tables``."""

    def __init__(self) -> None:
        self.out: list[str] = []
        self.current: list[str] = []

    def lines(self, element: Tag) -> list[str]:
        self._walk(element)
        self._break()
        return self.out

    def _break(self) -> None:
        text = "".join(self.current)
        self.current = []
        for line in text.split("\n"):
            line = re.sub(r"[ \t\r\xa0]+", " ", line).strip()
            if line:
                self.out.append(line)

    def _walk(self, element: Tag) -> None:
        """Walk the tree without recursion (pages can nest thousands of unclosed tags)."""
        from bs4.element import Comment, Declaration, Doctype, NavigableString, ProcessingInstruction, Tag

        skipped = Comment | Declaration | Doctype | ProcessingInstruction
        stack: list[tuple[PageElement, bool]] = [(child, False) for child in reversed(list(element.children))]
        while stack:
            node, closing = stack.pop()
            if closing:
                self._break()
            elif isinstance(node, skipped):
                continue
            elif isinstance(node, NavigableString):
                self.current.append(re.sub(r"\s+", " ", str(node)))
            elif isinstance(node, Tag):
                stack += reversed(self._open(node))

    def _open(self, tag: Tag) -> list[tuple[PageElement, bool]]:
        """Handle an opening tag; return what to walk next, in order (``(node, closing)``)."""
        name = tag.name
        if name == "br":
            self.current.append("\n")
            return []
        if name == "table":
            self._break()
            if not _is_layout(tag):
                self.out += table_lines(html_grid(tag))
                return []
            cells = [cell for row in _own_rows(tag) for cell in _row_cells(row)]
            return [(cell, False) for cell in cells]
        children: list[tuple[PageElement, bool]] = [(child, False) for child in tag.children]
        if name in _BLOCK_TAGS or name in {"tr", "td", "th"}:
            self._break()
            return [*children, (tag, True)]
        return children


def _own_rows(table: Tag) -> list[Tag]:
    """The rows of a table, not of the tables nested in it."""
    from bs4.element import Tag

    rows: list[Tag] = []
    for child in table.children:
        if not isinstance(child, Tag):
            continue
        if child.name == "tr":
            rows.append(child)
        elif child.name in {"tbody", "thead", "tfoot"}:
            rows += [row for row in child.find_all("tr", recursive=False) if isinstance(row, Tag)]
    return rows


def _row_cells(row: Tag) -> list[Tag]:
    """The ``td``/``th`` cells of a row (not those of tables nested in it)."""
    from bs4.element import Tag

    return [cell for cell in row.find_all(["td", "th"], recursive=False) if isinstance(cell, Tag)]


def _is_layout(table: Tag) -> bool:
    """A table used to lay out the page (tables nested in it, or a single cell), not data."""
    if table.find("table") is not None:
        return True
    rows = _own_rows(table)
    return len(rows) <= 2 and all(len(_row_cells(row)) <= 1 for row in rows)


def _cell_lines(cell: Tag) -> list[str]:
    flattener = _Flattener()
    return flattener.lines(cell)


def html_grid(table: Tag) -> list[list[Cell]]:
    """A table's grid positions with ``rowspan``/``colspan`` merges marked."""
    grid: list[list[Cell]] = []
    pending: dict[int, tuple[Cell, int]] = {}  # col -> (cell spanning down, rows left)
    for tr in _own_rows(table)[:5000]:
        row: list[Cell] = []
        cells = iter(_row_cells(tr))
        while True:
            col = len(row)
            if col in pending:
                above, left = pending[col]
                row.append(Cell(lines=above.lines, vcont=True, hcont=above.hcont))
                pending[col] = (above, left - 1)
                if left <= 1:
                    del pending[col]
                continue
            td = next(cells, None)
            if td is None:
                break
            _place(row, td, pending)
        grid.append(row)
    return grid


def _place(row: list[Cell], td: Tag, pending: dict[int, tuple[Cell, int]]) -> None:
    colspan = max(1, min(_span(_attr(td, "colspan")), 64))
    rowspan = max(1, min(_span(_attr(td, "rowspan")), 1000))
    lines = _cell_lines(td)
    for offset in range(colspan):
        cell = Cell(lines=lines, hcont=offset > 0)
        if rowspan > 1:
            pending[len(row)] = (cell, rowspan - 1)
        row.append(cell)


def _span(value: str) -> int:
    try:
        return int(str(value).strip())
    except (TypeError, ValueError):
        return 1


# ---------------------------------------------------------------------------
# Line clean-up
# ---------------------------------------------------------------------------


def _clean(lines: list[str]) -> list[str]:
    """Drop page leftovers (breadcrumbs, tools, metadata lines, footers)."""
    out = []
    for line in lines:
        if _LEFTOVER.search(line):
            continue
        if re.match(rf"^({'|'.join(_META_KEYS)})\s*[:：|]", line) and len(line) < 80:
            continue
        if line in {"大", "中", "小", "【", "】", "|", ">", "»", "打印", "关闭", "分享"}:
            continue
        out.append(line)
    return out


def _with_heading(lines: list[str], title: str | None, doc_number: str | None) -> list[str]:
    """Put the document number and, when the content lacks it, the title at the top."""
    head = []
    top = re.sub(r"\s+", "", "".join(lines[:15]))
    if doc_number and re.sub(r"\s+", "", doc_number) not in top:
        head.append(doc_number)
    if title and re.sub(r"\s+", "", title) not in top:
        head.append(title)
    return head + lines
