"""PDF files with a text layer (pdfminer.six); scanned PDFs are refused (no OCR here).

Lines are taken with their position on the page. Page numbers (``— 3 —``, ``-3-``,
``第3页``) and headers/footers repeated on most pages are dropped, and lines broken by the
page width are joined again: a line that runs to the right margin, does not end a
sentence, and is followed by a line that is not indented and does not start a numbered
item or heading, continues on that line.
"""

from __future__ import annotations

import io
import re
import statistics
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from typing import TYPE_CHECKING

from ..readers import Document, DocumentError, ReaderWarning

if TYPE_CHECKING:
    from pdfminer.layout import LTPage, LTTextLine

#: Pages read at most; the rest is reported in a warning.
MAX_PDF_PAGES = 200

_CJK = "\u2e80-\u2fff\u3000-\u303f\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\uff00-\uffef"
_CJK_CHAR = re.compile(rf"[{_CJK}]")
_PAGE_NUMBER = re.compile(
    r"^[\s\-—–－―~～·•]*(第\s*)?[\d０-９]+(\s*页)?(\s*[/／]\s*\d+|\s*共\s*\d+\s*页)?[\s\-—–－―~～·•]*$"
    r"|^[\s\-—–－―]*[ivxlcIVXLC]+[\s\-—–－―]*$"
)
_SENTENCE_END = tuple("。！？；!?;…")
_STARTS_ITEM = re.compile(
    r"^\s*(?:[一二三四五六七八九十百零〇]+\s*[、.．]|[（(]\s*[一二三四五六七八九十百零〇\d]+\s*[）)]"
    r"|\d+\s*[.．、](?!\d)|[①-⑳⑴-⒇⒈-⒛]|第[一二三四五六七八九十百\d]+[章节条部分]|附件|——|[-•·●■◆]\s)"
)


@dataclass
class _Row:
    """One visual line of a page: its characters ``(x0, x1, text)`` and its box (PDF points, y up)."""

    chars: list[tuple[float, float, str]]
    x0: float
    x1: float
    top: float
    bottom: float
    page: int
    text: str = ""

    @property
    def height(self) -> float:
        return max(self.top - self.bottom, 1.0)


def read_pdf(data: bytes) -> Document:
    """Read a PDF's text layer into lines (raises :class:`DocumentError` when there is none)."""
    total = _page_count(data)
    warnings: list[ReaderWarning] = []
    if total > MAX_PDF_PAGES:
        warnings.append(
            {
                "line": None,
                "message": f"PDF 共 {total} 页：只读取了前 {MAX_PDF_PAGES} 页，其余 {total - MAX_PDF_PAGES} 页未读取。",
            }
        )
    pages, failure = _read_pages(data, min(total, MAX_PDF_PAGES))
    if failure and not any(pages):
        raise DocumentError(f"PDF 文件已损坏，无法读取（{failure}）。")
    if failure:
        warnings.append(
            {
                "line": None,
                "message": f"PDF 第 {len(pages) + 1} 页起无法读取（文件可能已损坏），只读取了前 {len(pages)} 页。",
            }
        )
    _check_text_layer(pages)
    empty = [index + 1 for index, rows in enumerate(pages) if not rows]
    if empty:
        shown = "、".join(str(number) for number in empty[:10]) + ("等" if len(empty) > 10 else "")
        warnings.append(
            {"line": None, "message": f"PDF 第 {shown} 页没有文字层（可能是扫描页），这些页的内容未读取。"}
        )
    pages = _drop_furniture(pages)
    return Document(lines=_join_lines(pages), warnings=warnings, format="pdf")


def _page_count(data: bytes) -> int:
    """Number of pages, or a :class:`DocumentError` for a damaged or password-protected PDF."""
    from pdfminer.pdfdocument import PDFDocument, PDFPasswordIncorrect
    from pdfminer.pdfpage import PDFPage
    from pdfminer.pdfparser import PDFParser

    try:
        document = PDFDocument(PDFParser(io.BytesIO(data)))
        if not document.is_extractable:
            raise DocumentError("该 PDF 禁止提取文字（文档权限限制），无法读取。请使用未加限制的版本。")
        count = 0
        for _page in PDFPage.create_pages(document):
            count += 1
            if count > 100_000:
                break
        return count
    except DocumentError:
        raise
    except PDFPasswordIncorrect as error:
        raise DocumentError("该 PDF 设置了打开密码（已加密），无法读取。请上传未加密的版本。") from error
    except Exception as error:  # pdfminer raises many kinds for damaged files
        raise DocumentError(f"PDF 文件已损坏，无法读取（{type(error).__name__}）。") from error


