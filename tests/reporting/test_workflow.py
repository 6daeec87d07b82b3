"""A report's life: draft → submitted → approved → accepted or returned, and revisions;
who may do what, with the reason kept."""

import pytest
from django.core.exceptions import PermissionDenied

from luoshi.accounts.permissions import actor_for
from luoshi.reporting.choices import ReportState
from luoshi.reporting.models import Message, Report
from luoshi.reporting.policy import policy_for
from luoshi.reporting.revisions import revise_report
from luoshi.reporting.services import (
    ReportData,
    ReportingError,
    accept_report,
    add_evidence,
    approve_report,
    return_report,
    save_draft,
    submit_report,
)
from tests.clock import travel_to

from .helpers import MAY_9, report, task, unit

ONE = "附件1/一/(一)"  # 县工信局 leads; 县发改局, 城关镇 cooperate
TWO = "附件1/一/(二)"  # 县发改局 leads


@pytest.fixture(autouse=True)
def may_9(plan):
    travel_to(MAY_9)


def as_(user):
    return actor_for(user)


def test_full_loop_with_every_transition_kept(personas):
    r = report(ONE, "县工信局", user=personas["reporter_a"], problems="用地指标未落实")
    r = submit_report(as_(personas["reporter_a"]), r)
    assert r.state == ReportState.SUBMITTED and r.submitted_at is not None
    assert Message.objects.filter(user=personas["head_a"], subject__startswith="待审核").exists()
    r = approve_report(as_(personas["head_a"]), r)
    r = return_report(as_(personas["office"]), r, "进度数据与佐证不符")
    assert r.state == ReportState.RETURNED and r.return_reason == "进度数据与佐证不符"
    assert Message.objects.filter(
        user=personas["reporter_a"], subject__startswith="已退回", body="进度数据与佐证不符"
    ).exists()
    r = save_draft(
        as_(personas["reporter_a"]),
        r.task,
        r.unit,
        r.period,
        ReportData(progress="35", progress_text="已补充佐证"),
    )
    r = submit_report(as_(personas["reporter_a"]), r)
    r = approve_report(as_(personas["head_a"]), r)
    r = accept_report(as_(personas["office"]), r)
    assert r.state == ReportState.ACCEPTED and r.accepted_at
    history = [
        (t.from_state, t.to_state, t.actor.username if t.actor else None, t.reason)
        for t in r.transitions.all()
    ]
    assert history == [
        ("", "draft", "reporter_a", ""),
        ("draft", "submitted", "reporter_a", ""),
        ("submitted", "approved", "head_a", ""),
        ("approved", "returned", "office", "进度数据与佐证不符"),
        ("returned", "submitted", "reporter_a", ""),
        ("submitted", "approved", "head_a", ""),
        ("approved", "accepted", "office", ""),
    ]


def test_return_needs_a_reason(personas):
    r = submit_report(as_(personas["reporter_a"]), report(ONE, "县工信局", user=personas["reporter_a"]))
    with pytest.raises(ReportingError, match="退回时请写明原因"):
        return_report(as_(personas["head_a"]), r, "  ")


def test_without_head_approval_the_office_accepts_a_submitted_report(personas, plan):
    policy = policy_for(plan)
    policy.head_approval = False
    policy.save()
    r = submit_report(as_(personas["reporter_a"]), report(ONE, "县工信局", user=personas["reporter_a"]))
    assert accept_report(as_(personas["office"]), r).state == ReportState.ACCEPTED


def test_office_cannot_accept_before_the_head_approves(personas):
    r = submit_report(as_(personas["reporter_a"]), report(ONE, "县工信局", user=personas["reporter_a"]))
    with pytest.raises(ReportingError, match="需先经单位负责人审核"):
        accept_report(as_(personas["office"]), r)


def test_accepted_report_changes_only_through_a_revision(personas):
    r = report(ONE, "县工信局", user=personas["reporter_a"])
    r = accept_report(
        as_(personas["office"]),
        approve_report(as_(personas["head_a"]), submit_report(as_(personas["reporter_a"]), r)),
    )
    with pytest.raises(ReportingError, match="已审定，如需更改请先发起修订"):
        save_draft(
            as_(personas["reporter_a"]),
            r.task,
            r.unit,
            r.period,
            ReportData(progress="90", progress_text="x"),
        )
    with pytest.raises(ReportingError, match="不能重复提交"):
        submit_report(as_(personas["reporter_a"]), r)
    new = revise_report(as_(personas["reporter_a"]), r, "进度数字填错")
    assert new.revision == 2 and new.state == ReportState.DRAFT and new.progress == r.progress
    old = Report.objects.get(pk=r.pk)
    assert not old.is_current and old.state == ReportState.ACCEPTED and old.progress == r.progress
    assert new.transitions.get().reason.startswith("修订第1版：进度数字填错")


