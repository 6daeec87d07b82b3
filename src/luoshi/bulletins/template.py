"""The Word template every bulletin is written onto: the page, grid, fonts and styles of
GB/T 9704-2012 (党政机关公文格式).

``python -m luoshi.bulletins.template`` writes ``docx/gbt9704.docx``; the renderers open
that file, so an office may replace it with its own (same style names) without code.

- A4, margins top 37 mm, bottom 35 mm, left 28 mm, right 26 mm: a type area of 156 × 225 mm.
- 22 lines a page (a line grid, ``w:docGrid w:type="lines"``, and exact line spacing) and
  28 characters a line: 3号 text is condensed by ``CHAR_SPACING`` (``w:spacing`` in the
  styles and in every run), so the count holds in LibreOffice and the suites built on it
  as in Word and WPS, none of them needing Word's character grid.
- Title 2号 (22 pt) 方正小标宋简体; body 3号 (16 pt) 仿宋_GB2312; headings 一、黑体,
  （一）楷体_GB2312, 1. 仿宋_GB2312 bold.
- Page numbers ``— 1 —`` in 4号 (14 pt) 宋体 below the type area, odd pages right and
  even pages left, one character in from the edge.

A run names one font. Where a machine lacks 方正小标宋简体 or the ``_GB2312`` faces, the
font table names the face to use instead (``w:altName``): 宋体, 仿宋, 楷体. Word and WPS
read it when they substitute a missing font; the run's own name stays the standard one,
so a machine with the standard fonts shows exactly those.
"""

import math
from pathlib import Path

from docx import Document
from docx.enum.section import WD_ORIENT
from docx.enum.style import WD_STYLE_TYPE
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_LINE_SPACING
from docx.oxml import parse_xml
from docx.oxml.ns import nsdecls, qn
from docx.shared import Mm, Pt, RGBColor

TEMPLATE_PATH = Path(__file__).with_name("docx") / "gbt9704.docx"

PAGE_WIDTH_MM, PAGE_HEIGHT_MM = 210, 297
TOP_MM, BOTTOM_MM, LEFT_MM, RIGHT_MM = 37, 35, 28, 26
TYPE_WIDTH_MM = PAGE_WIDTH_MM - LEFT_MM - RIGHT_MM  # 156
TYPE_HEIGHT_MM = PAGE_HEIGHT_MM - TOP_MM - BOTTOM_MM  # 225
LINES_PER_PAGE, CHARS_PER_LINE = 22, 28
FOOTER_MM = 22  # the page number's line starts about 7 mm below the type area

# font sizes (字号) in points
SIZE_2 = 22  # 2号: title
SIZE_3 = 16  # 3号: body and headings
SIZE_4 = 14  # 4号: page numbers, notes
SIZE_XIAO4 = 12  # 小四: table text

TITLE_FONT = "方正小标宋简体"
BODY_FONT = "仿宋_GB2312"
HEI_FONT = "黑体"
KAI_FONT = "楷体_GB2312"
SONG_FONT = "宋体"

# Font table entries: name → (fallback name, panose, family, pitch)
FONTS = {
    TITLE_FONT: ("宋体", "02000000000000000000", "script", "variable"),
    BODY_FONT: ("仿宋", "02010609030101010101", "modern", "fixed"),
    KAI_FONT: ("楷体", "02010609030101010101", "modern", "fixed"),
    HEI_FONT: ("SimHei", "02010609060101010101", "modern", "fixed"),
    SONG_FONT: ("SimSun", "02010600030101010101", "auto", "variable"),
    "仿宋": ("FangSong", "02010609060101010101", "modern", "fixed"),
    "楷体": ("KaiTi", "02010609060101010101", "modern", "fixed"),
}

TWIPS_PER_MM = 1440 / 25.4
LINE_PITCH = int(TYPE_HEIGHT_MM * TWIPS_PER_MM / LINES_PER_PAGE)  # 579 twips ≈ 28.95 pt
# 3号 characters are condensed so that 28 fill the type width: 16 pt - 0.25 pt = 15.75 pt
# apart (w:spacing is in twentieths of a point, rounded down so the 28th still fits)
CHAR_SPACING = math.floor((TYPE_WIDTH_MM * 72 / 25.4 / CHARS_PER_LINE - SIZE_3) * 20)  # -5
CHAR_PITCH_TWIPS = SIZE_3 * 20 + CHAR_SPACING  # 315
LINE_PT = LINE_PITCH / 20

