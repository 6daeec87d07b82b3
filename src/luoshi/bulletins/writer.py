"""The Word writer: paragraphs, headings, tables and the fixed parts of a 公文 (版头, 标题,
主送, 附件说明, 落款, 版记) in GB/T 9704 layout, written onto the template (``template.py``).

Every run names its fonts for every script (``w:rFonts`` ascii/hAnsi/eastAsia) and its
size, so Word and WPS show the right faces whatever their defaults. Runs of 3号 text are
condensed (``w:spacing``) so that 28 characters fill a line of the type area in any
office suite, LibreOffice included, without relying on Word's character grid. Tables are
written as XML in one go: a bulletin of a thousand tasks renders in well under a second.
"""

import datetime as dt
import io
from xml.sax.saxutils import escape

from docx import Document
from docx.oxml import parse_xml
from docx.oxml.ns import nsdecls, qn

from . import cn
from .template import (
    CHAR_PITCH_TWIPS,
    CHAR_SPACING,
    PARAGRAPH_STYLES,
    SIZE_3,
    TEMPLATE_PATH,
    TWIPS_PER_MM,
    TYPE_WIDTH_MM,
)

W = nsdecls("w")


def text_width(text: str) -> float:
    """Width in characters: Chinese one, digits and Latin a half."""
    return sum(0.5 if ord(c) < 0x2000 else 1 for c in text)


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
            + (f'<w:spacing w:val="{CHAR_SPACING}"/>' if size == SIZE_3 else "")
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

    def masthead(self, name: str, issue_line: str, issuer: str, day: dt.date | str) -> None:
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
            + self.run_xml(day if isinstance(day, str) else cn.arabic_date(day), font, size)
            + "</w:p>"
        )
        self._add(xml)
        self.rule()

    def title(self, lines: list[str] | str, *, spaced: bool = True) -> None:
        """The title, one line per item (broken by meaning by the caller), an empty line
        above and below unless not ``spaced``."""
        lines = [lines] if isinstance(lines, str) else lines
        font, size = PARAGRAPH_STYLES["公文标题"][:2]
        line_break = self.run_xml("", font, size).replace('<w:t xml:space="preserve"></w:t>', "<w:br/>")
        runs = line_break.join(self.run_xml(line, font, size) for line in lines)
        if spaced:
            self.paragraph("", "公文正文", indent=False)
        self._add(f'<w:p {W}><w:pPr><w:pStyle w:val="公文标题"/></w:pPr>{runs}</w:p>')
        if spaced:
            self.paragraph("", "公文正文", indent=False)

    def run_in(self, heading: str, text: str, style: str = "二级标题") -> None:
        """A paragraph that opens with a run-in heading in the heading's face:
        ``（一）部分任务推进滞后。`` in 楷体, the rest in 仿宋."""
        head_font, head_size, head_bold = PARAGRAPH_STYLES[style][:3]
        body_font, body_size = PARAGRAPH_STYLES["公文正文"][:2]
        self._add(
            f'<w:p {W}><w:pPr><w:pStyle w:val="公文正文"/></w:pPr>'
            + self.run_xml(heading, head_font, head_size, bold=head_bold)
            + self.run_xml(text, body_font, body_size)
            + "</w:p>"
        )

    def flush(
        self, text: str, style: str = "公文正文", *, left: float = 0, hanging: float = 0, **options
    ) -> None:
        """A paragraph ``left`` characters in, with no first-line indent or with its first
        line ``hanging`` characters out."""
        first = (
            f'w:hangingChars="{round(hanging * 100)}" w:hanging="{round(hanging * CHAR_PITCH_TWIPS)}"'
            if hanging
            else 'w:firstLineChars="0" w:firstLine="0"'
        )
        ind = f'<w:ind w:leftChars="{round(left * 100)}" w:left="{round(left * CHAR_PITCH_TWIPS)}" {first}/>'
        self.paragraph(text, style, extra_ppr=ind, **options)

    def attachments(self, items: list[str]) -> None:
        """附件说明: an empty line, then ``附件：1.…`` two characters in, later items under
        the first."""
        self.paragraph("", "公文正文", indent=False)
        for index, item in enumerate(items):
            label = "附件：" if index == 0 else ""
            self.flush(label + item, left=5, hanging=3 if index == 0 else 0)

    def page_break(self) -> None:
        self.break_next = True

    def attachment(self, label: str, title: str) -> None:
        """An attachment's first page: ``附件1`` in 黑体 flush left, its title centred."""
        before = "<w:pageBreakBefore/>" if getattr(self, "break_next", False) else ""
        self.break_next = False
        self.paragraph(label, "一级标题", indent=False, extra_ppr=before)
        self.paragraph("", "公文正文", indent=False)
        self.paragraph(title, "公文标题", size=18)
        self.paragraph("", "公文正文", indent=False)

    def signature(self, issuer: str, day: dt.date | str) -> None:
        """发文机关署名 centred over 成文日期 (Arabic numerals, no leading zeros, GB/T
        9704-2012 7.3.5), the date four characters in from the right edge; an office
        longer than that allows sits two characters in and the date is centred under it."""
        date = day if isinstance(day, str) else cn.arabic_date(day)
        office_w, date_w = text_width(issuer), text_width(date)
        date_right = 4.0
        office_right = date_right + (date_w - office_w) / 2
        if office_right < 2:
            office_right = 2.0
            date_right = office_right + (office_w - date_w) / 2
        self.paragraph("", "公文正文", indent=False)
        for text, right in ((issuer, office_right), (date, date_right)):
            ind = f'<w:ind w:rightChars="0" w:right="{round(right * CHAR_PITCH_TWIPS)}" w:firstLineChars="0" w:firstLine="0"/>'
            self.paragraph(text, "署名日期", align="right", extra_ppr=ind)

    def imprint(self, copy_to: str, printer: str, printed: str) -> None:
        """版记: 抄送, then 印发机关 with 印发日期, in 4号, across the type width between a
        thick line above and below and a thin line between, one character in from each side
        (a borderless table, so the lines run exactly the type width)."""
        font, size = PARAGRAPH_STYLES["附注"][:2]
        width = int(TYPE_WIDTH_MM * TWIPS_PER_MM)
        one = size * 20
        half = width - int((text_width(printed) + 4) * one)  # the date's column holds it on one line
        thick, thin = (
            'w:val="single" w:sz="8" w:space="0" w:color="000000"',
            'w:val="single" w:sz="6" w:space="0" w:color="000000"',
        )

        def cell(text: str, cell_width: int, align: str, span: int = 1, hanging: int = 0) -> str:
            ind = f'<w:ind w:left="{hanging}" w:hanging="{hanging}"/>' if hanging else ""
            return (
                f'<w:tc><w:tcPr><w:tcW w:w="{cell_width}" w:type="dxa"/>'
                + (f'<w:gridSpan w:val="{span}"/>' if span > 1 else "")
                + f'</w:tcPr><w:p><w:pPr><w:pStyle w:val="附注"/>{ind}<w:jc w:val="{align}"/></w:pPr>'
                + self.run_xml(text, font, size)
                + "</w:p></w:tc>"
            )

        self.paragraph("", "公文正文", indent=False)
        self._add(
            f'<w:tbl {W}><w:tblPr><w:tblW w:w="{width}" w:type="dxa"/><w:jc w:val="center"/>'
            f"<w:tblBorders><w:top {thick}/><w:bottom {thick}/><w:insideH {thin}/></w:tblBorders>"
            '<w:tblLayout w:type="fixed"/>'
            f'<w:tblCellMar><w:left w:w="{one}" w:type="dxa"/><w:right w:w="{one}" w:type="dxa"/></w:tblCellMar>'
            f'</w:tblPr><w:tblGrid><w:gridCol w:w="{half}"/><w:gridCol w:w="{width - half}"/></w:tblGrid>'
            f"<w:tr><w:trPr><w:cantSplit/></w:trPr>{cell(copy_to, width, 'left', 2, hanging=3 * one)}</w:tr>"
            f"<w:tr><w:trPr><w:cantSplit/></w:trPr>{cell(printer, half, 'left')}{cell(printed, width - half, 'right')}</w:tr>"
            "</w:tbl>"
        )
        self.paragraph("", "附注", indent=False)

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

    def save(
        self, *, title: str, author: str, when: dt.datetime | None = None, identifier: str = ""
    ) -> bytes:
        """The document as bytes; ``identifier`` (the content hash of an issued bulletin)
        goes into its core properties, where ``luoshi bulletin verify`` reads it."""
        props = self.document.core_properties
        props.title, props.author, props.last_modified_by = title, author, author
        props.comments = "落实 Luoshi 生成" + (f"；内容指纹 {identifier}" if identifier else "")
        props.identifier = identifier
        if when is not None:
            props.created = props.modified = when.replace(tzinfo=None)
        out = io.BytesIO()
        self.document.save(out)
        return out.getvalue()
