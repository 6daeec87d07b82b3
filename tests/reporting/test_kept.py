"""The kept rows (``reporting.kept``) after any sequence of writes: equal to rows built
again from the reports, and the status and completeness read from them equal to the full
recomputation from the reports — through reports written, handed in, approved, returned,
accepted, revised and corrected, milestones added and done, plan revisions, a unit merge
and days going by. Hypothesis draws the sequences (bounded, derandomised)."""

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied
from django.core.management import CommandError, call_command
from django.db import transaction
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from luoshi.accounts.permissions import SYSTEM
from luoshi.core import clock
from luoshi.plans.merge import merge_units
from luoshi.plans.models import Plan, Task, Unit
from luoshi.plans.services import import_plan
from luoshi.plans.validation import PlanError
from luoshi.reporting import board, kept
from luoshi.reporting.choices import ReportState
from luoshi.reporting.engine import completeness, plan_status
from luoshi.reporting.milestones import add_milestone, complete_milestone
from luoshi.reporting.models import Milestone, Report, Standing
from luoshi.reporting.periods import span_containing
from luoshi.reporting.revisions import correct_report, revise_report
from luoshi.reporting.services import (
    ReportData,
    ReportingError,
    accept_report,
    approve_report,
    return_report,
    save_draft,
    submit_report,
)
from tests.clock import travel_to
from tests.plans.factories import BASE_PLAN, make_plan

from .helpers import MAY_9, accepted

SIDS = ["附件1/一/(一)", "附件1/一/(二)", "附件1/一/(三)"]
# plan revisions: a deadline moved, the lead of (二) changed, (一) left without a lead
REVISIONS = [
    {0: {"deadline": "2025-09-30"}},
    {1: {"leads": ["县住建(交通)局"], "cooperators": ["县发改局"]}},
    {0: {"leads": [], "cooperators": ["县工信局", "城关镇"]}},
    {2: {"deadline": "2025-12-31"}},
]

# a report written (and handed in, most often) by one of the task's units, for the period
# of today or one of the three before
drafts = st.tuples(
    st.just("draft"),
    st.integers(0, 2),
    st.integers(0, 3),
    st.integers(0, 3),
    st.sampled_from(["10", "35", "60", "100", ""]),
    st.sampled_from([True, True, False]),
)
workflow = st.tuples(
    st.sampled_from(["submit", "approve", "return", "accept", "revise", "correct"]), st.integers(0, 50)
)
steps = st.one_of(
    drafts,
    drafts,
    workflow,
    workflow,
    st.tuples(st.just("milestone"), st.integers(0, 2), st.integers(-20, 40)),
    st.tuples(st.just("milestone_done"), st.integers(0, 20)),
    st.tuples(st.just("revise_plan"), st.integers(0, len(REVISIONS) - 1)),
    st.tuples(st.just("merge")),
    st.tuples(st.just("days"), st.integers(1, 25)),
)


def latest_plan() -> Plan:
    return Plan.objects.order_by("-version").first()


def _task(plan: Plan, index: int) -> Task:
    return Task.objects.select_related("plan", "section", "part").get(plan=plan, section__sid=SIDS[index])


def _report(index: int) -> Report | None:
    reports = list(Report.objects.filter(is_current=True).order_by("pk"))
    return reports[index % len(reports)] if reports else None


def run(step, revisions: dict) -> None:
    plan = latest_plan()
    kind = step[0]
    if kind == "draft":
        _, task_index, unit_index, back, progress, hand_in = step
        task = _task(plan, task_index)
        units = list(
            Unit.objects.filter(task_roles__task=task).order_by("task_roles__role", "task_roles__order")
        )
        unit = units[unit_index % len(units)] if units else None
        span = span_containing("dekad", clock.today())
        for _ in range(back):
            span = span_containing("dekad", span.start - dt.timedelta(days=1))
        if unit:
            report = save_draft(
                SYSTEM,
                task,
                unit,
                span.key,
                ReportData(
                    progress=progress, progress_text="按计划推进", problems=f"问题{back}" if back else ""
                ),
            )
            if hand_in:
                submit_report(SYSTEM, report)
    elif kind in ("submit", "approve", "return", "accept", "revise", "correct"):
        report = _report(step[1])
        if report is None:
            return
        if kind == "submit":
            submit_report(SYSTEM, report)
        elif kind == "approve":
            approve_report(SYSTEM, report)
        elif kind == "return":
            return_report(SYSTEM, report, "数据有误")
        elif kind == "accept":
            accept_report(SYSTEM, report)
        elif kind == "revise":
            revise_report(SYSTEM, report, "补充佐证")
        else:
            correct_report(SYSTEM, report, reason="核减", progress="100" if report.progress != 100 else "90")
    elif kind == "milestone":
        add_milestone(SYSTEM, _task(plan, step[1]), "节点", clock.today() + dt.timedelta(days=step[2]))
    elif kind == "milestone_done":
        milestones = list(Milestone.objects.filter(done=False).order_by("pk"))
        if milestones:
            complete_milestone(SYSTEM, milestones[step[1] % len(milestones)])
    elif kind == "revise_plan":
        revisions.update(REVISIONS[step[1]])
        tasks = [dict(entry, **revisions.get(i, {})) for i, entry in enumerate(BASE_PLAN["tasks"])]
        import_plan(SYSTEM, make_plan(tasks=tasks))
    elif kind == "merge":
        keep, other = Unit.objects.filter(name="县发改局").first(), Unit.objects.filter(name="城关镇").first()
        if keep and other:
            merge_units(keep, other)
    else:
        travel_to(clock.today() + dt.timedelta(days=step[1]))


