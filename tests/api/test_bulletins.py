"""/api/v1/bulletins: drafted, edited and issued as on the page, by those the page lets;
the issued file verifies like ``luoshi bulletin verify``; a changed copy does not."""

import io
import json

import pytest
from docx import Document
from openpyxl import load_workbook

from luoshi.bulletins.models import Bulletin, BulletinTransition

pytestmark = pytest.mark.django_db

URL = "/api/v1/bulletins"


def post(client, url, data=None, **headers):
    return client.post(url, json.dumps(data or {}), content_type="application/json", headers=headers)


def patch(client, url, data, **headers):
    return client.patch(url, json.dumps(data), content_type="application/json", headers=headers)


def verify(client, content: bytes, name="通报.docx"):
    from django.core.files.uploadedfile import SimpleUploadedFile

    return client.post(f"{URL}/verify", {"file": SimpleUploadedFile(name, content)})


def test_a_bulletin_generated_and_issued_through_the_api_verifies(personas, today, client_for):
    office = client_for(personas["office"])
    response = post(office, URL, {"month": "2025-06", "campaign": "附件1"})
    assert response.status_code == 201
    draft = response.json()
    assert draft["state"] == "draft" and draft["campaign"] == "附件1" and draft["can_edit"] is True
    preview = office.get(draft["file_url"])
    assert preview.status_code == 200 and preview.content[:2] == b"PK"
    issued = post(office, f"{URL}/{draft['id']}/issue", {"next_steps": "七月集中攻坚入规企业。"}).json()
    assert issued["state"] == "issued" and issued["number"] == 1 and issued["can_edit"] is False
    assert issued["next_steps"] == "七月集中攻坚入规企业。"
    original = office.get(issued["file_url"]).content
    result = verify(client_for(personas["leader"]), original).json()
    assert result["genuine"] is True and "2025年第1期" in result["message"]
    assert "第1期" in client_for(personas["leader"]).get("/bulletins/").content.decode()  # the page shows it
    document = Document(io.BytesIO(original))
    document.add_paragraph("私自加的一段")
    changed = io.BytesIO()
    document.save(changed)
    result = verify(office, changed.getvalue()).json()
    assert result["genuine"] is False and "可能已被改动" in result["message"]
    assert verify(office, b"not a word file", "x.txt").json() == {
        "genuine": False,
        "message": "不是 Word 文件（.docx），无法核验",
    }


def test_an_issued_bulletin_never_changes(personas, today, client_for):
    coordinator = client_for(personas["coordinator"])
    draft = post(coordinator, URL, {"month": "2025-06"}).json()
    post(coordinator, f"{URL}/{draft['id']}/issue")
    before = BulletinTransition.objects.count()
    response = patch(coordinator, f"{URL}/{draft['id']}", {"next_steps": "改一改"})
    assert response.status_code == 400 and "不能再修改" in response.json()["error"]
    response = post(coordinator, f"{URL}/{draft['id']}/issue")
    assert response.status_code == 400 and "不能重复印发" in response.json()["error"]
    assert BulletinTransition.objects.count() == before
    correction = post(coordinator, f"{URL}/{draft['id']}/correct", {"reason": "数字有误"})
    assert correction.status_code == 201 and correction.json()["corrects"] == draft["id"]


def test_who_may_read_and_write_bulletins_is_the_pages_rule(personas, today, client_for):
    coordinator = client_for(personas["coordinator"])
    plan_wide = post(coordinator, URL, {"month": "2025-06"}).json()
    response = client_for(personas["reporter_a"]).get(URL)
    assert response.status_code == 403 and response.json() == {
        "error": "通报供综合协调组、专班办公室和领导查看"
    }
    assert client_for(personas["reporter_a"]).get(f"{URL}/{plan_wide['id']}").status_code == 404
    office = client_for(personas["office"])
    assert office.get(f"{URL}/{plan_wide['id']}").status_code == 404  # plan-wide is the coordinator's
    response = post(office, URL, {"month": "2025-06"})
    assert response.status_code == 403 and "本攻坚" in response.json()["error"]
    leader = client_for(personas["leader"])
    assert leader.get(f"{URL}/{plan_wide['id']}").json()["can_edit"] is False
    response = patch(leader, f"{URL}/{plan_wide['id']}", {"overview": "领导改"})
    assert response.status_code == 403
    assert [b["id"] for b in leader.get(URL).json()["items"]] == [plan_wide["id"]]
    assert Bulletin.objects.get().overview != "领导改"


def test_editing_a_draft_shows_on_its_page_and_if_match_guards_it(personas, today, client_for):
    coordinator = client_for(personas["coordinator"])
    draft = post(coordinator, URL, {"month": "2025-06"})
    etag, bulletin_id = draft["ETag"], draft.json()["id"]
    response = patch(
        coordinator, f"{URL}/{bulletin_id}", {"next_steps": "八月完成验收。"}, **{"If-Match": etag}
    )
    assert response.status_code == 200 and response.json()["next_steps"] == "八月完成验收。"
    assert "八月完成验收。" in coordinator.get(f"/bulletins/{bulletin_id}/").content.decode()
    response = patch(coordinator, f"{URL}/{bulletin_id}", {"next_steps": "覆盖"}, **{"If-Match": etag})
    assert response.status_code == 412
    response = post(coordinator, f"{URL}/{bulletin_id}/issue", **{"If-Match": etag})
    assert response.status_code == 412
    bulletin = Bulletin.objects.get(pk=bulletin_id)
    assert bulletin.next_steps == "八月完成验收。" and bulletin.state == "draft"


