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


def test_reporters_cannot_see_bulletins(personas, today, client_for):
    assert client_for(personas["reporter_a"]).get("/bulletins/").status_code == 403
