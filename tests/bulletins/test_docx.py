"""The Word files: GB/T 9704 page, grid, fonts and sizes read back from the docx XML, and
each document rendered to PDF by LibreOffice with its text checked."""

import io
import re
import zipfile

import pytest
from docx import Document
from docx.shared import Mm

from luoshi.bulletins import documents, services
from luoshi.bulletins.template import TEMPLATE_PATH, build_template

from .conftest import EMPTY_MONTH, LAGGING_REASON, MAY

W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"


def parts(content: bytes) -> dict[str, str]:
    with zipfile.ZipFile(io.BytesIO(content)) as archive:
        return {
            name: archive.read(name).decode("utf-8") for name in archive.namelist() if name.endswith(".xml")
        }


def flat(text: str) -> str:
    """PDF text without the spaces the character grid puts between characters."""
    return re.sub(r"\s+", "", text)


@pytest.fixture
def issued(reported, actors):
    bulletin = services.create_bulletin(actors["coordinator"], reported, MAY)
    return services.issue_bulletin(actors["coordinator"], bulletin)


@pytest.fixture
def issued_docx(issued):
    with issued.file.open("rb") as handle:
        return handle.read()


def test_page_is_a4_with_gbt9704_margins_22_lines_and_runs_condensed_to_28_characters(issued_docx):
    section = Document(io.BytesIO(issued_docx)).sections[0]
    assert abs(section.page_width - Mm(210)) < Mm(0.1)
    assert abs(section.page_height - Mm(297)) < Mm(0.1)
    assert abs(section.top_margin - Mm(37)) < Mm(0.1)
    assert abs(section.bottom_margin - Mm(35)) < Mm(0.1)
    assert abs(section.left_margin - Mm(28)) < Mm(0.1)
    assert abs(section.right_margin - Mm(26)) < Mm(0.1)
    grid = section._sectPr.find(f"{W}docGrid")
    assert grid.get(f"{W}type") == "lines"  # no reliance on Word's character grid
    line_pitch = int(grid.get(f"{W}linePitch"))
    assert 225 / 25.4 * 1440 / line_pitch == pytest.approx(22, abs=0.05)  # 22 lines in 225 mm
    body = [
        r for p in Document(io.BytesIO(issued_docx)).paragraphs if p.style.name == "公文正文" for r in p.runs
    ]
    spacings = {int(r._r.find(f"{W}rPr/{W}spacing").get(f"{W}val")) for r in body if r.text}
    (spacing,) = spacings
    pitch_pt = 16 + spacing / 20
    assert int(156 / 25.4 * 72 / pitch_pt) == 28  # 28 characters of 3号 fit the type width, 29 do not


def test_every_run_names_its_east_asian_font_and_size(issued_docx):
    xml = parts(issued_docx)
    document = Document(io.BytesIO(issued_docx))
    runs = document.element.body.iter(f"{W}r")
    count = 0
    for run in runs:
        fonts = run.find(f"{W}rPr/{W}rFonts")
        assert fonts is not None, "每个文字块都应指定字体"
        assert fonts.get(f"{W}eastAsia") == fonts.get(f"{W}ascii") == fonts.get(f"{W}hAnsi")
        assert run.find(f"{W}rPr/{W}sz") is not None
        count += 1
    assert count > 50
    assert "evenAndOddHeaders" in xml["word/settings.xml"]


def _runs_of(document, style_name):
    for paragraph in document.paragraphs:
        if paragraph.style.name == style_name:
            for run in paragraph.runs:
                if run.text.strip():
                    fonts = run._r.find(f"{W}rPr/{W}rFonts")
                    size = int(run._r.find(f"{W}rPr/{W}sz").get(f"{W}val")) / 2
                    yield run.text, fonts.get(f"{W}eastAsia"), size, bool(run.bold)


def test_title_is_broken_by_meaning_and_body_and_headings_use_the_standard_faces(issued_docx):
    document = Document(io.BytesIO(issued_docx))
    title = list(_runs_of(document, "公文标题"))[:2]
    assert "".join(t[0] for t in title) == "关于2025年5月份示范县实施“三大攻坚”推进情况的通报"
    assert [t[0] for t in title] == ["关于2025年5月份示范县", "实施“三大攻坚”推进情况的通报"]
    assert all(t[1:3] == ("方正小标宋简体", 22) for t in title)  # 2号
    body = list(_runs_of(document, "公文正文"))
    assert body and all(size == 16 for _t, _f, size, _b in body)  # 3号
    assert {face for _t, face, *_ in body} == {"仿宋_GB2312", "楷体_GB2312"}  # run-in （一） headings in 楷体
    assert any(t.startswith("（一）") and face == "楷体_GB2312" for t, face, *_ in body)
    first = [t for t, *_ in _runs_of(document, "一级标题")]
    assert first == [
        "一、总体情况",
        "二、进展较好",
        "三、存在问题",
        "四、下步工作要求",
        "附件1",
        "附件2",
        "附件3",
        "附件4",
    ]
    assert all(face == "黑体" and size == 16 for _t, face, size, _b in _runs_of(document, "一级标题"))


