"""PDF files: text layer extraction, lines rejoined, page furniture dropped, scans refused.

The PDFs are written here by hand: Chinese text uses the non-embedded Adobe font
``STSong-Light`` with the ``UniGB-UCS2-H`` encoding (every character one em wide), so
where each line starts and ends on the page is known exactly.
"""

import shutil
import subprocess

import docx
import pytest

from luoshi.docparse.readers import DocumentError, read_document

SIZE = 16  # font size: one Chinese character is 16 pt wide
LEFT = 72
CHARS_PER_LINE = 28
RIGHT = LEFT + SIZE * CHARS_PER_LINE


def _pdf(objects: list[bytes]) -> bytes:
    """Assemble numbered objects (1 = catalog) into a PDF with a correct xref table."""
    out = bytearray(b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % number + body + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % offset for offset in offsets)
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, xref)
    return bytes(out)


def _stream(content: bytes) -> bytes:
    return b"<< /Length %d >>\nstream\n" % len(content) + content + b"\nendstream"


def make_pdf(pages: list[list[tuple[float, float, str]]], font: str = "cjk") -> bytes:
    """A PDF whose pages show texts at (x, y); ``font`` is ``cjk``, ``ascii`` or ``none``."""
    if font == "cjk":
        font_objects = [
            b"<< /Type /Font /Subtype /Type0 /BaseFont /STSong-Light /Encoding /UniGB-UCS2-H "
            b"/DescendantFonts [4 0 R] >>",
            b"<< /Type /Font /Subtype /CIDFontType0 /BaseFont /STSong-Light /DW 1000 "
            b"/CIDSystemInfo << /Registry (Adobe) /Ordering (GB1) /Supplement 2 >> >>",
        ]
    else:
        font_objects = [b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>", b"<< >>"]
    first_page = 5
    kids = b" ".join(b"%d 0 R" % (first_page + 2 * index) for index in range(len(pages)))
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [%s] /Count %d >>" % (kids, len(pages)),
        *font_objects,
    ]
    for index, texts in enumerate(pages):
        objects.append(
            b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Resources << /Font << /F1 3 0 R >> >> "
            b"/Contents %d 0 R >>" % (first_page + 2 * index + 1)
        )
        objects.append(_stream(_content(texts, font)))
    return _pdf(objects)


def _content(texts: list[tuple[float, float, str]], font: str) -> bytes:
    if font == "none":
        return b"0.5 g 72 400 200 200 re f"
    parts = []
    for x, y, text in texts:
        if font == "cjk":
            encoded = b"<" + text.encode("utf-16-be").hex().encode() + b">"
        else:
            encoded = b"(" + text.encode("latin-1").replace(b"(", b"\\(").replace(b")", b"\\)") + b")"
        parts.append(b"BT /F1 %d Tf 1 0 0 1 %.1f %.1f Tm %s Tj ET" % (SIZE, x, y, encoded))
    return b"\n".join(parts)


def paragraph(text: str, y: float, indent: int = 2) -> tuple[list[tuple[float, float, str]], float]:
    """Lay out ``text`` as a justified paragraph (first line indented) from height ``y`` down."""
    placed, first = [], True
    while text:
        room = CHARS_PER_LINE - (indent if first else 0)
        x = LEFT + (indent * SIZE if first else 0)
        placed.append((x, y, text[:room]))
        text, first, y = text[room:], False, y - SIZE * 1.75
    return placed, y


def page_of(*blocks: tuple[str, int], number: str | None = None) -> list[tuple[float, float, str]]:
    """A page of paragraphs (text, indent) from the top, with an optional page number at the foot."""
    texts, y = [], 760.0
    for text, indent in blocks:
        placed, y = paragraph(text, y, indent)
        texts += placed
    if number:
        texts.append((280, 40, number))
    return texts


LONG = "着力推进政策赋能增收减负消费提振投资增效良性循环，全面激发内需增长动能，推动经济持续回升向好，确保各项任务落地见效。"
ITEM = "1.推动增收减负。线下开展联合招聘、直播带岗等活动，推动校企合作，归集公益性岗位和以工代赈项目，助力就业困难人员实现就业。"


def test_wrapped_paragraphs_are_joined_and_headings_kept():
    pages = [
        page_of(
            ("西洞庭管理区实施方案", 8),
            ("一、攻坚目标", 2),
            (LONG, 2),
            (ITEM, 2),
            ("2.扩大有效投资。", 2),
            number="— 1 —",
        )
    ]
    lines = read_document(make_pdf(pages), filename="plan.pdf").lines
    assert lines == ["西洞庭管理区实施方案", "一、攻坚目标", LONG, ITEM, "2.扩大有效投资。"]


