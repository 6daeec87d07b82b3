"""The status engine gives, on the demo's year of reports, the rows a plain task-by-task
computation with the functions of ``status.py`` gives: the engine's shortcuts (reports
in a window, fallbacks, shared combinations, cached lights) change nothing."""

import datetime as dt

import pytest
from django.db.models import Q
from django.utils import timezone

from luoshi.accounts.permissions import SYSTEM
from luoshi.cli import main as luoshi
from luoshi.demo.play import play_year
from luoshi.demo.seed import load_demo_plan
from luoshi.plans.choices import TaskRole, UnitKind
from luoshi.plans.models import Plan, Task, TaskUnit
from luoshi.reporting.choices import ReportState
from luoshi.reporting.engine import PlanStatus, TaskRow, plan_status
from luoshi.reporting.milestones import add_milestone, complete_milestone
from luoshi.reporting.models import Report
from luoshi.reporting.policy import Schedule
from luoshi.reporting.revisions import revise_report
from luoshi.reporting.status import combined_progress, expected_progress, task_light
from tests.clock import travel_to

PLAYED_UNTIL = dt.date(2025, 7, 15)
AS_OF = [
    dt.date(2025, 4, 28),  # the day after the plan: nothing due yet
    dt.date(2025, 5, 12),  # a due day (5月上旬)
    dt.date(2025, 6, 3),
    PLAYED_UNTIL,
    dt.date(2025, 9, 1),  # the units stopped reporting in July
    dt.date(2026, 1, 10),  # past every deadline
]


def reference_rows(plan: Plan, as_of: dt.date) -> list[TaskRow]:
    """Each task on its own, straight from the models: who must report, each one's last
    report handed in by the date, and the light with its reason from ``status.task_light``."""
    schedule = Schedule.of(plan)
    moment = timezone.make_aware(dt.datetime.combine(as_of, dt.time.max))
    rows = []
    for task in Task.objects.filter(plan=plan).select_related("part", "section").order_by("section__order"):
        on_task = list(TaskUnit.objects.filter(task=task).select_related("unit").order_by("order", "id"))
        leads = [tu.unit for tu in on_task if tu.role == TaskRole.LEAD]
        cooperators = [tu.unit for tu in on_task if tu.role != TaskRole.LEAD]
        responsible = [unit for unit in leads or cooperators if unit.kind != UnitKind.GROUP]
        cadence = schedule.task_cadence(task)
        start, deadline = schedule.start(task.start), schedule.deadline(task.deadline)
        span = schedule.latest_due_span(cadence, start, deadline, as_of)
        handed_in = Report.objects.filter(
            task=task, is_current=True, submitted_at__lte=moment, period__start__lte=as_of
        )
        facts = [
            report
            for unit in responsible
            if (report := handed_in.filter(unit=unit).order_by("-period__end", "period__start").first())
        ]
        missing = [
            unit.name
            for unit in responsible
            if span and not handed_in.filter(unit=unit, period__cadence=span.cadence, period__key=span.key)
        ]
        done = (
            bool(responsible)
            and len(facts) == len(responsible)
            and all(
                r.progress == 100 and r.state == ReportState.ACCEPTED and r.accepted_at <= moment
                for r in facts
            )
        )
        late = task.milestones.filter(due_date__lt=as_of).filter(Q(done=False) | Q(done_on__gt=as_of))
        overdue = late.count()
        first = late.order_by("due_date", "order", "pk").first()
        expected = expected_progress(start, deadline, as_of)
        progress = combined_progress([r.progress for r in facts])
        light = task_light(
            progress=progress,
            expected=expected,
            deadline=deadline,
            as_of=as_of,
            done_accepted=done,
            missing_due_report=bool(missing),
            anything_due=span is not None,
            overdue_milestones=overdue,
            first_overdue=(first.title, first.due_date) if first else None,
            due_label=span.label if span else "",
            thresholds=schedule.thresholds,
        )
        rows.append(
            TaskRow(
                task_id=task.pk,
                sid=task.section.sid,
                title=task.title,
                part_key=task.part.key,
                part_title=task.part.title,
                leads=tuple(unit.name for unit in leads),
                cooperators=tuple(unit.name for unit in cooperators),
                cadence=cadence,
                start=start,
                deadline=deadline,
                expected=expected,
                progress=progress,
                status=light.status,
                latest_period=span.key if span else None,
                missing_units=tuple(missing),
                problems="；".join(dict.fromkeys(r.problems for r in facts if r.problems)),
                overdue_milestones=overdue,
                reason=light.reason,
            )
        )
    return rows