def test_bad_input_is_400_in_chinese(personas, today, client_for):
    coordinator = client_for(personas["coordinator"])
    response = post(coordinator, URL, {"month": "2025-06", "campaign": "附件9"})
    assert response.status_code == 400 and "找不到攻坚" in response.json()["error"]
    response = post(coordinator, URL, {"month": "六月"})
    assert response.status_code == 400 and "month" in response.json()["error"]
    draft = post(coordinator, URL, {"month": "2025-06"}).json()
    response = patch(coordinator, f"{URL}/{draft['id']}", {"next_steps": "一是\u0002抓落实"})
    assert response.status_code == 400 and "next_steps" in response.json()["error"]
    assert coordinator.get(draft["file_url"]).status_code == 200
    response = patch(coordinator, f"{URL}/{draft['id']}", {"title": ""})
    assert response.status_code == 400 and response.json()["error"] == "标题不能为空"
    assert not Bulletin.objects.exclude(pk=draft["id"]).exists()


def test_dispatch_and_review_files_and_weights(personas, today, client_for):
    coordinator = client_for(personas["coordinator"])
    sheet = coordinator.get(f"{URL}/dispatch", {"period": "2025-07-1"})
    assert sheet.status_code == 200 and "spreadsheetml" in sheet["Content-Type"]
    book = load_workbook(io.BytesIO(sheet.content))
    assert any("附件1/一/(一)" in str(c.value) for row in book.worksheets[0].iter_rows() for c in row)
    summary = coordinator.get(f"{URL}/dispatch", {"period": "2025-07-1", "format": "docx"})
    assert summary.content[:2] == b"PK" and "wordprocessingml" in summary["Content-Type"]
    assert (
        client_for(personas["reporter_a"]).get(f"{URL}/dispatch", {"period": "2025-07-1"}).status_code == 403
    )
    weights = {"timeliness": 30, "progress": 40, "targets": 20, "supervision": 5}
    response = coordinator.put(f"{URL}/review-weights", json.dumps(weights), content_type="application/json")
    assert response.status_code == 400 and "之和应为 100" in response.json()["error"]
    weights["supervision"] = 10
    weights["progress"], weights["timeliness"] = 45, 25
    response = coordinator.put(f"{URL}/review-weights", json.dumps(weights), content_type="application/json")
    assert response.json()["progress"] == 45
    assert "序时进度 45" in coordinator.get("/bulletins/").content.decode()
    office = client_for(personas["office"])
    response = office.put(f"{URL}/review-weights", json.dumps(weights), content_type="application/json")
    assert response.status_code == 403
    review = coordinator.get(f"{URL}/review", {"quarter": "2025Q2"})
    text = "\n".join(p.text for p in Document(io.BytesIO(review.content)).paragraphs)
    assert "权重" in text
    made = post(coordinator, f"{URL}/reviews", {"quarter": "2025Q2"})
    assert made.status_code == 201 and made.json()["kind"] == "review"


def test_pagination_walks_every_bulletin_once(personas, today, client_for):
    coordinator = client_for(personas["coordinator"])
    made = [post(coordinator, URL, {"month": f"2025-{m:02d}", **c}).json()["id"]
            for m in range(1, 7) for c in ({}, {"campaign": "附件1"})]  # fmt: skip
    seen, cursor = [], None
    while True:
        body = coordinator.get(URL, {"limit": 5, **({"cursor": cursor} if cursor else {})}).json()
        seen += [b["id"] for b in body["items"]]
        cursor = body["next_cursor"]
        if not cursor:
            break
    assert sorted(seen) == sorted(made) and len(seen) == len(set(seen))
    months = [b["month"] for b in coordinator.get(URL, {"limit": 100}).json()["items"]]
    assert months == sorted(months, reverse=True)
    assert len(coordinator.get(URL, {"campaign": "plan-wide"}).json()["items"]) == 6


def test_verifying_follows_who_reads_the_bulletin(personas, today, client_for, orgs):
    """A reporter reads no bulletin and may not verify one; a coordinator of another
    district is told the file is none of the bulletins it may read, not which one it is."""
    office = client_for(personas["office"])
    draft = post(office, URL, {"month": "2025-06", "campaign": "附件1"}).json()
    issued = post(office, f"{URL}/{draft['id']}/issue").json()
    original = office.get(issued["file_url"]).content
    response = verify(client_for(personas["reporter_b"]), original)
    assert response.status_code == 403 and "核验" in response.json()["error"]
    stranger = verify(client_for(orgs["xd_coordinator"]), original).json()
    assert stranger["genuine"] is False and "第1期" not in stranger["message"]
    assert "不在你的查看范围内" in stranger["message"]
    assert verify(client_for(personas["coordinator"]), original).json()["genuine"] is True