def test_paragraph_continues_across_a_page_break_and_page_numbers_go():
    text = "（一）实施内需扩量提效攻坚。" + "全面激发内需增长动能推动经济持续回升向好" * 3 + "。"
    placed, _y = paragraph(text, 100)
    first = [line for line in placed if line[1] > 60]
    second = [(x, y + 660, t) for x, y, t in placed if y <= 60]
    pages = [
        [(LEFT, 760, "前言段落，说明背景。"), *first, (280, 30, "-1-")],
        [*second, (LEFT + 32, 600, "（二）实施产业育新培强攻坚。"), (280, 30, "-2-")],
    ]
    assert second, "the paragraph must straddle the page break"
    lines = read_document(make_pdf(pages)).lines
    assert lines == ["前言段落，说明背景。", text, "（二）实施产业育新培强攻坚。"]


def test_line_ending_a_sentence_is_not_joined_to_the_next():
    sentence = "这是一个正好写满一整行的句子，最后以句号结尾而且后面没有缩进。"[:CHARS_PER_LINE]
    sentence = sentence[:-1] + "。"
    pages = [[(LEFT, 760, sentence), (LEFT, 732, "下一行不缩进，是另一段。")]]
    assert read_document(make_pdf(pages)).lines == [sentence, "下一行不缩进，是另一段。"]


def test_sentence_ending_at_the_margin_continues_when_paragraphs_start_indented():
    text = "甲" * 25 + "。" + "乙" * 27 + "。" + "丙" * 10 + "。"
    placed, _y = paragraph(text, 760)
    assert [line[2][-1] for line in placed] == ["。", "。", "。"]
    pages = [[*placed, (LEFT + 32, 500, "（二）下一项。")]]
    assert read_document(make_pdf(pages)).lines == [text, "（二）下一项。"]


def test_headers_repeated_on_every_page_are_dropped():
    pages = [
        [
            (LEFT, 800, "西洞庭管理区人民政府文件"),
            (LEFT + 32, 700, f"第{number}段内容。"),
            (280, 30, f"第 {number} 页"),
        ]
        for number in range(1, 5)
    ]
    assert read_document(make_pdf(pages)).lines == [f"第{number}段内容。" for number in range(1, 5)]


def test_ascii_type1_text_layer():
    pages = [[(72, 760, "Plan for 2025"), (72, 730, "1. Build 3 schools."), (290, 30, "- 1 -")]]
    assert read_document(make_pdf(pages, font="ascii"), filename="x.pdf").lines == [
        "Plan for 2025",
        "1. Build 3 schools.",
    ]


def test_image_only_pdf_is_refused():
    with pytest.raises(DocumentError, match="没有文字层"):
        read_document(make_pdf([[], []], font="none"), filename="scan.pdf")


def test_pages_without_text_are_reported():
    pages = [page_of(("一、总体要求", 2)), []]
    document = read_document(make_pdf(pages))
    assert document.lines == ["一、总体要求"]
    assert any("第 2 页没有文字层" in warning["message"] for warning in document.warnings)


def test_page_cap_with_a_warning(monkeypatch):
    from luoshi.docparse.formats import pdf

    monkeypatch.setattr(pdf, "MAX_PDF_PAGES", 2)
    pages = [[(LEFT + 32, 700, f"第{number}页的内容。")] for number in range(1, 6)]
    document = read_document(make_pdf(pages))
    assert document.lines == ["第1页的内容。", "第2页的内容。"]
    assert any("其余 3 页未读取" in warning["message"] for warning in document.warnings)


@pytest.mark.skipif(shutil.which("soffice") is None, reason="LibreOffice (soffice) is not installed")
def test_pdf_made_by_libreoffice(tmp_path):
    document = docx.Document()
    texts = [
        "西洞庭管理区实施“七大攻坚”方案",
        "一、攻坚目标",
        LONG * 2,
        "（一）实施内需扩量提效攻坚。",
        "2025年4月27日",
    ]
    for text in texts:
        document.add_paragraph(text)
    document.save(tmp_path / "plan.docx")
    subprocess.run(
        [
            "soffice",
            "--headless",
            "--convert-to",
            "pdf",
            "--outdir",
            str(tmp_path),
            str(tmp_path / "plan.docx"),
        ],
        check=True,
        capture_output=True,
        timeout=120,
    )
    lines = read_document(tmp_path / "plan.pdf").lines
    assert lines[:2] == texts[:2]
    assert "".join(lines[2:-2]) == LONG * 2
    assert lines[-2:] == texts[-2:]
