"""Word (.docx) reading: automatic numbering, task tables, document order.

The documents are built here with python-docx; numbering definitions are added to the
document's numbering part as XML, the way Word writes them.
"""

import io

import docx
import pytest
from docx.oxml import parse_xml
from docx.oxml.ns import nsdecls

from luoshi.docparse.readers import read_document

CN_LEVELS = [("chineseCounting", "%1、"), ("chineseCounting", "（%2）"), ("decimal", "%3.")]


def add_abstract(document, abstract_id, levels, restarts=None):
    """Add a ``w:abstractNum`` with ``levels`` [(numFmt, lvlText)] to the numbering part."""
    restarts = restarts or {}
    lvls = "".join(
        f'<w:lvl w:ilvl="{index}"><w:start w:val="1"/><w:numFmt w:val="{fmt}"/>'
        + (f'<w:lvlRestart w:val="{restarts[index]}"/>' if index in restarts else "")
        + f'<w:lvlText w:val="{text}"/><w:suff w:val="nothing"/></w:lvl>'
        for index, (fmt, text) in enumerate(levels)
    )
    numbering = document.part.numbering_part.element
    numbering.insert(
        0, parse_xml(f'<w:abstractNum {nsdecls("w")} w:abstractNumId="{abstract_id}">{lvls}</w:abstractNum>')
    )


def add_num(document, num_id, abstract_id, start_overrides=None):
    """Add a ``w:num`` instance of an abstract definition, with optional start overrides."""
    overrides = "".join(
        f'<w:lvlOverride w:ilvl="{ilvl}"><w:startOverride w:val="{start}"/></w:lvlOverride>'
        for ilvl, start in (start_overrides or {}).items()
    )
    numbering = document.part.numbering_part.element
    numbering.append(
        parse_xml(
            f'<w:num {nsdecls("w")} w:numId="{num_id}"><w:abstractNumId w:val="{abstract_id}"/>{overrides}</w:num>'
        )
    )


def numbered(document, text, level, num_id=90, style=None):
    """Add a paragraph numbered with ``num_id`` at ``level``."""
    paragraph = document.add_paragraph(text, style=style)
    numpr = paragraph._p.get_or_add_pPr().get_or_add_numPr()
    numpr.get_or_add_ilvl().val = level
    numpr.get_or_add_numId().val = num_id
    return paragraph


def to_bytes(document) -> bytes:
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def read(document) -> list[str]:
    return [line for line in read_document(to_bytes(document), filename="x.docx").lines if line]


def test_plain_paragraphs_keep_their_text_and_order():
    document = docx.Document()
    document.add_paragraph("关于印发《某方案》的通知")
    document.add_paragraph("")
    document.add_paragraph("一、总体要求")
    document.add_paragraph("　　坚持稳中求进。")
    assert read_document(to_bytes(document)).lines == [
        "关于印发《某方案》的通知",
        "",
        "一、总体要求",
        "　　坚持稳中求进。",
    ]


def test_automatic_numbering_renders_chinese_levels_with_restarts():
    document = docx.Document()
    add_abstract(document, 90, CN_LEVELS)
    add_num(document, 90, 90)
    numbered(document, "总体要求", 0)
    numbered(document, "指导思想", 1)
    numbered(document, "工作目标", 1)
    numbered(document, "到2025年，完成改造100户。", 2)
    numbered(document, "到2027年，全面完成。", 2)
    document.add_paragraph("不编号的段落不影响编号。")
    numbered(document, "重点任务", 0)
    numbered(document, "推动增收减负", 1)
    numbered(document, "线下开展联合招聘。", 2)
    numbered(document, "保障措施", 0)
    numbered(document, "加强组织领导。", 2)
    assert read(document) == [
        "一、总体要求",
        "（一）指导思想",
        "（二）工作目标",
        "1.到2025年，完成改造100户。",
        "2.到2027年，全面完成。",
        "不编号的段落不影响编号。",
        "二、重点任务",
        "（一）推动增收减负",
        "1.线下开展联合招聘。",
        "三、保障措施",
        "1.加强组织领导。",
    ]


def test_chinese_counting_goes_past_ten_and_circled_digits():
    document = docx.Document()
    add_abstract(document, 91, [("chineseCountingThousand", "%1、"), ("decimalEnclosedCircle", "%2")])
    add_num(document, 91, 91)
    for index in range(21):
        numbered(document, f"第{index + 1}项", 0, num_id=91)
    numbered(document, "子项", 1, num_id=91)
    numbered(document, "子项", 1, num_id=91)
    lines = read(document)
    assert lines[0] == "一、第1项"
    assert lines[9] == "十、第10项"
    assert lines[10] == "十一、第11项"
    assert lines[19] == "二十、第20项"
    assert lines[20] == "二十一、第21项"
    assert lines[21:] == ["①子项", "②子项"]