def test_cooperator_files_its_own_contribution_which_the_lead_sees(personas):
    contribution = report(
        ONE, "县发改局", progress=None, text="配合完成项目储备", user=personas["reporter_b"]
    )
    submit_report(as_(personas["reporter_b"]), contribution)
    lead_view = Report.objects.filter(task=task(ONE), period__key="2025-05-1").exclude(unit=unit("县工信局"))
    assert [(r.unit.name, r.progress_text, r.role) for r in lead_view] == [
        ("县发改局", "配合完成项目储备", "cooperator")
    ]


def test_one_report_per_task_unit_and_period(personas):
    first = report(ONE, "县工信局", user=personas["reporter_a"])
    again = report(ONE, "县工信局", progress="45", user=personas["reporter_a"])
    assert first.pk == again.pk and Report.objects.count() == 1


@pytest.mark.parametrize(
    ("progress", "message"),
    [("101", "完成进度应在 0 到 100 之间"), ("约80%", "不是数字"), ("-5", "完成进度应在 0 到 100 之间")],
)
def test_progress_out_of_range_is_refused_and_nothing_written(personas, progress, message):
    with pytest.raises(ReportingError, match=message):
        report(ONE, "县工信局", progress=progress, user=personas["reporter_a"])
    assert Report.objects.count() == 0


def test_target_values_are_checked_against_the_target_unit(personas):
    target = task(ONE).section.targets.get()  # 新增规模工业企业10家 (unit 家)
    with pytest.raises(ReportingError, match="应为整数"):
        report(ONE, "县工信局", user=personas["reporter_a"], target_values={target.pk: "3.5"})
    r = report(ONE, "县工信局", user=personas["reporter_a"], target_values={target.pk: "4"})
    assert r.target_values.get().value == 4


def test_report_for_a_task_the_unit_has_no_part_in_is_refused(personas):
    with pytest.raises(ReportingError, match="不是任务 附件1/一/\\(二\\) 的牵头或配合单位"):
        report(TWO, "县工信局", user=personas["reporter_a"])


def test_future_period_cannot_be_reported(personas):
    with pytest.raises(ReportingError, match="尚未开始"):
        report(ONE, "县工信局", period="2025-06-1", user=personas["reporter_a"])


def test_period_of_another_cadence_is_refused(personas):
    with pytest.raises(ReportingError, match="按旬调度"):
        report(ONE, "县工信局", period="2025-05", user=personas["reporter_a"])


def test_submit_needs_progress_and_text(personas):
    r = report(ONE, "县工信局", progress=None, text="", user=personas["reporter_a"])
    with pytest.raises(ReportingError, match="提交前请填写：完成进度、本期进展"):
        submit_report(as_(personas["reporter_a"]), r)


def test_evidence_is_kept_with_its_hash(personas):
    r = report(ONE, "县工信局", user=personas["reporter_a"])
    evidence = add_evidence(as_(personas["reporter_a"]), r, "现场照片.jpg", b"\xff\xd8jpeg")
    assert evidence.size == 6 and len(evidence.sha256) == 64 and evidence.file.read() == b"\xff\xd8jpeg"
    with pytest.raises(ReportingError, match="类型不受支持"):
        add_evidence(as_(personas["reporter_a"]), r, "run.exe", b"MZ")


# ---------------------------------------------------------------- who may do what

ACTIONS = ["draft", "submit", "approve", "return_head", "accept", "return_office"]
#                      draft  submit approve return_head accept return_office
ALLOWED = {
    "reporter_a":  {"draft", "submit"},
    "head_a":      {"draft", "submit", "approve", "return_head"},
    "reporter_b":  set(),
    "head_b":      set(),
    "office":      {"accept", "return_office"},
    "coordinator": {"approve", "accept", "return_office"},
    "leader":      set(),
}  # fmt: skip


def attempt(action, actor, personas):
    """Run one action on a report of 县工信局 made ready for it by the right people."""
    a = as_(personas["reporter_a"])
    r = report(ONE, "县工信局", user=personas["reporter_a"])
    if action == "draft":
        return save_draft(actor, r.task, r.unit, r.period, ReportData(progress="50", progress_text="x"))
    if action == "submit":
        return submit_report(actor, r)
    r = submit_report(a, r)
    if action == "approve":
        return approve_report(actor, r)
    if action == "return_head":
        return return_report(actor, r, "请补充")
    r = approve_report(as_(personas["head_a"]), r)
    if action == "accept":
        return accept_report(actor, r)
    return return_report(actor, r, "请补充")


@pytest.mark.parametrize("who", list(ALLOWED))
@pytest.mark.parametrize("action", ACTIONS)
def test_role_matrix(personas, who, action):
    actor = as_(personas[who])
    if action in ALLOWED[who]:
        attempt(action, actor, personas)
    else:
        with pytest.raises((PermissionDenied, ReportingError)):
            attempt(action, actor, personas)


@pytest.mark.parametrize("who", ["reporter_b", "head_b", "leader"])
def test_another_unit_or_a_reader_is_denied_not_just_refused(personas, who):
    with pytest.raises(PermissionDenied):
        attempt("submit" if who != "head_b" else "approve", as_(personas[who]), personas)
