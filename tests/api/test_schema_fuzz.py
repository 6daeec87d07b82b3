"""Schemathesis against the API as served: every endpoint the schema lists (endpoints
added later are found the same way), called with a personal API token as a reporter and
as the coordinator, with generated input — no answer is a 500, and every answer is one
the schema declares (status, content type, body).

The run is bounded and repeatable: a few derandomized examples per endpoint, in-process
through Django's WSGI application, inside the test's transaction."""

import contextlib

import pytest
import schemathesis
from django.core import signals
from django.core.wsgi import get_wsgi_application
from django.db import close_old_connections
from hypothesis import HealthCheck, Phase, given, settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from luoshi.accounts.permissions import SYSTEM
from luoshi.accounts.services import create_token
from tests.web.helpers import TASK_A, approved, submitted, task

pytestmark = pytest.mark.django_db

EXAMPLES = 4  # per endpoint and persona: enough to reach the error paths, small enough to stay fast
CHECKS = [not_a_server_error, status_code_conformance, content_type_conformance, response_schema_conformance]
ROLES = ["reporter_a", "coordinator"]


@contextlib.contextmanager
def same_connection():
    """The WSGI handler closes the database connection after each request; in a test the
    connection holds the test's transaction, so keep it open (as Django's test client does)."""
    signals.request_started.disconnect(close_old_connections)
    signals.request_finished.disconnect(close_old_connections)
    try:
        yield
    finally:
        signals.request_started.connect(close_old_connections)
        signals.request_finished.connect(close_old_connections)


def known_ids(personas) -> dict[str, int]:
    """Ids of real objects, put in place of generated path parameters every other example
    so the endpoints' work (not only their 404) is exercised."""
    import datetime as dt

    from luoshi.plans.models import Target
    from luoshi.reporting.milestones import add_milestone

    report = approved(personas["reporter_a"], personas["head_a"])
    submitted(personas["reporter_b"], "附件1/一/(二)")
    t = task(TASK_A)
    milestone = add_milestone(SYSTEM, t, "完成摸底", dt.date(2025, 9, 30))
    target = Target.objects.filter(plan_id=t.plan_id).order_by("pk").first()
    return {
        "report_id": report.pk,
        "task_id": t.pk,
        "plan_id": t.plan_id,
        "milestone_id": milestone.pk,
        "target_id": target.pk,
    }


def operations(schema):
    for result in schema.get_all_operations():
        yield result.ok()


def fuzz(operation, headers, ids, failures):
    calls = {"n": 0}

    @given(case=operation.as_strategy())
    @settings(
        max_examples=EXAMPLES,
        derandomize=True,
        deadline=None,
        database=None,
        phases=[Phase.explicit, Phase.generate],
        suppress_health_check=list(HealthCheck),
    )
    def run(case):
        calls["n"] += 1
        if calls["n"] % 2 == 0:
            for name in list(case.path_parameters or {}):
                if name in ids:
                    case.path_parameters[name] = ids[name]
        try:
            case.call_and_validate(headers=headers, checks=CHECKS)
        except Exception as exc:  # noqa: BLE001 — collect every endpoint's failure, then report all
            failures.append(f"{operation.label}: {str(exc)[:1500]}")
            raise

    with contextlib.suppress(Exception):
        run()


def test_every_endpoint_keeps_to_its_schema_for_a_reporter_and_the_coordinator(personas, today):
    ids = known_ids(personas)
    app = get_wsgi_application()
    failures: list[str] = []
    with same_connection():
        labels = set()
        for role in ROLES:
            _, secret = create_token(SYSTEM, personas[role], name="schemathesis", scope="write", days=1)
            headers = {"Authorization": f"Bearer {secret}"}
            schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", app, headers=headers)
            for operation in operations(schema):
                labels.add(operation.label)
                fuzz(operation, headers, ids, failures)
    assert len(labels) >= 10  # the schema lists the API's endpoints, not an empty shell
    assert not failures, "\n\n".join(failures)