def test_font_table_names_the_fallback_faces(issued_docx):
    table = parts(issued_docx)["word/fontTable.xml"]
    for name, fallback in (("方正小标宋简体", "宋体"), ("仿宋_GB2312", "仿宋"), ("楷体_GB2312", "楷体")):
        assert re.search(rf'w:name="{name}"><w:altName w:val="{fallback}"/>', table), name


def test_page_numbers_are_dashed_in_4hao_songti_odd_right_even_left(issued_docx):
    document = Document(io.BytesIO(issued_docx))
    section = document.sections[0]
    for footer, align in ((section.footer, "right"), (section.even_page_footer, "left")):
        paragraph = footer.paragraphs[0]
        xml = paragraph._p.xml
        assert "PAGE" in xml
        assert paragraph.text.startswith("— ") and paragraph.text.endswith(" —")
        assert 'w:eastAsia="宋体"' in xml and 'w:sz w:val="28"' in xml  # 4号 = 14 pt
        assert paragraph.paragraph_format.alignment is not None
        assert paragraph.style.name == "页码"
        assert f'w:val="{align}"' in xml or (align == "right" and paragraph.alignment == 2)


def test_masthead_signature_and_imprint_give_number_and_dates_in_arabic_numerals(issued, issued_docx):
    document = Document(io.BytesIO(issued_docx))
    paragraphs = [p.text for p in document.paragraphs]
    paragraphs += [cell.text for table in document.tables for row in table.rows for cell in row.cells]
    text = "\n".join(paragraphs)
    assert "2025年第1期" in text
    assert "二〇二五" not in text  # no date in Chinese numerals anywhere
    assert paragraphs.count("2025年6月10日") == 1  # 成文日期 under the office, no leading zeros
    assert "统计截止日期" in text and "2025年5月31日" in text
    assert "各攻坚专班、各责任单位：" in paragraphs  # 主送
    assert any(p.startswith("抄送：") for p in paragraphs)  # 版记
    assert any(p.endswith("2025年6月10日印发") for p in paragraphs)
    assert text.index("附件：1.任务推进情况表") < text.index("附件1")
    assert document.tables[-1].rows[0].cells[0].text.startswith("抄送：")  # 版记 after the 附件
    properties = Document(io.BytesIO(issued_docx)).core_properties
    assert properties.identifier == issued.content_hash and len(issued.content_hash) == 64


def test_template_file_holds_what_the_builder_makes():
    shipped = Document(str(TEMPLATE_PATH))
    built = build_template()
    names = {s.name for s in built.styles}
    assert {"公文标题", "公文正文", "一级标题", "二级标题", "三级标题", "页码"} <= names
    assert names <= {s.name for s in shipped.styles}
    for a, b in zip(shipped.sections, built.sections, strict=True):
        assert (a.top_margin, a.left_margin, a.page_width) == (b.top_margin, b.left_margin, b.page_width)


# ---------------------------------------------------------------- LibreOffice


def test_bulletin_renders_to_pdf_with_its_content(issued_docx, to_pdf):
    pages, text = to_pdf(issued_docx, "bulletin")
    assert pages > 0
    text = flat(text)
    for expected in (
        "关于2025年5月份示范县",
        "一、总体情况",
        "三、存在问题",
        "“扩大有效投资”",
        LAGGING_REASON,  # in 附件2
        "四、下步工作要求",
        "附件1",
        "—1—",
    ):
        assert flat(expected) in text, expected


def test_bulletin_of_a_month_without_reports_says_so(reported, actors, to_pdf):
    bulletin = services.create_bulletin(actors["coordinator"], reported, EMPTY_MONTH)
    assert "本月各单位均未报送工作进展" in bulletin.overview
    pages, text = to_pdf(documents.render(bulletin), "empty")
    assert pages > 0
    assert "本月各单位均未报送工作进展" in flat(text)
    assert "（草稿，印发时编号）" in flat(text)


def grid_lines(content: bytes) -> int:
    """Lines the body takes on the 28-character grid (as Word and WPS lay it out)."""
    lines = 0
    for paragraph in Document(io.BytesIO(content)).paragraphs:
        width = sum(1 if ord(c) > 0x2000 else 0.5 for c in paragraph.text)
        indent = 2 if paragraph.style.name in ("公文正文", "一级标题", "二级标题", "三级标题") else 0
        lines += max(1, -(-int(width + indent + 0.99) // 28))
    return lines


def test_dispatch_summary_is_one_page(reported, actors, to_pdf):
    content = documents.dispatch_docx(actors["coordinator"], reported, "2025-05-2")
    assert grid_lines(content) <= 22
    pages, text = to_pdf(content, "dispatch")
    assert pages == 1  # in LibreOffice as in Word and WPS
    text = flat(text)
    assert "2025年5月中旬调度情况" in text
    assert "“扩大有效投资”" in text and "用地等要素保障不到位1项" in text


def test_review_renders_with_ranking_weights_and_formula(reported, actors, to_pdf):
    content = documents.review_docx(actors["coordinator"], reported, "2025Q2")
    pages, text = to_pdf(content, "review")
    assert pages > 0
    text = flat(text)
    assert "2025年第二季度" in text
    assert "得分排名" in text and "评分明细" in text
    assert flat("报送及时性30%，序时进度40%，指标完成20%，督办按时办结10%") in text
    assert flat("综合得分 = Σ（单项得分 × 单项权重）") in text
