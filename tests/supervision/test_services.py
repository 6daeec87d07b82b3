"""The loop's writes: what each needs, what each records, the 批示 in one step, and the
bad input each refuses with nothing written."""

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied

from luoshi.plans.merge import merge_units
from luoshi.plans.models import Unit
from luoshi.supervision.choices import Action, Deadline, ItemState, Level, Source
from luoshi.supervision.models import ItemEvidence, ItemTransition, SupervisionItem
from luoshi.supervision.reminders import escalate_overdue
from luoshi.supervision.services import (
    EvidenceFile,
    SupervisionError,
    accept_item,
    close_item,
    create_item,
    escalate_item,
    feed_back,
    instruct,
    return_item,
    start_check,
)
from luoshi.supervision.status import deadline_status, overdue_days

from .conftest import DEADLINE, TODAY


def test_users_md_instruction_closed_after_the_office_checks_the_evidence(actors, task_b):
    item = instruct(actors["leader"], task_b, "请区发改局一周内拿出解决方案")
    assert item.source == Source.INSTRUCTION
    assert item.lead_unit.name == "县发改局"
    assert item.deadline == dt.date(2025, 5, 19)  # five working days after Monday 12 May
    assert item.task == task_b and item.part == task_b.part
    accept_item(actors["head_b"], item, "已签收")
    feed_back(actors["reporter_b"], item, "方案已报区政府", [EvidenceFile("解决方案.docx", b"PK docx")])
    start_check(actors["office"], item)
    item = close_item(actors["office"], item, "证据齐全")
    assert item.state == ItemState.CLOSED and item.closed_at is not None
    steps = list(item.transitions.values_list("action", "from_state", "to_state", "actor_name"))
    assert steps == [
        (Action.CREATE, "", ItemState.ASSIGNED, "leader"),
        (Action.ACCEPT, ItemState.ASSIGNED, ItemState.IN_PROGRESS, "head_b"),
        (Action.FEEDBACK, ItemState.IN_PROGRESS, ItemState.FED_BACK, "reporter_b"),
        (Action.CHECK, ItemState.FED_BACK, ItemState.VERIFYING, "office"),
        (Action.CLOSE, ItemState.VERIFYING, ItemState.CLOSED, "office"),
    ]
    feedback = item.transitions.get(action=Action.FEEDBACK)
    assert feedback.actor_unit == "县发改局" and feedback.reason == "方案已报区政府"
    assert [e.name for e in feedback.evidence.all()] == ["解决方案.docx"]


def test_instruction_on_a_report_goes_to_the_reporting_unit(actors, task_b):
    from luoshi.reporting.services import ReportData, save_draft

    report = save_draft(actors["reporter_b"], task_b, task_b.leads()[0], "2025-05-1", ReportData(progress=20))
    item = instruct(
        actors["leader"], report, "进度滞后，请说明原因", deadline=dt.date(2025, 5, 30), level=Level.KEY
    )
    assert (item.report, item.lead_unit, item.deadline, item.level) == (
        report,
        report.unit,
        dt.date(2025, 5, 30),
        Level.KEY,
    )


def test_instruction_on_an_item_links_it_and_keeps_its_lead(actors, make_item):
    parent = make_item()
    item = instruct(actors["coordinator"], parent, "加快进度")
    assert item.parent == parent and item.lead_unit == parent.lead_unit and item.part == parent.part


def test_reporter_cannot_instruct(actors, task_b):
    with pytest.raises(PermissionDenied):
        instruct(actors["reporter_a"], task_b, "请加快")
    assert not SupervisionItem.objects.exists()


def test_feedback_needs_what_was_done(actors, make_item):
    item = make_item(ItemState.IN_PROGRESS)
    with pytest.raises(SupervisionError, match="办理情况不能为空") as caught:
        feed_back(actors["reporter_b"], item, "  ")
    assert caught.value.field == "comment"
    item.refresh_from_db()
    assert item.state == ItemState.IN_PROGRESS


def test_close_needs_evidence_on_the_latest_feedback(actors, make_item):
    item = make_item(ItemState.IN_PROGRESS)
    feed_back(actors["reporter_b"], item, "已整改")
    start_check(actors["verifier"], item)
    with pytest.raises(SupervisionError, match="销号需要佐证材料") as caught:
        close_item(actors["verifier"], item)
    assert caught.value.field == "evidence"
    item = return_item(actors["verifier"], item, "请补充整改前后照片")
    assert item.state == ItemState.IN_PROGRESS
    feed_back(actors["reporter_b"], item, "补充照片", [EvidenceFile("照片.jpg", b"\xff\xd8jpeg")])
    start_check(actors["verifier"], item)
    assert close_item(actors["verifier"], item).state == ItemState.CLOSED