def _read_pages(data: bytes, limit: int) -> tuple[list[list[_Row]], str | None]:
    """The rows of the first ``limit`` pages, and an error name if reading stopped early."""
    from pdfminer.high_level import extract_pages
    from pdfminer.layout import LAParams

    laparams = LAParams(line_overlap=0.5, char_margin=2.0, word_margin=0.2, line_margin=0.5, all_texts=True)
    pages: list[list[_Row]] = []
    try:
        for number, layout in enumerate(extract_pages(io.BytesIO(data), laparams=laparams, maxpages=limit)):
            pages.append(_page_rows(layout, number))
    except Exception as error:  # a damaged page stops the reading, keeping what was read
        return pages, type(error).__name__
    return pages, None


def _text_lines(item: object) -> Iterator[LTTextLine]:
    """All text lines under a layout item (text boxes and figures)."""
    from pdfminer.layout import LTTextLine

    if isinstance(item, LTTextLine):
        yield item
        return
    if isinstance(item, Iterable):
        for child in item:
            yield from _text_lines(child)


def _page_rows(layout: LTPage, number: int) -> list[_Row]:
    """A page's text lines, merged into visual rows, top to bottom, with their text."""
    from pdfminer.layout import LTChar

    pieces = []
    for line in _text_lines(layout):
        chars = [(char.x0, char.x1, char.get_text()) for char in line if isinstance(char, LTChar)]
        if any(text.strip() for _x0, _x1, text in chars):
            pieces.append(_Row(chars, line.x0, line.x1, line.y1, line.y0, number))
    pieces.sort(key=lambda row: (-row.top, row.x0))
    rows: list[_Row] = []
    for piece in pieces:
        if rows and _same_row(rows[-1], piece):
            rows[-1] = _merge(rows[-1], piece)
        else:
            rows.append(piece)
    for row in rows:
        row.text = _row_text(row)
    return rows


def _same_row(a: _Row, b: _Row) -> bool:
    overlap = min(a.top, b.top) - max(a.bottom, b.bottom)
    return overlap > 0.5 * min(a.height, b.height)


def _merge(a: _Row, b: _Row) -> _Row:
    """One row of two pieces on the same baseline (their characters interleaved by position)."""
    return _Row(
        a.chars + b.chars,
        min(a.x0, b.x0),
        max(a.x1, b.x1),
        max(a.top, b.top),
        min(a.bottom, b.bottom),
        a.page,
    )


def _row_text(row: _Row) -> str:
    """The text of a row: characters left to right, spaces only where the gap shows one.

    Between Chinese characters a space needs a wide gap (a table's columns); between
    Latin letters or digits a word gap will do. A character drawn twice at the same
    place (simulated bold) counts once.
    """
    em = row.height
    out: list[str] = []
    last: tuple[float, float, str] | None = None
    for char in sorted(row.chars, key=lambda char: char[0]):
        x0, x1, text = char
        if not text.strip():
            continue
        if last is not None:
            gap = x0 - last[1]
            if text == last[2] and abs(x0 - last[0]) < 0.3 * max(x1 - x0, 1.0):
                continue
            cjk = _is_cjk(last[2][-1]) or _is_cjk(text[0])
            if gap > em or (gap > 0.15 * em and not cjk):
                out.append(" ")
        out.append(text)
        last = char
    return "".join(out).strip()


def _is_cjk(char: str) -> bool:
    return bool(_CJK_CHAR.match(char))


def _check_text_layer(pages: list[list[_Row]]) -> None:
    text = "".join(row.text for rows in pages for row in rows)
    if len(re.sub(r"\s", "", text)) == 0:
        raise DocumentError(
            "该PDF没有文字层（可能是扫描件），本系统不做文字识别（OCR）。请上传 Word 版或带文字的 PDF。"
        )
    cids = len(re.findall(r"\(cid:\d+\)", text))
    if cids * 8 > len(text) * 0.5:
        raise DocumentError(
            "该 PDF 的字体缺少文字编码信息，提取出的是乱码，无法读取。请上传 Word 版或其他 PDF 版本。"
        )


