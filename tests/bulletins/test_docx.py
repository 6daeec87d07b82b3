"""The Word files: GB/T 9704 page, grid, fonts and sizes read back from the docx XML, and
each document rendered to PDF by LibreOffice with its text checked."""

import io
import re
import zipfile

import pytest
from docx import Document
from docx.shared import Mm

from luoshi.bulletins import services
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


def test_page_is_a4_with_gbt9704_margins_and_grid(issued_docx):
    section = Document(io.BytesIO(issued_docx)).sections[0]
    assert abs(section.page_width - Mm(210)) < Mm(0.1)
    assert abs(section.page_height - Mm(297)) < Mm(0.1)
    assert abs(section.top_margin - Mm(37)) < Mm(0.1)
    assert abs(section.bottom_margin - Mm(35)) < Mm(0.1)
    assert abs(section.left_margin - Mm(28)) < Mm(0.1)
    assert abs(section.right_margin - Mm(26)) < Mm(0.1)
    grid = section._sectPr.find(f"{W}docGrid")
    assert grid.get(f"{W}type") == "linesAndChars"
    line_pitch = int(grid.get(f"{W}linePitch"))
    assert 225 / 25.4 * 1440 / line_pitch == pytest.approx(22, abs=0.05)  # 22 lines in 225 mm
    char_pitch_pt = 16 + int(grid.get(f"{W}charSpace")) / 4096
    assert 156 / 25.4 * 72 / char_pitch_pt == pytest.approx(28, abs=0.05)  # 28 characters in 156 mm


def test_every_run_names_its_east_asian_font_and_size(issued_docx):
    xml = parts(issued_docx)
    document = Document(io.BytesIO(issued_docx))
    runs = document.element.body.iter(f"{W}r")
    count = 0
    for run in runs:
        if run.find(f"{W}drawing") is not None:
            continue
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
                if run.text:
                    fonts = run._r.find(f"{W}rPr/{W}rFonts")
                    size = int(run._r.find(f"{W}rPr/{W}sz").get(f"{W}val")) / 2
                    yield run.text, fonts.get(f"{W}eastAsia"), size, bool(run.bold)


def test_title_body_and_headings_use_the_standard_faces_and_sizes(issued_docx):
    document = Document(io.BytesIO(issued_docx))
    (title,) = list(_runs_of(document, "公文标题"))
    assert title[0] == "关于2025年5月示范县实施“三大攻坚”推进情况的通报"
    assert title[1:3] == ("方正小标宋简体", 22)  # 2号
    body = list(_runs_of(document, "公文正文"))
    assert body and all(face == "仿宋_GB2312" and size == 16 for _t, face, size, _b in body if _t)  # 3号
    first = list(_runs_of(document, "一级标题"))
    assert [t for t, *_ in first][:2] == ["一、总体情况", "二、各攻坚进展"]
    assert all(face == "黑体" and size == 16 for _t, face, size, _b in first)
    second = list(_runs_of(document, "二级标题"))
    assert second[0][0] == "（一）产业攻坚实施方案"
    assert second[0][1] == "楷体_GB2312"


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


def test_masthead_gives_the_issue_number_and_date_in_chinese(issued_docx):
    text = "\n".join(p.text for p in Document(io.BytesIO(issued_docx)).paragraphs)
    assert "第一期" in text
    assert "二〇二五年六月十日" in text  # issued on the fixed today
    assert "统计截止日期：2025年5月31日" in text


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
        "关于2025年5月示范县实施“三大攻坚”推进情况的通报",
        "一、总体情况",
        "三、滞后事项",
        "县发改局",
        LAGGING_REASON,
        "逾期报送的单位：县工信局",
        "六、下步工作",
        "—1—",
    ):
        assert flat(expected) in text, expected


def test_bulletin_of_a_month_without_reports_says_so(reported, actors, to_pdf):
    bulletin = services.create_bulletin(actors["coordinator"], reported, EMPTY_MONTH)
    assert "本月无报送" in bulletin.overview
    pages, text = to_pdf(services.render(bulletin), "empty")
    assert pages > 0
    assert "本月无报送" in flat(text)
    assert "（草稿）" in flat(text)


def grid_lines(content: bytes) -> int:
    """Lines the body takes on the 28-character grid (as Word and WPS lay it out)."""
    lines = 0
    for paragraph in Document(io.BytesIO(content)).paragraphs:
        width = sum(1 if ord(c) > 0x2000 else 0.5 for c in paragraph.text)
        indent = 2 if paragraph.style.name in ("公文正文", "一级标题", "二级标题", "三级标题") else 0
        lines += max(1, -(-int(width + indent + 0.99) // 28))
    return lines


def test_dispatch_summary_is_one_page(reported, actors, to_pdf):
    content = services.dispatch_docx(actors["coordinator"], reported, "2025-05-2")
    assert grid_lines(content) <= 22
    pages, text = to_pdf(content, "dispatch")
    # LibreOffice gives each character two cells of a grid narrower than the font (Word
    # and WPS compress instead), so its rendering may run over one page.
    assert 1 <= pages <= 2
    text = flat(text)
    assert "2025年5月中旬调度情况" in text
    assert "扩大有效投资" in text and LAGGING_REASON in text


def test_review_renders_with_ranking_weights_and_formula(reported, actors, to_pdf):
    content = services.review_docx(actors["coordinator"], reported, "2025Q2")
    pages, text = to_pdf(content, "review")
    assert pages > 0
    text = flat(text)
    assert "2025年第二季度" in text
    assert "得分排名" in text and "评分明细" in text
    assert flat("报送及时性30%，序时进度40%，指标完成20%，督办按时办结10%") in text
    assert flat("综合得分 = Σ（单项得分 × 单项权重）") in text