@pytest.fixture
def demo_year(db):
    """The demo plan and its year of reports, with what the demo lacks: a campaign reported
    monthly, a task switched to weekly after it was reported on, tasks with no lead (every
    unit answers), milestones done, late and pending, and a report under revision."""
    plan = load_demo_plan().plan
    keys = list(plan.parts.order_by("order").values_list("key", flat=True))
    assert luoshi(["schedule", "--campaign", keys[1], "--cadence", "month"]) == 0
    tasks = list(Task.objects.filter(plan=plan).order_by("section__order"))
    for task in tasks[5:9]:
        TaskUnit.objects.filter(task=task, role=TaskRole.LEAD).delete()
    play_year(plan, PLAYED_UNTIL)
    travel_to(PLAYED_UNTIL)  # what follows happens on the demo's today, as in luoshi demo
    assert luoshi(["schedule", "--task", tasks[0].section.sid, "--cadence", "week"]) == 0
    for task in tasks[10:14]:
        add_milestone(SYSTEM, task, "完成选址", dt.date(2025, 5, 30))
        later = add_milestone(SYSTEM, task, "开工建设", dt.date(2025, 8, 30))
        complete_milestone(SYSTEM, task.milestones.get(title="完成选址"), dt.date(2025, 6, 20))
        if task.pk % 2:
            complete_milestone(SYSTEM, later, dt.date(2025, 7, 1))
    accepted = Report.objects.filter(task__plan=plan, state=ReportState.ACCEPTED).order_by("pk")
    for report in accepted[:3]:
        revise_report(SYSTEM, report, "数据有误")
    return plan


def test_the_engine_gives_the_rows_of_a_task_by_task_computation(demo_year):
    plan = demo_year
    units = set(TaskUnit.objects.filter(task__plan=plan).values_list("unit__kind", flat=True))
    assert UnitKind.GROUP in units  # the demo has group phrases that report nothing
    seen = set()
    for as_of in AS_OF:
        result = plan_status(plan, as_of)
        expected = reference_rows(plan, as_of)
        # repr tells Decimal("40") from Decimal("40.0")
        assert [repr(row) for row in result.rows] == [repr(row) for row in expected], as_of
        assert result.rollup() == PlanStatus(plan, as_of, expected).rollup()
        seen |= {row.status for row in result.rows}
    assert len(seen) == 6  # every light shows up on some date


def test_filters_and_period_pick_from_the_same_rows(demo_year):
    plan = demo_year
    rows = plan_status(plan, PLAYED_UNTIL).rows
    key = plan.parts.order_by("order").values_list("key", flat=True)[1]
    by_campaign = plan_status(plan, PLAYED_UNTIL, campaign=key).rows
    assert by_campaign and [repr(r) for r in by_campaign] == [repr(r) for r in rows if r.part_key == key]
    unit = rows[7].cooperators[0]
    by_unit = plan_status(plan, PLAYED_UNTIL, unit=unit).rows
    on_it = [r for r in rows if unit in r.leads or unit in r.cooperators]
    assert by_unit and [repr(r) for r in by_unit] == [repr(r) for r in on_it]
    as_of_period = plan_status(plan, dt.date(2025, 12, 31), period="2025-06-2")
    assert [repr(r) for r in as_of_period.rows] == [
        repr(r) for r in reference_rows(plan, dt.date(2025, 6, 20))
    ]