def test_return_needs_a_reason(actors, make_item):
    item = make_item(ItemState.VERIFYING)
    with pytest.raises(SupervisionError, match="退回原因不能为空"):
        return_item(actors["verifier"], item, "")


def test_bad_evidence_refused_and_nothing_written(actors, make_item):
    item = make_item(ItemState.IN_PROGRESS)
    rows = ItemTransition.objects.count()
    with pytest.raises(SupervisionError, match="类型不受支持"):
        feed_back(actors["reporter_b"], item, "已整改", [EvidenceFile("病毒.exe", b"MZ")])
    with pytest.raises(SupervisionError, match="空文件"):
        feed_back(actors["reporter_b"], item, "已整改", [EvidenceFile("空.pdf", b"")])
    assert ItemTransition.objects.count() == rows and not ItemEvidence.objects.filter(item=item).exists()


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        ({"content": " "}, "content", "督办内容不能为空"),
        ({"lead_unit": None}, "lead_unit", "请指定牵头单位"),
        ({"deadline": None}, "deadline", "请指定办理时限"),
        ({"deadline": dt.date(2025, 5, 1)}, "deadline", "早于今天"),
        ({"source": "rumour"}, "source", "来源“rumour”无效"),
        ({"level": "urgent"}, "level", "督办级别“urgent”无效"),
    ],
)
def test_create_refuses_bad_input(actors, task_b, unit_b, changes, field, message):
    fields = {
        "content": "问题",
        "lead_unit": unit_b,
        "deadline": DEADLINE,
        "source": Source.SPECIAL,
        **changes,
    }
    with pytest.raises(SupervisionError, match=message) as caught:
        create_item(actors["coordinator"], **fields)
    assert caught.value.field == field
    assert not SupervisionItem.objects.exists()


def test_reporter_cannot_create(actors, unit_b):
    with pytest.raises(PermissionDenied):
        create_item(
            actors["reporter_b"], content="问题", lead_unit=unit_b, deadline=DEADLINE, source=Source.PUBLIC
        )


def test_escalate_by_hand_up_to_listed(actors, make_item):
    item = make_item()
    item = escalate_item(actors["coordinator"], item, "群众反映强烈")
    item = escalate_item(actors["coordinator"], item, "仍未推进")
    assert item.level == Level.LISTED
    with pytest.raises(SupervisionError, match="已是挂牌督办"):
        escalate_item(actors["coordinator"], item, "再升")
    row = item.transitions.filter(action=Action.ESCALATE).last()
    assert (row.from_level, row.to_level, row.from_state, row.to_state) == (
        Level.KEY,
        Level.LISTED,
        ItemState.ASSIGNED,
        ItemState.ASSIGNED,
    )


def test_overdue_escalation_happens_once_per_deadline(actors, make_item):
    item = make_item()
    after = DEADLINE + dt.timedelta(days=3)
    assert escalate_overdue(actors["system"], item, DEADLINE) is False  # due today: not overdue
    assert escalate_overdue(actors["system"], item, after) is True
    item.refresh_from_db()
    assert item.level == Level.KEY and item.escalated_for == DEADLINE
    assert escalate_overdue(actors["system"], item, after) is False
    stale = SupervisionItem.objects.get(pk=item.pk)
    stale.level, stale.escalated_for = Level.NORMAL, None  # an old copy read before the first run
    assert escalate_overdue(actors["system"], stale, after) is False
    item.refresh_from_db()
    assert item.level == Level.KEY
    assert item.transitions.filter(action=Action.ESCALATE).count() == 1


def test_deadline_status_of_unsaved_items():
    def item(state, deadline):
        return SupervisionItem(state=state, deadline=deadline)

    assert deadline_status(item(ItemState.CLOSED, dt.date(2025, 5, 1)), TODAY) == Deadline.CLOSED
    assert deadline_status(item(ItemState.IN_PROGRESS, dt.date(2025, 5, 11)), TODAY) == Deadline.OVERDUE
    assert deadline_status(item(ItemState.IN_PROGRESS, dt.date(2025, 5, 15)), TODAY) == Deadline.DUE_SOON
    assert deadline_status(item(ItemState.ASSIGNED, dt.date(2025, 5, 16)), TODAY) == Deadline.ON_TIME
    assert overdue_days(item(ItemState.VERIFYING, dt.date(2025, 5, 2)), TODAY) == 10


def test_merging_units_moves_their_items(actors, make_item):
    town = Unit.objects.get(name="城关镇")
    item = make_item(lead_unit=town)
    keep = Unit.objects.create(name="城关镇人民政府")
    merge_units(keep, town)
    item.refresh_from_db()
    assert item.lead_unit == keep
