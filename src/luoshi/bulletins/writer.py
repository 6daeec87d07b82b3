"""Render: the monthly bulletin, the dispatch summary and the quarterly review as Word
files in GB/T 9704 layout, written onto the template (``template.py``) by small helpers.

Every run names its fonts for every script (``w:rFonts`` ascii/hAnsi/eastAsia) and its
size, so Word and WPS show the right faces whatever their defaults. Tables are written as
XML in one go: a bulletin of a thousand tasks renders in well under a second.
"""

import datetime as dt
import io
from xml.sax.saxutils import escape

from docx import Document
from docx.oxml import parse_xml
from docx.oxml.ns import nsdecls, qn
from docx.shared import Mm

from . import cn
from .template import PARAGRAPH_STYLES, TEMPLATE_PATH, TWIPS_PER_MM, TYPE_WIDTH_MM

W = nsdecls("w")


def _fmt(value: float | None, suffix: str = "") -> str:
    if value is None:
        return "—"
    text = f"{value:.1f}".rstrip("0").rstrip(".") if isinstance(value, float) else str(value)
    return f"{text}{suffix}"


def _pct(value: float | None) -> str:
    return _fmt(value, "%")


def _signed(value: int) -> str:
    return f"+{value}" if value > 0 else str(value)


class Writer:
    """A document being written onto the template, paragraph by paragraph."""

    def __init__(self, template=TEMPLATE_PATH):
        self.document = Document(str(template))
        body = self.document.element.body
        for child in list(body):
            if child.tag != qn("w:sectPr"):
                body.remove(child)
        self.end = body.find(qn("w:sectPr"))

    # -------------------------------------------------------------- XML pieces

    @staticmethod
    def run_xml(text: str, font: str, size: float, *, bold: bool = False, color: str | None = None) -> str:
        half_points = int(size * 2)
        props = (
            f'<w:rFonts w:ascii="{font}" w:hAnsi="{font}" w:eastAsia="{font}" w:cs="{font}" w:hint="eastAsia"/>'
            + ("<w:b/><w:bCs/>" if bold else '<w:b w:val="0"/>')
            + (f'<w:color w:val="{color}"/>' if color else "")
            + f'<w:sz w:val="{half_points}"/><w:szCs w:val="{half_points}"/>'
        )
        return f'<w:r><w:rPr>{props}</w:rPr><w:t xml:space="preserve">{escape(text)}</w:t></w:r>'

    def paragraph_xml(
        self,
        text: str,
        style: str,
        *,
        align: str | None = None,
        bold: bool | None = None,
        color: str | None = None,
        size: float | None = None,
        indent: bool = True,
        extra_ppr: str = "",
    ) -> str:
        font, style_size, style_bold, _align, _indent, _outline = PARAGRAPH_STYLES[style]
        ppr = f'<w:pStyle w:val="{style}"/>' + extra_ppr
        if not indent:
            ppr += '<w:ind w:firstLineChars="0" w:firstLine="0"/>'
        if align:
            ppr += f'<w:jc w:val="{align}"/>'
        run = self.run_xml(
            text, font, size or style_size, bold=style_bold if bold is None else bold, color=color
        )
        return f"<w:p {W}><w:pPr>{ppr}</w:pPr>{run}</w:p>"

    def _add(self, xml: str):
        element = parse_xml(xml)
        self.end.addprevious(element)
        return element

    # -------------------------------------------------------------- blocks

    def paragraph(self, text: str, style: str = "公文正文", **options) -> None:
        self._add(self.paragraph_xml(text, style, **options))

    def text(self, text: str, style: str = "公文正文") -> None:
        """Narrative text as typed: one paragraph per non-empty line."""
        for line in (text or "").splitlines():
            if line.strip():
                self.paragraph(line.strip(), style)

    def heading(self, level: int, number: int, text: str) -> None:
        """一、黑体 / （一）楷体 / 1. 仿宋 bold."""
        if level == 1:
            self.paragraph(f"{cn.heading_number(number)}{text}", "一级标题")
        elif level == 2:
            self.paragraph(f"{cn.sub_heading_number(number)}{text}", "二级标题")
        else:
            self.paragraph(f"{number}.{text}", "三级标题")

    def rule(self, color: str = "D00000") -> None:
        """The red separating line under a masthead (版头分隔线)."""
        self.paragraph(
            "",
            "期号",
            extra_ppr=f'<w:pBdr><w:bottom w:val="single" w:sz="12" w:space="1" w:color="{color}"/></w:pBdr>',
        )

    def masthead(self, name: str, issue_line: str, issuer: str, day: dt.date) -> None:
        """版头: the bulletin's name in red, its 期号, the issuer and date, a red line."""
        self.paragraph(name, "报头")
        self.paragraph(issue_line, "期号")
        # issuer flush left, date flush right, on one line (a right tab at the type width)
        width = int(TYPE_WIDTH_MM * TWIPS_PER_MM)
        font, size = PARAGRAPH_STYLES["署名日期"][0], PARAGRAPH_STYLES["署名日期"][1]
        xml = (
            f'<w:p {W}><w:pPr><w:pStyle w:val="署名日期"/><w:tabs><w:tab w:val="right" w:pos="{width}"/></w:tabs>'
            '<w:ind w:firstLineChars="0" w:firstLine="0"/></w:pPr>'
            + self.run_xml(issuer, font, size)
            + self.run_xml("", font, size).replace('<w:t xml:space="preserve"></w:t>', "<w:tab/>")
            + self.run_xml(cn.chinese_date(day), font, size)
            + "</w:p>"
        )
        self._add(xml)
        self.rule()

    def title(self, text: str) -> None:
        self.paragraph("", "公文正文", indent=False)
        self.paragraph(text, "公文标题")
        self.paragraph("", "公文正文", indent=False)

    def signature(self, issuer: str, day: dt.date) -> None:
        """发文机关署名 and 成文日期 (in Arabic numerals, as GB/T 9704-2012 asks), right,
        four characters in from the edge."""
        self.paragraph("", "公文正文", indent=False)
        ind = '<w:ind w:rightChars="400" w:right="1280" w:firstLineChars="0" w:firstLine="0"/>'
        for text in (issuer, cn.arabic_date(day)):
            self.paragraph(text, "署名日期", align="right", extra_ppr=ind)

    def picture(self, png: bytes, width_mm: float = 150) -> None:
        paragraph = self.document.add_paragraph(style="图片")
        paragraph.add_run().add_picture(io.BytesIO(png), width=Mm(width_mm))
        self.end.addprevious(paragraph._p)

    def table(
        self,
        headers: list[str],
        rows: list[list[str]],
        widths_mm: list[float],
        *,
        center: set[int] = frozenset(),
    ) -> None:
        """A ruled table, header row repeated on every page, text in 小四 仿宋."""
        scale = TYPE_WIDTH_MM / sum(widths_mm)
        widths = [int(w * scale * TWIPS_PER_MM) for w in widths_mm]
        head_font, head_size = PARAGRAPH_STYLES["表头文字"][:2]
        body_font, body_size = PARAGRAPH_STYLES["表格文字"][:2]

        def cell(text: str, width: int, head: bool, align: str) -> str:
            style, font, size = (
                ("表头文字", head_font, head_size) if head else ("表格文字", body_font, body_size)
            )
            lines = str(text).split("\n") or [""]
            paragraphs = "".join(
                f'<w:p><w:pPr><w:pStyle w:val="{style}"/><w:jc w:val="{align}"/></w:pPr>'
                f"{self.run_xml(line, font, size)}</w:p>"
                for line in lines
            )
            return (
                f'<w:tc><w:tcPr><w:tcW w:w="{width}" w:type="dxa"/><w:vAlign w:val="center"/></w:tcPr>'
                f"{paragraphs}</w:tc>"
            )

        borders = "".join(
            f'<w:{side} w:val="single" w:sz="4" w:space="0" w:color="000000"/>'
            for side in ("top", "left", "bottom", "right", "insideH", "insideV")
        )
        parts = [
            f'<w:tbl {W}><w:tblPr><w:tblW w:w="{sum(widths)}" w:type="dxa"/><w:jc w:val="center"/>'
            f'<w:tblBorders>{borders}</w:tblBorders><w:tblLayout w:type="fixed"/>'
            '<w:tblCellMar><w:left w:w="57" w:type="dxa"/><w:right w:w="57" w:type="dxa"/></w:tblCellMar>'
            '<w:tblLook w:val="04A0" w:firstRow="1" w:lastRow="0" w:firstColumn="0" w:lastColumn="0" w:noHBand="0" w:noVBand="1"/>'
            "</w:tblPr><w:tblGrid>",
            "".join(f'<w:gridCol w:w="{w}"/>' for w in widths),
            "</w:tblGrid>",
            "<w:tr><w:trPr><w:cantSplit/><w:tblHeader/></w:trPr>",
            "".join(cell(h, w, True, "center") for h, w in zip(headers, widths, strict=True)),
            "</w:tr>",
        ]
        for row in rows:
            parts.append("<w:tr><w:trPr><w:cantSplit/></w:trPr>")
            parts.extend(
                cell(value, w, False, "center" if index in center else "left")
                for index, (value, w) in enumerate(zip(row, widths, strict=True))
            )
            parts.append("</w:tr>")
        parts.append("</w:tbl>")
        self._add("".join(parts))
        # a table must not touch the next paragraph in Word; an empty line keeps them apart
        self.paragraph("", "表格文字", indent=False)

    def save(self, *, title: str, author: str, when: dt.datetime | None = None) -> bytes:
        props = self.document.core_properties
        props.title, props.author, props.last_modified_by = title, author, author
        props.comments = "落实 Luoshi 生成"
        if when is not None:
            props.created = props.modified = when.replace(tzinfo=None)
        out = io.BytesIO()
        self.document.save(out)
        return out.getvalue()