# style name → (font, size pt, bold, alignment, first-line indent in characters, outline level)
PARAGRAPH_STYLES = {
    "公文正文": (BODY_FONT, SIZE_3, False, WD_ALIGN_PARAGRAPH.JUSTIFY, 2, None),
    "公文标题": (TITLE_FONT, SIZE_2, False, WD_ALIGN_PARAGRAPH.CENTER, 0, 0),
    "一级标题": (HEI_FONT, SIZE_3, False, WD_ALIGN_PARAGRAPH.JUSTIFY, 2, 1),
    "二级标题": (KAI_FONT, SIZE_3, False, WD_ALIGN_PARAGRAPH.JUSTIFY, 2, 2),
    "三级标题": (BODY_FONT, SIZE_3, True, WD_ALIGN_PARAGRAPH.JUSTIFY, 2, 3),
    "报头": (TITLE_FONT, 30, False, WD_ALIGN_PARAGRAPH.CENTER, 0, None),
    "期号": (BODY_FONT, SIZE_3, False, WD_ALIGN_PARAGRAPH.CENTER, 0, None),
    "署名日期": (BODY_FONT, SIZE_3, False, WD_ALIGN_PARAGRAPH.JUSTIFY, 0, None),
    "附注": (BODY_FONT, SIZE_4, False, WD_ALIGN_PARAGRAPH.JUSTIFY, 0, None),
    "表格文字": (BODY_FONT, SIZE_XIAO4, False, WD_ALIGN_PARAGRAPH.LEFT, 0, None),
    "表头文字": (HEI_FONT, SIZE_XIAO4, False, WD_ALIGN_PARAGRAPH.CENTER, 0, None),
    "图片": (BODY_FONT, SIZE_3, False, WD_ALIGN_PARAGRAPH.CENTER, 0, None),
    "页码": (SONG_FONT, SIZE_4, False, WD_ALIGN_PARAGRAPH.RIGHT, 0, None),
}
# styles that keep to the grid's line pitch; the others take single spacing
ON_GRID = {"公文正文", "公文标题", "一级标题", "二级标题", "三级标题", "期号", "署名日期", "附注"}


# the order of w:pPr's children in the schema (CT_PPr)
PPR_ORDER = [
    "w:pStyle",
    "w:keepNext",
    "w:keepLines",
    "w:pageBreakBefore",
    "w:framePr",
    "w:widowControl",
    "w:numPr",
    "w:suppressLineNumbers",
    "w:pBdr",
    "w:shd",
    "w:tabs",
    "w:suppressAutoHyphens",
    "w:kinsoku",
    "w:wordWrap",
    "w:overflowPunct",
    "w:topLinePunct",
    "w:autoSpaceDE",
    "w:autoSpaceDN",
    "w:bidi",
    "w:adjustRightInd",
    "w:snapToGrid",
    "w:spacing",
    "w:ind",
    "w:contextualSpacing",
    "w:mirrorIndents",
    "w:suppressOverlap",
    "w:jc",
    "w:textDirection",
    "w:textAlignment",
    "w:textboxTightWrap",
    "w:outlineLvl",
    "w:divId",
    "w:cnfStyle",
    "w:rPr",
    "w:sectPr",
    "w:pPrChange",
]


def put(ppr, xml: str) -> None:
    """Add one element to paragraph properties in the place the schema orders it."""
    element = parse_xml(xml)
    tag = element.tag
    for old in ppr.findall(tag):
        ppr.remove(old)
    names = PPR_ORDER
    local = "w:" + tag.split("}")[1]
    successors = names[names.index(local) + 1 :]
    ppr.insert_element_before(element, *successors)


