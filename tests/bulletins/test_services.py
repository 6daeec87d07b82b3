"""Draft → edited → issued: numbering, freezing, corrections, history and who may do what."""

import hashlib

import pytest
from django.core.exceptions import PermissionDenied
from django.db import IntegrityError, transaction
from django.http import Http404

from luoshi.bulletins import services
from luoshi.bulletins.choices import Action, State
from luoshi.bulletins.models import Bulletin
from luoshi.bulletins.permissions import get_bulletin_for, visible_bulletins
from luoshi.bulletins.services import BulletinError

from .conftest import MAY


@pytest.fixture
def draft(reported, actors):
    return services.create_bulletin(actors["coordinator"], reported, MAY)


def test_draft_holds_gathered_numbers_and_generated_narrative(draft):
    assert draft.state == State.DRAFT and draft.number is None
    assert draft.title == "关于2025年5月示范县实施“三大攻坚”推进情况的通报"
    assert str(draft.as_of) == "2025-05-31"
    assert draft.data["summary"]["total"] == 3
    assert "截至5月底" in draft.overview
    assert "县发改局" in draft.reporting_text
    assert draft.next_steps
    assert list(draft.transitions.values_list("action", flat=True)) == [Action.CREATE]


def test_edit_changes_narrative_and_leaves_a_row(draft, actors):
    services.edit_bulletin(actors["coordinator"], draft, next_steps="一是抓落实。")
    draft.refresh_from_db()
    assert draft.next_steps == "一是抓落实。"
    row = draft.transitions.last()
    assert row.action == Action.EDIT and "下步工作" in row.reason and row.actor_name == "coordinator"


def test_edit_of_an_unknown_field_is_refused(draft, actors):
    with pytest.raises(BulletinError, match="不能修改的字段：data"):
        services.edit_bulletin(actors["coordinator"], draft, data={})


def test_issue_numbers_renders_stores_and_hashes(draft, actors):
    issued = services.issue_bulletin(actors["coordinator"], draft)
    assert (issued.state, issued.number) == (State.ISSUED, 1)
    with issued.file.open("rb") as handle:
        content = handle.read()
    assert content[:2] == b"PK"
    assert issued.sha256 == hashlib.sha256(content).hexdigest()
    assert issued.issued_by.username == "coordinator"
    assert issued.transitions.last().action == Action.ISSUE


def test_editing_an_issued_bulletin_is_refused(draft, actors):
    issued = services.issue_bulletin(actors["coordinator"], draft)
    before = (issued.next_steps, issued.sha256)
    with pytest.raises(BulletinError, match="印发（第1期），不能再修改"):
        services.edit_bulletin(actors["coordinator"], issued, next_steps="改一改")
    with pytest.raises(BulletinError, match="不能重复印发"):
        services.issue_bulletin(actors["coordinator"], issued)
    with pytest.raises(BulletinError, match="不能更新数据"):
        services.refresh_bulletin(actors["coordinator"], issued)
    issued.refresh_from_db()
    assert (issued.next_steps, issued.sha256) == before


def test_issued_file_is_what_is_served_afterwards(draft, actors):
    issued = services.issue_bulletin(actors["coordinator"], draft)
    served = services.bulletin_file(actors["leader"], issued)
    assert hashlib.sha256(served).hexdigest() == issued.sha256


def test_correction_is_a_new_issue_that_names_the_corrected_one(draft, actors):
    first = services.issue_bulletin(actors["coordinator"], draft)
    correction = services.correct_bulletin(actors["coordinator"], first, reason="滞后原因有误")
    assert correction.state == State.DRAFT and correction.corrects == first
    assert correction.next_steps == first.next_steps
    assert correction.transitions.get().reason == "滞后原因有误"
    second = services.issue_bulletin(actors["coordinator"], correction)
    assert second.number == 2
    from docx import Document

    with second.file.open("rb") as handle:
        text = "\n".join(p.text for p in Document(handle).paragraphs)
    assert "本期更正第1期《关于2025年5月示范县实施“三大攻坚”推进情况的通报》" in text
    first.refresh_from_db()
    assert first.state == State.ISSUED and first.number == 1


