"""The plan's structure kept per process (``engine/plan.py``): today's status reads it
once, and any change to the plan, its tasks, units or schedule shows on the next call."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from luoshi.accounts.permissions import SYSTEM
from luoshi.plans.choices import TaskRole
from luoshi.plans.models import TaskUnit
from luoshi.plans.services import import_plan
from luoshi.reporting.engine import plan as engine_plan
from luoshi.reporting.engine import plan_status
from luoshi.reporting.models import ReportingPolicy
from tests.clock import travel_to
from tests.plans.factories import make_plan

from .helpers import MAY_9, accepted, task, unit

SID = "附件1/一/(一)"  # 县工信局 leads


@pytest.fixture
def plan(db):
    travel_to(MAY_9, hour=8)
    result = import_plan(SYSTEM, make_plan())
    travel_to(MAY_9)
    accepted(SID, "县工信局", period="2025-04-3", progress="30")
    engine_plan.forget()
    return result.plan


def row(plan, sid=SID):
    return next(r for r in plan_status(plan, MAY_9).rows if r.sid == sid)


def test_a_second_call_reads_the_kept_rows_not_the_tasks(plan):
    first = [r.as_json() for r in plan_status(plan, MAY_9).rows]
    with CaptureQueriesContext(connection) as queries:
        again = [r.as_json() for r in plan_status(plan, MAY_9).rows]
    assert again == first
    fingerprint = '(SELECT MAX(id) FROM "reporting_period")'  # counts the task units, reads none
    read = " ".join(q["sql"] for q in queries.captured_queries if fingerprint not in q["sql"])
    assert 'FROM "plans_taskunit"' not in read
    # the policy, the fingerprint, the lower parts' links, whether the kept rows answer for
    # the day, the periods, the kept rows, the milestones
    assert len(queries.captured_queries) <= 7, "\n".join(q["sql"][:120] for q in queries.captured_queries)


def test_a_renamed_unit_shows_at_once(plan):
    assert row(plan).leads == ("县工信局",)
    travel_to(MAY_9, hour=13)
    lead = unit("县工信局")
    lead.name = "县工业和信息化局"
    lead.save()
    assert row(plan).leads == ("县工业和信息化局",)


def test_a_unit_added_to_a_task_answers_for_it_at_once(plan):
    assert row(plan).status != "not_reported"
    travel_to(MAY_9, hour=13)
    TaskUnit.objects.create(task=task(SID), unit=unit("县政务服务中心"), role=TaskRole.LEAD, order=5)
    assert row(plan).leads == ("县工信局", "县政务服务中心")
    assert row(plan).missing_units == ("县政务服务中心",)  # it has handed in nothing
    assert row(plan).status == "not_reported"


def test_a_new_cadence_changes_what_is_due_at_once(plan):
    assert row(plan).latest_period == "2025-04-3" and row(plan).status != "not_reported"
    travel_to(MAY_9, hour=13)
    policy = ReportingPolicy.objects.get(series=plan.series)
    policy.cadence = "month"
    policy.save()
    assert row(plan).latest_period == "2025-04"
    assert row(plan).status == "not_reported"  # nothing handed in for April as a month
