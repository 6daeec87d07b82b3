"""Word .docx files: body paragraphs and tables in document order, automatic numbering rendered.

The zip is checked before anything is extracted (declared sizes and compression ratios,
so a zip bomb is refused cheaply); python-docx then opens the package, and the body is
walked as XML so that tracked insertions, content controls and nested tables are read
and deleted or hidden text is not.
"""

from __future__ import annotations

import io
import zipfile
from collections.abc import Iterator
from typing import TYPE_CHECKING

from ..readers import Document, DocumentError, ReaderWarning
from ..tables import Cell, table_lines
from .numbering import Numbering, XmlElement, w, wval

if TYPE_CHECKING:
    from docx.document import Document as WordDocument

#: Declared uncompressed size allowed for all XML parts together.
MAX_XML_BYTES = 50 * 1024 * 1024
#: Declared uncompressed size allowed for the whole package (media included).
MAX_TOTAL_BYTES = 200 * 1024 * 1024
#: Entries above this size must not be compressed more than ``MAX_RATIO`` times.
RATIO_CHECK_BYTES = 5 * 1024 * 1024
MAX_RATIO = 100
MAX_ENTRIES = 10_000

MC = "http://schemas.openxmlformats.org/markup-compatibility/2006"
#: Elements whose content is not part of the running text.
_SKIP = {
    w("pPr"),
    w("rPr"),
    w("del"),
    w("moveFrom"),
    w("delText"),
    w("instrText"),
    w("fldData"),
    w("object"),
    w("footnoteReference"),
    w("endnoteReference"),
    w("commentReference"),
    f"{{{MC}}}Fallback",
}
_BREAKS = {w("br"), w("cr")}
#: Shapes that may hold a text box (``w:txbxContent``): a DrawingML drawing or a VML picture.
_SHAPES = {w("drawing"), w("pict")}


def read_docx(data: bytes, name: str = "") -> Document:
    """Read a .docx file's bytes into lines (raises :class:`DocumentError` when it cannot)."""
    check_package(data)
    try:
        import docx

        package = docx.Document(io.BytesIO(data))
        body = package.element.body
        numbering = Numbering(_numbering_root(package), package.styles.element)
    except DocumentError:
        raise
    except Exception as error:  # python-docx and lxml raise many kinds for damaged files
        raise DocumentError(
            f"Word 文件已损坏，无法打开（{type(error).__name__}）。请用 Word 打开后重新保存为 .docx。"
        ) from error
    walker = _BodyWalker(numbering)
    lines = _squeeze_blank(walker.blocks(body))
    warnings: list[ReaderWarning] = []
    return Document(lines=lines, warnings=warnings, format="docx")


def _numbering_root(package: WordDocument) -> XmlElement | None:
    """The ``w:numbering`` element of the document, or None (without creating one)."""
    from docx.opc.constants import RELATIONSHIP_TYPE as RT

    for rel in package.part.rels.values():
        if rel.reltype == RT.NUMBERING and not rel.is_external:
            return getattr(rel.target_part, "element", None)
    return None


# ---------------------------------------------------------------------------
# Package checks
# ---------------------------------------------------------------------------


def check_package(data: bytes) -> None:
    """Refuse a zip that is damaged, no Word document, or would expand too much."""
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
        entries = archive.infolist()
    except (zipfile.BadZipFile, zipfile.LargeZipFile, OSError, ValueError, EOFError) as error:
        raise DocumentError("文件已损坏：不是有效的 Word（.docx）文件（压缩包无法打开）。") from error
    names = {entry.filename for entry in entries}
    _check_kind(names)
    if len(entries) > MAX_ENTRIES:
        raise DocumentError(f"Word 文件结构异常：压缩包内有 {len(entries)} 个文件，拒绝读取。")
    _check_sizes(entries)


def _check_kind(names: set[str]) -> None:
    if "word/document.xml" in names:
        return
    if "xl/workbook.xml" in names:
        raise DocumentError(
            "这是 Excel 表格（.xlsx），不是 Word 文档。请上传方案的 Word（.docx）、PDF、网页或文本文件。"
        )
    if "ppt/presentation.xml" in names:
        raise DocumentError("这是 PowerPoint 演示文稿（.pptx），不是方案文档。")
    if "content.xml" in names and "mimetype" in names:
        raise DocumentError("这是 OpenDocument（.odt/WPS）格式，暂不支持。请另存为 .docx 格式再上传。")
    if any(name.startswith("word/") for name in names) and not names & {"[Content_Types].xml"}:
        raise DocumentError("文件已损坏：Word 文件缺少必要的组成部分。")
    raise DocumentError("无法识别的文件格式：这是一个压缩包（zip），不是 Word（.docx）文档。")


def _check_sizes(entries: list[zipfile.ZipInfo]) -> None:
    xml_total = total = 0
    for entry in entries:
        size = entry.file_size
        total += size
        if entry.filename.endswith((".xml", ".rels")):
            xml_total += size
        if size > RATIO_CHECK_BYTES and size > MAX_RATIO * max(entry.compress_size, 1):
            raise DocumentError(
                f"文件异常：压缩包内的 {entry.filename} 解压后有 {size / 1024 / 1024:.0f} MB，"
                f"压缩比超过 {MAX_RATIO} 倍（疑似“压缩炸弹”），拒绝读取。"
            )
    if xml_total > MAX_XML_BYTES or total > MAX_TOTAL_BYTES:
        raise DocumentError(
            f"文件过大：Word 文件解压后有 {max(xml_total, total) / 1024 / 1024:.0f} MB，超过本系统的读取上限，拒绝读取。"
        )


