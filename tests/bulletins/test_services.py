"""Draft → edited → issued: numbering, freezing, corrections, history and who may do what."""

import hashlib
import io

import pytest
from django.core.exceptions import PermissionDenied
from django.db import IntegrityError, transaction
from django.http import Http404

from luoshi.bulletins import documents, services
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
    assert draft.title == "关于2025年5月份示范县实施“三大攻坚”推进情况的通报"
    assert str(draft.as_of) == "2025-05-31" and draft.year == 2025
    assert draft.data["summary"]["total"] == 3
    assert "截至5月31日" in draft.overview
    assert "“扩大有效投资”" in draft.lagging_text and "附件1/" not in draft.lagging_text
    assert draft.next_steps.startswith("一是") and "县发改局" in draft.next_steps
    assert list(draft.transitions.values_list("action", flat=True)) == [Action.CREATE]


def test_edit_changes_narrative_and_leaves_a_row(draft, actors):
    services.edit_bulletin(actors["coordinator"], draft, next_steps="一是抓落实。")
    draft.refresh_from_db()
    assert draft.next_steps == "一是抓落实。"
    row = draft.transitions.last()
    assert row.action == Action.EDIT and "下步工作要求" in row.reason and row.actor_name == "coordinator"


def test_text_a_word_file_cannot_hold_is_refused_and_the_draft_still_renders(draft, actors):
    from luoshi.bulletins.documents import render

    with pytest.raises(BulletinError, match="下步工作要求中有控制字符"):
        services.edit_bulletin(actors["coordinator"], draft, next_steps="一是\x02抓落实。")
    draft.refresh_from_db()
    assert "\x02" not in draft.next_steps and render(draft)[:2] == b"PK"


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
    served = documents.bulletin_file(actors["leader"], issued)
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
    assert "本期更正2025年第1期《关于2025年5月份示范县实施“三大攻坚”推进情况的通报》" in text
    first.refresh_from_db()
    assert first.state == State.ISSUED and first.number == 1


def test_a_month_is_issued_once_and_a_second_issue_names_the_first(draft, actors, reported):
    first = services.issue_bulletin(actors["coordinator"], draft)
    again = services.create_bulletin(actors["coordinator"], reported, MAY)
    with pytest.raises(
        BulletinError, match=r"2025年5月的月通报已于2025年6月10日印发（2025年第1期《关于2025年5月份"
    ):
        services.issue_bulletin(actors["coordinator"], again)
    again.refresh_from_db()
    assert again.state == State.DRAFT and again.number is None and not again.file
    assert list(Bulletin.objects.filter(state=State.ISSUED)) == [first]


def test_only_the_latest_issue_of_a_month_can_be_corrected(draft, actors):
    first = services.issue_bulletin(actors["coordinator"], draft)
    stale = services.correct_bulletin(actors["coordinator"], first)
    fix = services.issue_bulletin(
        actors["coordinator"], services.correct_bulletin(actors["coordinator"], first)
    )
    assert fix.number == 2 and fix.corrects == first
    with pytest.raises(BulletinError, match="第1期已被更正；最新印发的是2025年第2期"):
        services.issue_bulletin(actors["coordinator"], stale)
    fix_of_fix = services.issue_bulletin(
        actors["coordinator"], services.correct_bulletin(actors["coordinator"], fix)
    )
    assert fix_of_fix.number == 3 and fix_of_fix.corrects == fix


def test_numbers_run_per_plan_and_year(draft, actors, reported):
    first = services.issue_bulletin(actors["coordinator"], draft)
    Bulletin.objects.filter(pk=first.pk).update(year=2024)  # as if it were last year's
    june = services.create_bulletin(actors["coordinator"], reported, "2025-06")
    assert services.issue_bulletin(actors["coordinator"], june).number == 1


def test_the_issued_file_verifies_and_a_changed_copy_does_not(draft, actors):
    from docx import Document

    issued = services.issue_bulletin(actors["coordinator"], draft)
    with issued.file.open("rb") as handle:
        content = handle.read()
    genuine, message = documents.verify_file(content)
    assert genuine and "是印发的原件：2025年第1期《关于2025年5月份" in message
    document = Document(io.BytesIO(content))
    document.paragraphs[-1].add_run("（已改）")
    changed = io.BytesIO()
    document.save(changed)
    genuine, message = documents.verify_file(changed.getvalue())
    assert not genuine and "文件属性指向2025年第1期" in message and "不一致" in message
    assert documents.verify_file(b"not a docx") == (False, "不是 Word 文件（.docx），无法核验")


def test_setup_sets_recipients_and_the_criticism_rule(draft, actors, reported):
    with pytest.raises(PermissionDenied):
        services.set_bulletin_setup(actors["office"], reported, recipients="各乡镇")
    with pytest.raises(BulletinError, match="主送不能为空"):
        services.set_bulletin_setup(actors["coordinator"], reported, recipients=" ")
    criticism = draft.lagging_text.splitlines()[-1]
    assert "逾期和未报送合计2次以上" in criticism and "县政务服务中心" in criticism  # it never reported
    services.set_bulletin_setup(
        actors["coordinator"], reported, recipients="各乡镇、县直各单位", criticize_late_times="9"
    )
    fresh = services.create_bulletin(actors["coordinator"], reported, MAY)
    assert "本月没有单位达到通报批评条件（逾期和未报送合计9次以上" in fresh.lagging_text
    blocks = documents.blocks_of(fresh)
    assert [b.text for b in blocks if b.kind == "recipients"] == ["各乡镇、县直各单位："]


def test_a_draft_cannot_be_corrected(draft, actors):
    with pytest.raises(BulletinError, match="只能更正已印发的通报"):
        services.correct_bulletin(actors["coordinator"], draft)


def test_campaign_bulletins_have_their_own_sequence(reported, actors, draft):
    services.issue_bulletin(actors["coordinator"], draft)
    campaign = services.create_bulletin(actors["office"], reported, MAY, campaign="附件1")
    assert campaign.title == "关于2025年5月份产业攻坚推进情况的通报"
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
        documents.dispatch_xlsx(actors["reporter_a"], reported, "2025-05-1")
    with pytest.raises(PermissionDenied):
        documents.review_docx(actors["head_a"], reported, "2025Q2")
    assert documents.dispatch_xlsx(actors["office"], reported, "2025-05-1", campaign="附件1")[:2] == b"PK"