def test_numbering_from_paragraph_style_and_start_override():
    document = docx.Document()
    add_abstract(document, 92, CN_LEVELS)
    add_num(document, 92, 92)
    add_num(document, 93, 92, start_overrides={0: 5})
    style = document.styles.add_style("任务标题", docx.enum.style.WD_STYLE_TYPE.PARAGRAPH)
    numpr = style.element.get_or_add_pPr().get_or_add_numPr()
    numpr.get_or_add_ilvl().val = 1
    numpr.get_or_add_numId().val = 92
    numbered(document, "总体要求", 0, num_id=92)
    document.add_paragraph("指导思想", style="任务标题")
    document.add_paragraph("基本原则", style="任务标题")
    numbered(document, "另起的编号从五开始", 0, num_id=93)
    assert read(document) == ["一、总体要求", "（一）指导思想", "（二）基本原则", "五、另起的编号从五开始"]


def test_level_restart_zero_keeps_counting_across_headings():
    document = docx.Document()
    add_abstract(document, 94, CN_LEVELS, restarts={2: 0})
    add_num(document, 94, 94)
    numbered(document, "甲", 0, num_id=94)
    numbered(document, "任务", 2, num_id=94)
    numbered(document, "乙", 0, num_id=94)
    numbered(document, "任务", 2, num_id=94)
    assert read(document) == ["一、甲", "1.任务", "二、乙", "2.任务"]


def test_deleted_and_hidden_text_is_left_out_and_inserted_text_kept():
    document = docx.Document()
    paragraph = document.add_paragraph("保留")
    paragraph._p.append(
        parse_xml(
            f'<w:del {nsdecls("w")} w:id="1" w:author="a"><w:r><w:delText>删除的</w:delText></w:r></w:del>'
        )
    )
    paragraph._p.append(
        parse_xml(f'<w:ins {nsdecls("w")} w:id="2" w:author="a"><w:r><w:t>插入的</w:t></w:r></w:ins>')
    )
    hidden = paragraph.add_run("隐藏的")
    hidden.font.hidden = True
    assert read(document) == ["保留插入的"]


def test_soft_line_breaks_split_lines():
    document = docx.Document()
    paragraph = document.add_paragraph("第一行")
    paragraph.add_run().add_break()
    paragraph.add_run("第二行")
    assert read(document) == ["第一行", "第二行"]


def build_task_table(document):
    """A 任务分工表: a title row, columns out of the usual order, a merged category column."""
    header = ["牵头单位", "序号", "类别", "工作任务", "完成时限", "配合单位"]
    rows = [
        ["区发改局", "1", "稳增长", "推进重大项目建设。", "2025年6月底前", "区财政局\n区自然资源局"],
        ["区商务局", "2", "稳增长", "开展促消费活动。", "2025年12月底前", ""],
        ["区委改革办", "3", "促改革", "深化要素市场化配置改革。", "长期坚持", "区直有关单位"],
    ]
    table = document.add_table(rows=len(rows) + 2, cols=len(header))
    title = table.cell(0, 0).merge(table.cell(0, len(header) - 1))
    title.text = "2025年重点任务分工表"
    for col, text in enumerate(header):
        table.cell(1, col).text = text
    for index, values in enumerate(rows):
        for col, text in enumerate(values):
            if col != 2:
                cell = table.cell(index + 2, col)
                cell.text = text.split("\n")[0]
                for extra in text.split("\n")[1:]:
                    cell.add_paragraph(extra)
    merged = table.cell(2, 2).merge(table.cell(3, 2))
    merged.text = "稳增长"
    table.cell(4, 2).text = "促改革"
    return table


def test_task_table_becomes_numbered_items_with_role_lines():
    document = docx.Document()
    document.add_paragraph("附件")
    build_task_table(document)
    document.add_paragraph("表后的段落。")
    assert read(document) == [
        "附件",
        "2025年重点任务分工表",
        "一、稳增长",
        "1.推进重大项目建设。",
        "牵头单位：区发改局",
        "配合单位：区财政局、区自然资源局",
        "完成时限：2025年6月底前",
        "2.开展促消费活动。",
        "牵头单位：区商务局",
        "完成时限：2025年12月底前",
        "二、促改革",
        "3.深化要素市场化配置改革。",
        "牵头单位：区委改革办",
        "配合单位：区直有关单位",
        "完成时限：长期坚持",
        "表后的段落。",
    ]


def test_task_table_without_sequence_column_and_spanning_category_rows():
    document = docx.Document()
    table = document.add_table(rows=5, cols=3)
    for col, text in enumerate(["具体任务", "责任单位", "时间节点"]):
        table.cell(0, col).text = text
    table.cell(1, 0).merge(table.cell(1, 2)).text = "一、扩大有效投资"
    for row, (task, unit, when) in enumerate(
        [("谋划储备项目。", "区发改局", "持续推进"), ("争取专项债券。", "区财政局、区发改局", "9月底前")],
        start=2,
    ):
        for col, text in enumerate([task, unit, when]):
            table.cell(row, col).text = text
    table.cell(4, 0).merge(table.cell(4, 2)).text = "提振消费"
    assert read(document) == [
        "一、扩大有效投资",
        "1.谋划储备项目。",
        "责任单位：区发改局",
        "完成时限：持续推进",
        "2.争取专项债券。",
        "责任单位：区财政局、区发改局",
        "完成时限：9月底前",
        "二、提振消费",
    ]


