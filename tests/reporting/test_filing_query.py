"""The filing path's task query is built once per process (``core.compiled``) and run
with each reporter's values: it must answer exactly what the query built afresh for that
reporter answers — the same task, role, schedule, stored period and current report, and
nothing (404) for a task of another unit or of an organisation the reporter does not
read, whichever reporter's values the statement was first built with."""

import pytest
from django.http import Http404

from luoshi.accounts.permissions import actor_for
from luoshi.plans.models import Task
from luoshi.reporting import services
from tests.web.helpers import PERIOD, TASK_A, draft

pytestmark = pytest.mark.django_db

PERIODS = (PERIOD, "2025-06-3", "2025-05-1")


def _fields(task) -> dict:
    values = {k: v for k, v in vars(task).items() if not k.startswith("_")}
    values.update(plan=vars(task.plan).copy(), part=vars(task.part).copy(), section=vars(task.section).copy())
    for related in ("plan", "part", "section"):
        values[related].pop("_state")
    return values


def _afresh(actor, pk, key):
    span = services._span_or_none(key)
    return next(iter(services._filing_query(actor, pk, span.cadence, span.key)), None)


def test_the_compiled_query_answers_each_reporter_as_the_query_built_for_it(personas, city_plan, today):
    draft(personas["reporter_a"], TASK_A, period=PERIOD)  # a current report to find
    tasks = list(Task.objects.order_by("pk"))
    assert {t.plan.organisation_id for t in tasks} == {
        city_plan.organisation_id,
        tasks[0].plan.organisation_id,
    }
    seen = 0
    for name in ("reporter_b", "reporter_a", "head_a", "head_b"):  # the first builds the statement
        actor = actor_for(personas[name])
        assert actor.in_unit and actor.org_path
        for task in tasks:
            for key in PERIODS:
                expected = _afresh(actor, task.pk, key)
                try:
                    found = services.task_for_filing(actor, task.pk, key)
                except Http404:
                    assert expected is None, (name, task, key)
                    continue
                seen += 1
                assert expected is not None, (name, task, key)
                assert _fields(found) == {
                    **_fields(expected),
                    "role_unit_id": actor.unit_id,
                    "period_read": key,
                }
    assert seen >= 12  # each reporter found its own unit's tasks
    prepared = list(services._FILING_QUERY._prepared.values())
    assert len(prepared) == 1 and prepared[0].ok  # one statement, run for every reporter


def test_a_current_report_is_found_for_its_own_unit_only(personas, today):
    report = draft(personas["reporter_a"], TASK_A, period=PERIOD)
    mine = services.task_for_filing(actor_for(personas["reporter_a"]), report.task_id, PERIOD)
    theirs = services.task_for_filing(actor_for(personas["reporter_b"]), report.task_id, PERIOD)  # cooperates
    assert mine.current_report_pk == report.pk and mine.unit_role == "lead"
    assert theirs.current_report_pk is None and theirs.unit_role == "cooperator"
    assert mine.period_pk == theirs.period_pk == report.period_id
