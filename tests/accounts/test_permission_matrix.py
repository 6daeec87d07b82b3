"""Who may do what, as a matrix of roles × actions, read from the domains' predicates
(``<domain>/permissions.py``) and checked against what the services actually let through.

The personas (tests/conftest.py): reporter and head of 县工信局 (unit A) and of 县发改局
(unit B); the task-force office (县工信局 runs 附件1); the coordinator (县政务服务中心); a
leader. The report is unit A's on task (一) of 附件1; the plan asks for the head's
approval (the default policy)."""

import pytest
from django.core.exceptions import PermissionDenied
from django.db import transaction

from luoshi.accounts.permissions import SYSTEM, actor_for
from luoshi.bulletins.permissions import can_issue
from luoshi.plans.models import Plan
from luoshi.plans.permissions import can_export_lists, can_import_plan, can_manage_units
from luoshi.plans.services import import_plan
from luoshi.reporting import revisions, services
from luoshi.reporting.permissions import (
    can_accept,
    can_approve,
    can_return,
    can_revise,
    can_submit,
    review_actions,
)
from luoshi.reporting.policy import policy_for
from luoshi.reporting.services import ReportingError
from tests.clock import travel_to
from tests.plans.factories import make_plan
from tests.web.helpers import JULY_15, approved, draft, submitted

pytestmark = pytest.mark.django_db

PERSONAS = ["reporter_a", "reporter_b", "head_a", "head_b", "office", "coordinator", "leader"]

# action → the personas who may take it (everyone else may not)
MATRIX = {
    "submit": {"reporter_a", "head_a"},
    "approve": {"head_a", "coordinator"},
    "accept": {"office", "coordinator"},
    "return an approved report": {"office", "coordinator"},
    "return a submitted report": {"head_a"},
    "revise": {"reporter_a", "head_a"},
    "issue": {"office", "coordinator"},
    "export": {"office", "coordinator", "leader"},
    "import": {"coordinator"},
    "manage units": {"coordinator"},
    "close": {"office", "coordinator"},
}


@pytest.fixture
def actors(personas):
    travel_to(JULY_15)
    return {name: actor_for(personas[name]) for name in PERSONAS}


def allowed(actors, predicate) -> set[str]:
    return {name for name, actor in actors.items() if predicate(actor)}


class _Rollback(Exception):
    pass


def let_through(write) -> bool:
    """Whether the service does the write (rolled back afterwards) or refuses it."""
    try:
        with transaction.atomic():
            write()
            raise _Rollback
    except _Rollback:
        return True
    except (PermissionDenied, ReportingError):
        return False


def test_submit(actors, personas):
    report = draft(personas["reporter_a"])
    assert allowed(actors, lambda a: can_submit(a, report)) == MATRIX["submit"]
    assert (
        allowed(actors, lambda a: let_through(lambda: services.submit_report(a, report))) == MATRIX["submit"]
    )


def test_approve(actors, personas):
    report = submitted(personas["reporter_a"])
    assert allowed(actors, lambda a: can_approve(a, report)) == MATRIX["approve"]
    assert (
        allowed(actors, lambda a: let_through(lambda: services.approve_report(a, report)))
        == MATRIX["approve"]
    )
    assert allowed(actors, lambda a: "approve" in review_actions(a, report)) == MATRIX["approve"]


def test_accept(actors, personas):
    report = approved(personas["reporter_a"], personas["head_a"])
    assert allowed(actors, lambda a: can_accept(a, report)) == MATRIX["accept"]
    assert (
        allowed(actors, lambda a: let_through(lambda: services.accept_report(a, report))) == MATRIX["accept"]
    )
    assert allowed(actors, lambda a: "accept" in review_actions(a, report)) == MATRIX["accept"]


def test_return_an_approved_report(actors, personas):
    report = approved(personas["reporter_a"], personas["head_a"])
    expected = MATRIX["return an approved report"]
    assert allowed(actors, lambda a: can_return(a, report)) == expected
    assert (
        allowed(actors, lambda a: let_through(lambda: services.return_report(a, report, "请补充佐证")))
        == expected
    )
    assert allowed(actors, lambda a: "return" in review_actions(a, report)) == expected


