"""通报 pages: the office drafts its campaign's monthly bulletin, edits 下步工作, issues it;
leaders read; reporters are refused."""

import pytest

from luoshi.bulletins.models import Bulletin

pytestmark = pytest.mark.django_db


def test_office_drafts_edits_and_issues_a_bulletin(personas, today, client_for):
    office = client_for(personas["office"])
    response = office.post("/bulletins/", {"month": "2025-06", "campaign": "附件1"})
    bulletin = Bulletin.objects.get()
    assert response["Location"] == f"/bulletins/{bulletin.pk}/"
    assert "下步工作" in office.get(f"/bulletins/{bulletin.pk}/").content.decode()
    office.post(f"/bulletins/{bulletin.pk}/", {"action": "save", "next_steps": "七月集中攻坚入规企业。"})
    bulletin.refresh_from_db()
    assert bulletin.next_steps == "七月集中攻坚入规企业。"
    assert office.get(f"/bulletins/{bulletin.pk}/file/").content[:2] == b"PK"
    office.post(f"/bulletins/{bulletin.pk}/", {"action": "issue"})
    bulletin.refresh_from_db()
    assert bulletin.number == 1
    assert "第1期" in client_for(personas["leader"]).get("/bulletins/").content.decode()


def test_the_page_shows_what_the_word_file_says(personas, today, client_for):
    import html
    import io
    import re

    from docx import Document

    coordinator = client_for(personas["coordinator"])
    coordinator.post("/bulletins/", {"month": "2025-06"})
    bulletin = Bulletin.objects.get()
    page = coordinator.get(f"/bulletins/{bulletin.pk}/").content.decode()
    shown = re.sub(r"\s+", "", html.unescape(re.sub(r"<[^>]+>", "", page)))
    content = coordinator.get(f"/bulletins/{bulletin.pk}/file/").content
    paragraphs = [p.text for p in Document(io.BytesIO(content)).paragraphs if p.text.strip()]
    assert len(paragraphs) > 15
    for text in paragraphs:
        assert re.sub(r"\s+", "", text) in shown, text
    for table in Document(io.BytesIO(content)).tables:
        for cell in table.rows[-1].cells:
            assert re.sub(r"\s+", "", cell.text) in shown
    assert "具体如下：" not in shown
    assert "各攻坚专班、各责任单位：" in shown and "抄送：" in shown


def test_reporters_cannot_see_bulletins(personas, today, client_for):
    assert client_for(personas["reporter_a"]).get("/bulletins/").status_code == 403


def test_dispatch_sheet_and_quarterly_review_download_from_the_page(personas, today, client_for):
    from io import BytesIO

    from docx import Document
    from openpyxl import load_workbook

    coordinator = client_for(personas["coordinator"])
    page = coordinator.get("/bulletins/").content.decode()
    assert "2025年7月上旬" in page and "2025Q3" in page and "保存季讲评权重" in page
    sheet = coordinator.get("/bulletins/dispatch/", {"period": "2025-07-1", "format": "xlsx"})
    assert sheet.status_code == 200 and "spreadsheetml" in sheet["Content-Type"]
    book = load_workbook(BytesIO(sheet.content))
    assert any("附件1/一/(一)" in str(cell.value) for row in book.worksheets[0].iter_rows() for cell in row)
    summary = coordinator.get("/bulletins/dispatch/", {"period": "2025-07-1", "format": "docx"})
    assert summary.status_code == 200 and summary.content[:2] == b"PK"
    review = coordinator.get("/bulletins/review/", {"quarter": "2025Q2", "format": "docx"})
    text = "\n".join(p.text for p in Document(BytesIO(review.content)).paragraphs)
    assert "权重" in text


def test_review_weights_that_do_not_sum_to_100_are_refused(personas, today, client_for):
    coordinator = client_for(personas["coordinator"])
    bad = coordinator.post(
        "/bulletins/review/", {"timeliness": 30, "progress": 40, "targets": 20, "supervision": 5}
    )
    assert bad.status_code == 400 and "之和应为 100" in bad.content.decode()
    good = coordinator.post(
        "/bulletins/review/", {"timeliness": 25, "progress": 45, "targets": 20, "supervision": 10}
    )
    assert good.status_code == 302
    assert "序时进度 45" in coordinator.get("/bulletins/").content.decode()


def test_a_period_that_is_no_period_gets_a_400_naming_it(personas, today, client_for):
    response = client_for(personas["coordinator"]).get(
        "/bulletins/dispatch/", {"period": "七月", "format": "xlsx"}
    )
    assert response.status_code == 400 and "无法识别的周期" in response.content.decode()


def test_reporters_cannot_download_dispatch_sheets(personas, today, client_for):
    response = client_for(personas["reporter_a"]).get("/bulletins/dispatch/", {"period": "2025-07-1"})
    assert response.status_code == 403