# ---------------------------------------------------------------------------
# Body walk
# ---------------------------------------------------------------------------


class _BodyWalker:
    """Walks block content (body, table cells, content controls) in document order."""

    def __init__(self, numbering: Numbering) -> None:
        self.numbering = numbering

    def blocks(self, parent: XmlElement) -> list[str]:
        """Lines of the paragraphs and tables directly in ``parent``."""
        lines: list[str] = []
        for child in parent.iterchildren():
            tag = child.tag
            if tag == w("p"):
                lines += self.paragraph(child)
            elif tag == w("tbl"):
                lines += table_lines(self.grid(child))
            elif tag in {w("sdt"), w("customXml"), w("ins"), w("moveTo")}:
                content = child.find(w("sdtContent"))
                lines += self.blocks(content if content is not None else child)
        return lines

    def paragraph(self, p: XmlElement) -> list[str]:
        """The lines of one paragraph: its number (if any) and text; soft breaks split lines.

        The paragraphs of a text box anchored in it (``w:txbxContent`` in a drawing or a VML
        shape) follow as lines of their own.
        """
        prefix = self.numbering.label(p.find(w("pPr")))
        pieces: list[str] = []
        boxes: list[str] = []
        self._collect(p, pieces, boxes)
        text = "".join(pieces)
        if not text.strip():
            return ([prefix.strip()] if prefix else [""]) + boxes
        lines = [line.rstrip() for line in text.split("\n")]
        lines = [line for line in lines if line.strip()]
        if prefix:
            lines[0] = prefix + lines[0].lstrip()
        return lines + boxes

    def _collect(self, element: XmlElement, out: list[str], boxes: list[str]) -> None:
        """Append the visible text under ``element`` to ``out``, and text-box lines to ``boxes``."""
        for child in element.iterchildren():
            tag = child.tag
            if tag in _SHAPES:
                for content in child.iter(w("txbxContent")):
                    boxes += self.blocks(content)
                continue
            if not isinstance(tag, str) or tag in _SKIP:
                continue
            if tag == w("t"):
                out.append(child.text or "")
            elif tag == w("tab") or tag == w("ptab"):
                out.append("\t")
            elif tag in _BREAKS:
                if child.get(w("type")) not in {"page", "column"}:
                    out.append("\n")
            elif tag == w("noBreakHyphen"):
                out.append("-")
            elif tag == w("r") and _hidden(child):
                continue
            else:
                self._collect(child, out, boxes)

    # -- tables ---------------------------------------------------------------------

    def grid(self, tbl: XmlElement) -> list[list[Cell]]:
        """A table's grid positions with merge flags (``gridSpan``, ``vMerge``, ``hMerge``)."""
        grid: list[list[Cell]] = []
        for tr in _rows(tbl):
            row: list[Cell] = [Cell() for _ in range(_int(wval(tr.find(w("trPr")), "gridBefore"), 0))]
            for tc in _cells(tr):
                self._add_cell(row, tc, grid[-1] if grid else None)
            grid.append(row)
        return grid

    def _add_cell(self, row: list[Cell], tc: XmlElement, above: list[Cell] | None) -> None:
        tcpr = tc.find(w("tcPr"))
        span = max(1, min(_int(wval(tcpr, "gridSpan"), 1), 64))
        vmerge = tcpr.find(w("vMerge")) if tcpr is not None else None
        col = len(row)
        if vmerge is not None and vmerge.get(w("val")) in {None, "continue"} and above and col < len(above):
            cell = Cell(lines=above[col].lines, vcont=True)
        elif wval(tcpr, "hMerge") == "continue" and row:
            row.append(Cell(lines=row[-1].lines, vcont=row[-1].vcont, hcont=True))
            return
        else:
            cell = Cell(lines=self.blocks(tc))
        row.append(cell)
        for _ in range(span - 1):
            row.append(Cell(lines=cell.lines, vcont=cell.vcont, hcont=True))


def _rows(tbl: XmlElement) -> Iterator[XmlElement]:
    """The ``w:tr`` of a table, also those wrapped in content controls."""
    for child in tbl.iterchildren():
        if child.tag == w("tr"):
            yield child
        elif child.tag in {w("sdt"), w("customXml")}:
            yield from child.iter(w("tr"))


def _cells(tr: XmlElement) -> Iterator[XmlElement]:
    """The ``w:tc`` of a row, also those wrapped in content controls."""
    for child in tr.iterchildren():
        if child.tag == w("tc"):
            yield child
        elif child.tag in {w("sdt"), w("customXml")}:
            content = child.find(w("sdtContent"))
            yield from (content if content is not None else child).iterchildren(w("tc"))


def _hidden(run: XmlElement) -> bool:
    rpr = run.find(w("rPr"))
    vanish = rpr.find(w("vanish")) if rpr is not None else None
    return vanish is not None and vanish.get(w("val")) not in {"0", "false", "off"}


def _int(value: str | None, default: int) -> int:
    try:
        return int(value) if value is not None else default
    except ValueError:
        return default


def _squeeze_blank(lines: list[str]) -> list[str]:
    """Collapse runs of empty lines to one and drop them at both ends."""
    out: list[str] = []
    for line in lines:
        if line.strip() or (out and out[-1].strip()):
            out.append(line if line.strip() else "")
    while out and not out[-1].strip():
        out.pop()
    return out