def set_fonts(rpr, font: str) -> None:
    """Name ``font`` for every script on a run's (or style's) properties (w:rFonts)."""
    fonts = rpr.find(qn("w:rFonts"))
    if fonts is None:
        fonts = parse_xml(f"<w:rFonts {nsdecls('w')}/>")
        rpr.insert(0, fonts)
    for attribute in ("w:ascii", "w:hAnsi", "w:eastAsia", "w:cs"):
        fonts.set(qn(attribute), font)
    fonts.set(qn("w:hint"), "eastAsia")
    for theme in ("w:asciiTheme", "w:hAnsiTheme", "w:eastAsiaTheme", "w:cstheme"):
        fonts.attrib.pop(qn(theme), None)


def _style(document, name: str):
    font, size, bold, align, indent, outline = PARAGRAPH_STYLES[name]
    style = document.styles.add_style(name, WD_STYLE_TYPE.PARAGRAPH)
    style.base_style = None
    style.quick_style = True
    style.font.size = Pt(size)
    style.font.bold = bold
    set_fonts(style.element.get_or_add_rPr(), font)
    if size == SIZE_3:
        style.element.get_or_add_rPr().insert_element_before(
            parse_xml(f'<w:spacing {nsdecls("w")} w:val="{CHAR_SPACING}"/>'),
            *("w:w", "w:kern", "w:position", "w:sz", "w:szCs", "w:highlight", "w:u", "w:lang"),
        )
    fmt = style.paragraph_format
    fmt.alignment = align
    fmt.space_before = Pt(0)
    fmt.space_after = Pt(0)
    if name in ON_GRID:
        fmt.line_spacing_rule = WD_LINE_SPACING.EXACTLY
        fmt.line_spacing = Pt(LINE_PT)
    else:
        fmt.line_spacing_rule = WD_LINE_SPACING.SINGLE
    ppr = style.element.get_or_add_pPr()
    # no extra space between Chinese and digits or Latin letters: a line keeps 28 characters
    put(ppr, f'<w:autoSpaceDE {nsdecls("w")} w:val="0"/>')
    put(ppr, f'<w:autoSpaceDN {nsdecls("w")} w:val="0"/>')
    if indent:
        put(
            ppr,
            f'<w:ind {nsdecls("w")} w:firstLineChars="{indent * 100}" w:firstLine="{indent * size * 20}"/>',
        )
    if name not in ON_GRID:
        put(ppr, f'<w:snapToGrid {nsdecls("w")} w:val="0"/>')
    if outline is not None:
        fmt.keep_with_next = True
        put(ppr, f'<w:outlineLvl {nsdecls("w")} w:val="{outline}"/>')
    if name == "报头":
        style.font.color.rgb = RGBColor(0xD0, 0x00, 0x00)
    return style


def _doc_defaults(document) -> None:
    styles = document.styles.element
    defaults = styles.find(qn("w:docDefaults"))
    rpr = defaults.find(qn("w:rPrDefault")).find(qn("w:rPr"))
    set_fonts(rpr, BODY_FONT)
    for tag in ("w:sz", "w:szCs", "w:lang"):
        for old in rpr.findall(qn(tag)):
            rpr.remove(old)
    rpr.append(parse_xml(f'<w:sz {nsdecls("w")} w:val="{SIZE_3 * 2}"/>'))
    rpr.append(parse_xml(f'<w:szCs {nsdecls("w")} w:val="{SIZE_3 * 2}"/>'))
    rpr.append(parse_xml(f'<w:lang {nsdecls("w")} w:val="en-US" w:eastAsia="zh-CN" w:bidi="ar-SA"/>'))
    normal = document.styles["Normal"]
    normal.font.size = Pt(SIZE_3)
    set_fonts(normal.element.get_or_add_rPr(), BODY_FONT)


def _font_table(document) -> None:
    part = next(p for p in document.part.package.iter_parts() if str(p.partname) == "/word/fontTable.xml")
    root = parse_xml(part.blob)
    for name, (alt, panose, family, pitch) in FONTS.items():
        for old in root.findall(qn("w:font")):
            if old.get(qn("w:name")) == name:
                root.remove(old)
        root.append(
            parse_xml(
                f'<w:font {nsdecls("w")} w:name="{name}"><w:altName w:val="{alt}"/>'
                f'<w:panose1 w:val="{panose}"/><w:charset w:val="86"/><w:family w:val="{family}"/>'
                f'<w:pitch w:val="{pitch}"/></w:font>'
            )
        )
    from lxml import etree

    part._blob = etree.tostring(root, xml_declaration=True, encoding="UTF-8", standalone=True)