# ---------------------------------------------------------------------------
# Page furniture
# ---------------------------------------------------------------------------


def _drop_furniture(pages: list[list[_Row]]) -> list[list[_Row]]:
    """Remove page numbers and headers/footers repeated on most pages."""
    repeated = _repeated_edges(pages)
    cleaned = []
    for rows in pages:
        near_edge = {id(row) for row in rows[:2] + rows[-2:]}
        kept = [row for row in rows if not (id(row) in near_edge and _PAGE_NUMBER.match(row.text))]
        at_edge = {id(row) for row in kept[:1] + kept[-1:]}
        cleaned.append([row for row in kept if not (id(row) in at_edge and _edge_key(row.text) in repeated)])
    return cleaned


def _edge_key(text: str) -> str:
    return re.sub(r"\s+", "", text)


def _repeated_edges(pages: list[list[_Row]]) -> set[str]:
    """Texts first or last on at least half the pages, three pages at least.

    Page numbers are set aside first, so a header above or a footer beside them counts.
    """
    if len(pages) < 3:
        return set()
    counts: dict[str, int] = {}
    for rows in pages:
        rows = [row for row in rows if not _PAGE_NUMBER.match(row.text)]
        for key in {_edge_key(row.text) for row in rows[:1] + rows[-1:]}:
            counts[key] = counts.get(key, 0) + 1
    threshold = max(3, len(pages) // 2)
    return {key for key, count in counts.items() if count >= threshold}


# ---------------------------------------------------------------------------
# Joining lines broken by the page width
# ---------------------------------------------------------------------------


@dataclass
class _Frame:
    """A page's text frame: left and right margins and the size of a character."""

    left: float
    right: float
    em: float


def _frame(rows: list[_Row]) -> _Frame | None:
    if not rows:
        return None
    em = statistics.median(row.height for row in rows)
    return _Frame(left=min(row.x0 for row in rows), right=max(row.x1 for row in rows), em=em)


def _join_lines(pages: list[list[_Row]]) -> list[str]:
    """The rows of all pages as lines, rejoining lines the page width broke."""
    frames = [_frame(rows) for rows in pages]
    indented = _uses_first_line_indent(pages, frames)
    lines: list[str] = []
    previous: tuple[_Row, _Frame] | None = None
    for rows, frame in zip(pages, frames, strict=True):
        for row in rows:
            if previous and lines and _continues(previous, (row, frame), indented):
                lines[-1] += row.text if _chinese(lines[-1]) or _chinese(row.text) else " " + row.text
            else:
                lines.append(row.text)
            previous = (row, frame) if frame is not None else None
    return lines


def _uses_first_line_indent(pages: list[list[_Row]], frames: list[_Frame | None]) -> bool:
    """Whether paragraphs start indented by about two characters (as in GB/T 9704 documents)."""
    total = indented = 0
    for rows, frame in zip(pages, frames, strict=True):
        for row in rows:
            total += 1
            indented += frame is not None and 1.5 * frame.em <= row.x0 - frame.left <= 2.5 * frame.em
    return total > 0 and indented >= 0.1 * total


def _continues(previous: tuple[_Row, _Frame], current: tuple[_Row, _Frame | None], indented: bool) -> bool:
    """Whether ``current`` continues the line before it (same paragraph, broken by width).

    The line before must run to the right margin and the current one start at the left
    margin without opening a numbered item or heading. A line ending a sentence is kept
    apart, unless the document marks new paragraphs by indenting their first line.
    """
    prev, prev_frame = previous
    row, frame = current
    if frame is None or _STARTS_ITEM.match(row.text):
        return False
    if prev.text.endswith(_SENTENCE_END) and not indented:
        return False
    full = prev.x1 >= prev_frame.right - 2.5 * prev_frame.em  # ragged right (not justified) allowed
    wide_enough = prev.x1 - prev.x0 >= 0.6 * (prev_frame.right - prev_frame.left)
    not_indented = row.x0 <= frame.left + 0.8 * frame.em
    return full and wide_enough and not_indented


def _chinese(text: str) -> bool:
    """Whether a line is mostly Chinese (its broken lines join without a space)."""
    cjk = len(re.findall(rf"[{_CJK}]", text))
    return cjk >= 0.3 * len(text.replace(" ", "")) if text else False