def kept_rows() -> dict:
    return {
        (row["task_id"], row["unit_id"]): {name: row[name] for name in kept.FIELDS}
        for row in Standing.objects.values("task_id", "unit_id", *kept.FIELDS)
    }


def rows_from_reports() -> dict:
    """What the kept rows should hold, worked out from every report again."""
    pairs: dict = {}
    counted = Report.objects.filter(is_current=True, submitted_at__isnull=False)
    for task_id, unit_id, *row in counted.values_list("task_id", "unit_id", *kept.REPORT_COLUMNS):
        pairs.setdefault((task_id, unit_id), []).append(row)
    return {pair: kept.facts(rows) for pair, rows in pairs.items()}


def status_json(plan, day, **kw):
    return [row.as_json() for row in plan_status(plan, day, **kw).rows]


def completeness_json(plan, key, day, **kw):
    span, due, rows = completeness(plan, key, day, **kw)
    return due, [row.as_json() for row in rows]


def check(plan: Plan) -> None:
    assert kept_rows() == rows_from_reports()
    today = clock.today()
    assert kept.answers_for_plan(plan, today)  # today is read from the kept rows
    for day in (today, today + dt.timedelta(days=12), today - dt.timedelta(days=9)):
        assert status_json(plan, day) == status_json(plan, day, full=True), day
    # the board's status, worked out again only for the tasks whose kept rows changed
    assert [row.as_json() for row in board.status_of(plan, today).rows] == status_json(plan, today, full=True)
    span = span_containing("dekad", today)
    for _ in range(4):
        assert completeness_json(plan, span.key, today) == completeness_json(plan, span.key, today, full=True)
        span = span_containing("dekad", span.start - dt.timedelta(days=1))


@pytest.fixture
def started(db):
    """The small test plan imported on 9 May (the board's data version takes the latest
    change of each table: time runs forward from here) and three 旬 accepted."""
    travel_to(MAY_9, hour=8)
    import_plan(SYSTEM, make_plan())
    travel_to(MAY_9)
    for key, progress in (("2025-04-1", "10"), ("2025-04-2", "20"), ("2025-04-3", "30")):
        accepted(SIDS[0], "县工信局", period=key, progress=progress)
        accepted(SIDS[1], "县发改局", period=key, progress=progress)


@pytest.mark.django_db
@settings(
    max_examples=20,
    derandomize=True,
    deadline=None,
    database=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(st.lists(steps, min_size=1, max_size=10))
def test_kept_rows_status_and_completeness_equal_a_full_recomputation(started, monkeypatch, sequence):
    monkeypatch.setattr(board, "SETTLE", dt.timedelta(0))  # only what changed since is read again
    board.clear_memo()
    with transaction.atomic():
        travel_to(MAY_9, hour=12)  # after the rows of ``started``: time runs forward
        revisions: dict = {}
        for step in sequence:
            try:
                with transaction.atomic():
                    run(step, revisions)
            except (ReportingError, PermissionDenied, PlanError):
                pass  # refused as a user would see it; nothing written
            check(latest_plan())
        transaction.set_rollback(True)


def test_rebuild_from_the_command_line_restores_rows_lost(started, capsys):
    expected = kept_rows()
    assert len(expected) == 2 and all(row["p3"] for row in expected.values())
    Standing.objects.all().delete()
    call_command("status", "--rebuild")
    assert "已重建全部方案的任务单位报送现状：2 条" in capsys.readouterr().out
    assert kept_rows() == expected
    Standing.objects.all().delete()
    call_command("status", "--rebuild", "--plan", str(latest_plan().pk))
    assert kept_rows() == expected


def test_rebuild_queued_for_a_worker_restores_rows_when_the_job_runs(started, capsys):
    from luoshi.core.jobs import run_queued

    expected = kept_rows()
    Standing.objects.all().delete()
    call_command("status", "--rebuild", "--queue", "--plan", str(latest_plan().pk))
    assert "放入后台任务队列，由 luoshi worker 执行" in capsys.readouterr().out
    assert kept_rows() == {}  # nothing yet: the job waits for a worker
    assert run_queued() == 1
    assert kept_rows() == expected
    with pytest.raises(CommandError, match="--queue 只能与 --rebuild 一起使用"):
        call_command("status", "--queue")


def test_an_accepted_report_at_100_is_done_today(started):
    report = accepted(SIDS[2], "县政务服务中心", period="2025-04-3", progress="100")
    assert report.state == ReportState.ACCEPTED
    plan = latest_plan()
    row = next(r for r in plan_status(plan, MAY_9).rows if r.sid == SIDS[2])
    assert row.status == "done"
    assert Standing.objects.get(task=report.task, unit=report.unit).done