def _page(document) -> None:
    section = document.sections[0]
    section.orientation = WD_ORIENT.PORTRAIT
    section.page_width, section.page_height = Mm(PAGE_WIDTH_MM), Mm(PAGE_HEIGHT_MM)
    section.top_margin, section.bottom_margin = Mm(TOP_MM), Mm(BOTTOM_MM)
    section.left_margin, section.right_margin = Mm(LEFT_MM), Mm(RIGHT_MM)
    section.header_distance, section.footer_distance = Mm(15), Mm(FOOTER_MM)
    section.gutter = Mm(0)
    sect_pr = section._sectPr
    for old in sect_pr.findall(qn("w:docGrid")):
        sect_pr.remove(old)
    sect_pr.append(parse_xml(f'<w:docGrid {nsdecls("w")} w:type="lines" w:linePitch="{LINE_PITCH}"/>'))
    document.settings.odd_and_even_pages_header_footer = True
    _page_number(section.footer, WD_ALIGN_PARAGRAPH.RIGHT)
    _page_number(section.even_page_footer, WD_ALIGN_PARAGRAPH.LEFT)


def _page_number(footer, align) -> None:
    """``— PAGE —`` in 4号 宋体, one character in from the outer edge."""
    footer.is_linked_to_previous = False
    paragraph = footer.paragraphs[0]
    paragraph.style = "页码"
    paragraph.alignment = align
    indent = "w:right" if align == WD_ALIGN_PARAGRAPH.RIGHT else "w:left"
    put(
        paragraph._p.get_or_add_pPr(), f'<w:ind {nsdecls("w")} {indent}Chars="100" {indent}="{SIZE_4 * 20}"/>'
    )
    size = SIZE_4 * 2
    run_pr = f'<w:rPr><w:rFonts w:ascii="{SONG_FONT}" w:hAnsi="{SONG_FONT}" w:eastAsia="{SONG_FONT}" w:cs="{SONG_FONT}" w:hint="eastAsia"/><w:sz w:val="{size}"/><w:szCs w:val="{size}"/></w:rPr>'
    runs = [
        f'<w:r>{run_pr}<w:t xml:space="preserve">— </w:t></w:r>',
        f'<w:r>{run_pr}<w:fldChar w:fldCharType="begin"/></w:r>',
        f'<w:r>{run_pr}<w:instrText xml:space="preserve"> PAGE </w:instrText></w:r>',
        f'<w:r>{run_pr}<w:fldChar w:fldCharType="separate"/></w:r>',
        f"<w:r>{run_pr}<w:t>1</w:t></w:r>",
        f'<w:r>{run_pr}<w:fldChar w:fldCharType="end"/></w:r>',
        f'<w:r>{run_pr}<w:t xml:space="preserve"> —</w:t></w:r>',
    ]
    for run in runs:
        paragraph._p.append(parse_xml(run.replace("<w:r>", f"<w:r {nsdecls('w')}>", 1)))


def build_template() -> Document:
    """A new blank document with the GB/T 9704 page, grid, fonts and styles."""
    document = Document()
    for paragraph in list(document.paragraphs):
        paragraph._p.getparent().remove(paragraph._p)
    _doc_defaults(document)
    for name in PARAGRAPH_STYLES:
        _style(document, name)
    _font_table(document)
    _page(document)
    package = document.part.package
    for key, rel in list(package.rels.items()):
        if rel.reltype.endswith("/thumbnail"):  # python-docx's own preview picture
            package.rels.pop(key)
    props = document.core_properties
    props.title, props.author, props.comments = "公文模板", "落实", "GB/T 9704-2012"
    props.keywords = ""
    return document


def main() -> None:  # pragma: no cover - run by hand when the template changes
    TEMPLATE_PATH.parent.mkdir(exist_ok=True)
    build_template().save(TEMPLATE_PATH)
    print(TEMPLATE_PATH)


if __name__ == "__main__":  # pragma: no cover
    main()