def test_return_a_submitted_report(actors, personas):
    report = submitted(personas["reporter_a"])
    expected = MATRIX["return a submitted report"]
    assert allowed(actors, lambda a: can_return(a, report)) == expected
    assert (
        allowed(actors, lambda a: let_through(lambda: services.return_report(a, report, "请补充佐证")))
        == expected
    )


def test_revise(actors, personas):
    report = services.accept_report(SYSTEM, approved(personas["reporter_a"], personas["head_a"]))
    assert allowed(actors, lambda a: can_revise(a, report)) == MATRIX["revise"]
    revise = lambda a: let_through(lambda: revisions.revise_report(a, report, "更正数据"))  # noqa: E731
    assert allowed(actors, revise) == MATRIX["revise"]


def test_without_head_approval_the_office_and_coordinator_accept_a_submitted_report_directly(
    actors, personas, plan
):
    policy = policy_for(plan)
    policy.head_approval = False
    policy.save()
    report = submitted(personas["reporter_a"])
    assert allowed(actors, lambda a: can_accept(a, report)) == {"office", "coordinator"}
    # the coordinator is offered accept, not a needless approve step
    assert review_actions(actors["coordinator"], report) == ["accept", "return"]
    assert review_actions(actors["head_a"], report) == ["approve", "return"]


def test_nobody_acts_on_a_superseded_revision(actors, personas):
    from luoshi.reporting.revisions import revise_report
    from luoshi.reporting.services import accept_report

    report = accept_report(SYSTEM, approved(personas["reporter_a"], personas["head_a"]))
    revise_report(actors["reporter_a"], report, "更正数据")
    report.refresh_from_db()
    for predicate in (can_submit, can_approve, can_accept, can_return):
        assert allowed(actors, lambda a, p=predicate: p(a, report)) == set()


def test_issue(actors, plan):
    from luoshi.bulletins.services import create_bulletin

    bulletin = create_bulletin(SYSTEM, plan, "2025-06", "附件1")
    assert allowed(actors, lambda a: can_issue(a, bulletin)) == MATRIX["issue"]


def test_export(actors):
    assert allowed(actors, can_export_lists) == MATRIX["export"]


def test_import(actors, personas, plan):
    assert allowed(actors, can_import_plan) == MATRIX["import"]
    revised = make_plan(title="示范县2025年重点工作", date="2025-03-01")
    with pytest.raises(PermissionDenied, match="只有综合协调组办公室可以导入方案"):
        import_plan(actors["office"], revised)
    assert Plan.objects.count() == 1  # nothing written
    assert import_plan(actors["coordinator"], revised).plan is not None


def test_manage_units(actors, personas, plan):
    from luoshi.plans.models import Unit
    from luoshi.plans.registry import create_unit

    assert allowed(actors, can_manage_units) == MATRIX["manage units"]
    with pytest.raises(PermissionDenied, match="只有综合协调组办公室可以维护单位名录"):
        create_unit(actors["office"], "县数据局")
    assert not Unit.objects.filter(name="县数据局").exists()
    assert create_unit(actors["coordinator"], "县数据局").kind == "department"


def test_close(actors, personas, plan):
    from luoshi.plans.models import Task, Unit
    from luoshi.supervision.choices import Source
    from luoshi.supervision.permissions import can_close_item
    from luoshi.supervision.services import EvidenceFile, accept_item, create_item, feed_back, start_check

    item = create_item(
        actors["coordinator"],
        content="产业园区污水管网未按期建成",
        lead_unit=Unit.objects.get(name="县发改局"),
        deadline=JULY_15.replace(day=25),
        source=Source.SPECIAL,
        task=Task.objects.get(plan=plan, section__sid="附件1/一/(二)"),
    )
    assert allowed(actors, lambda a: can_close_item(a, item)) == set()  # not yet under check
    item = accept_item(actors["reporter_b"], item)
    item = feed_back(
        actors["reporter_b"], item, "管网已完工并通水", [EvidenceFile("整改报告.pdf", b"%PDF-1.4 x")]
    )
    item = start_check(actors["coordinator"], item)
    assert allowed(actors, lambda a: can_close_item(a, item)) == MATRIX["close"]


def test_every_action_of_the_matrix_is_tested():
    tested = {name[len("test_") :].replace("_", " ") for name in globals() if name.startswith("test_")}
    assert set(MATRIX) <= tested