def test_table_that_is_no_task_table_gives_one_line_per_row():
    document = docx.Document()
    table = document.add_table(rows=3, cols=3)
    for row, values in enumerate(
        [["指标", "2024年", "2025年"], ["GDP增速", "5%", "5.5%"], ["就业", "1000人", "1100人"]]
    ):
        for col, text in enumerate(values):
            table.cell(row, col).text = text
    assert read(document) == ["指标 2024年 2025年", "GDP增速 5% 5.5%", "就业 1000人 1100人"]


def test_single_cell_frame_gives_its_paragraphs():
    document = docx.Document()
    cell = document.add_table(rows=1, cols=1).cell(0, 0)
    cell.text = "一、总体要求"
    cell.add_paragraph("坚持稳中求进。")
    assert read(document) == ["一、总体要求", "坚持稳中求进。"]


def test_numbered_sequence_cells_in_a_task_table():
    document = docx.Document()
    add_abstract(document, 95, [("decimal", "%1")])
    add_num(document, 95, 95)
    table = document.add_table(rows=3, cols=3)
    for col, text in enumerate(["序号", "重点任务", "牵头单位"]):
        table.cell(0, col).text = text
    for row, (task, unit) in enumerate([("任务甲。", "区教育局"), ("任务乙。", "区卫健局")], start=1):
        paragraph = table.cell(row, 0).paragraphs[0]
        numpr = paragraph._p.get_or_add_pPr().get_or_add_numPr()
        numpr.get_or_add_ilvl().val = 0
        numpr.get_or_add_numId().val = 95
        table.cell(row, 1).text = task
        table.cell(row, 2).text = unit
    assert read(document) == ["1.任务甲。", "牵头单位：区教育局", "2.任务乙。", "牵头单位：区卫健局"]


@pytest.mark.parametrize("filename", ["plan.docx", None, "plan.bin"])
def test_docx_is_recognised_by_content_whatever_the_name(filename):
    document = docx.Document()
    document.add_paragraph("正文")
    assert read_document(to_bytes(document), filename=filename).lines == ["正文"]


def test_docx_read_from_a_path(tmp_path):
    document = docx.Document()
    document.add_paragraph("从路径读取")
    path = tmp_path / "方案.docx"
    document.save(path)
    assert read_document(path).lines == ["从路径读取"]
    assert read_document(str(path)).lines == ["从路径读取"]


def text_box_shape(kind: str, lines: list[str]) -> str:
    """A shape holding a text box with ``lines`` as paragraphs, as Word writes it (DrawingML or VML)."""
    paragraphs = "".join(f"<w:p><w:r><w:t>{line}</w:t></w:r></w:p>" for line in lines)
    content = f"<w:txbxContent>{paragraphs}</w:txbxContent>"
    if kind == "vml":
        shape = f'<w:pict><v:shape xmlns:v="urn:schemas-microsoft-com:vml"><v:textbox>{content}</v:textbox></v:shape></w:pict>'
    else:
        shape = (
            '<w:drawing><wp:anchor xmlns:wp="http://schemas.openxmlformats.org/drawingml/2006/wordprocessingDrawing">'
            '<a:graphic xmlns:a="http://schemas.openxmlformats.org/drawingml/2006/main"><a:graphicData>'
            '<wps:wsp xmlns:wps="http://schemas.microsoft.com/office/word/2010/wordprocessingShape">'
            f"<wps:txbx>{content}</wps:txbx></wps:wsp></a:graphicData></a:graphic></wp:anchor></w:drawing>"
        )
    return shape


@pytest.mark.parametrize("kind", ["drawing", "vml"])
def test_text_in_a_text_box_is_read_after_its_paragraph(kind):
    document = docx.Document()
    document.add_paragraph("一、工作目标")
    anchor = document.add_paragraph("见下框。")
    shape = text_box_shape(kind, ["（一）新增企业三家。", "（二）区发改局牵头。"])
    anchor._p.append(parse_xml(f"<w:r {nsdecls('w')}>{shape}</w:r>"))
    document.add_paragraph("二、保障措施")
    assert read(document) == [
        "一、工作目标",
        "见下框。",
        "（一）新增企业三家。",
        "（二）区发改局牵头。",
        "二、保障措施",
    ]


def test_the_fallback_copy_of_a_text_box_is_not_read_twice():
    document = docx.Document()
    mc = "http://schemas.openxmlformats.org/markup-compatibility/2006"
    choice, fallback = text_box_shape("drawing", ["框内文字"]), text_box_shape("vml", ["框内文字"])
    run = (
        f'<w:r {nsdecls("w")}><mc:AlternateContent xmlns:mc="{mc}"><mc:Choice Requires="wps">{choice}</mc:Choice>'
        f"<mc:Fallback>{fallback}</mc:Fallback></mc:AlternateContent></w:r>"
    )
    paragraph = document.add_paragraph("")
    paragraph._p.append(parse_xml(run))
    assert read(document) == ["框内文字"]