def test_a_draft_cannot_be_corrected(draft, actors):
    with pytest.raises(BulletinError, match="只能更正已印发的通报"):
        services.correct_bulletin(actors["coordinator"], draft)


def test_campaign_bulletins_have_their_own_sequence(reported, actors, draft):
    services.issue_bulletin(actors["coordinator"], draft)
    campaign = services.create_bulletin(actors["office"], reported, MAY, campaign="附件1")
    assert campaign.title == "关于2025年5月产业攻坚推进情况的通报"
    assert services.issue_bulletin(actors["office"], campaign).number == 1
    again = services.create_bulletin(actors["coordinator"], reported, "2025-06")
    assert services.issue_bulletin(actors["coordinator"], again).number == 2


def test_two_bulletins_cannot_share_a_number(draft, actors, reported):
    services.issue_bulletin(actors["coordinator"], draft)
    other = services.create_bulletin(actors["coordinator"], reported, "2025-06")
    with pytest.raises(IntegrityError), transaction.atomic():
        Bulletin.objects.filter(pk=other.pk).update(
            state=State.ISSUED, number=1, sha256="x" * 64, issued_at=draft.created_at
        )


def test_bad_month_and_unknown_campaign_are_refused(reported, actors):
    with pytest.raises(BulletinError, match="无法识别的月份"):
        services.create_bulletin(actors["coordinator"], reported, "2025-13")
    with pytest.raises(BulletinError, match="找不到攻坚"):
        services.create_bulletin(actors["coordinator"], reported, MAY, campaign="附件9")
    assert not Bulletin.objects.exists()


# ---------------------------------------------------------------- permissions


@pytest.mark.parametrize(
    ("persona", "campaign", "allowed"),
    [
        ("coordinator", None, True),
        ("coordinator", "附件1", True),
        ("office", "附件1", True),
        ("office", None, False),
        ("leader", None, False),
        ("reporter_a", "附件1", False),
        ("head_b", None, False),
    ],
)
def test_who_may_draft_a_bulletin(reported, actors, persona, campaign, allowed):
    if allowed:
        assert services.create_bulletin(actors[persona], reported, MAY, campaign=campaign).pk
    else:
        with pytest.raises(PermissionDenied):
            services.create_bulletin(actors[persona], reported, MAY, campaign=campaign)


def test_leaders_read_offices_read_their_campaign_others_nothing(reported, actors, draft):
    campaign = services.create_bulletin(actors["office"], reported, MAY, campaign="附件1")
    assert set(visible_bulletins(actors["leader"])) == {draft, campaign}
    assert set(visible_bulletins(actors["office"])) == {campaign}
    assert not visible_bulletins(actors["reporter_a"]).exists()
    assert get_bulletin_for(actors["leader"], draft.pk) == draft
    with pytest.raises(PermissionDenied):
        get_bulletin_for(actors["leader"], draft.pk, write=True)
    with pytest.raises(Http404):
        get_bulletin_for(actors["office"], draft.pk)
    with pytest.raises(Http404):
        get_bulletin_for(actors["reporter_a"], campaign.pk)
    with pytest.raises(PermissionDenied):
        services.edit_bulletin(actors["leader"], draft, next_steps="x")
    with pytest.raises(PermissionDenied):
        services.issue_bulletin(actors["office"], draft)


def test_dispatch_and_review_documents_are_refused_to_reporters(reported, actors):
    with pytest.raises(PermissionDenied):
        services.dispatch_xlsx(actors["reporter_a"], reported, "2025-05-1")
    with pytest.raises(PermissionDenied):
        services.review_docx(actors["head_a"], reported, "2025Q2")
    assert services.dispatch_xlsx(actors["office"], reported, "2025-05-1", campaign="附件1")[:2] == b"PK"
