"""In-app messages: every notice links to the page of what it is about, and telling the
campaign's offices costs the same queries however many office users there are."""

import pytest
from django.contrib.auth import get_user_model
from django.db import connection
from django.test.utils import CaptureQueriesContext

from luoshi.accounts.models import Profile
from luoshi.accounts.permissions import actor_for
from luoshi.plans.models import Unit
from luoshi.reporting.models import Message
from luoshi.reporting.services import approve_report, submit_report
from luoshi.supervision.services import accept_item, create_item, feed_back
from tests.clock import travel_to
from tests.supervision.conftest import EVIDENCE

from .helpers import MAY_9, report, task

ONE = "附件1/一/(一)"  # 县工信局 leads; its office runs 附件1


@pytest.fixture(autouse=True)
def may_9(plan):
    travel_to(MAY_9)


def office_user(name: str):
    user = get_user_model().objects.create_user(name, password="Luoshi@2025x")
    Profile.objects.create(user=user, role="office", unit=Unit.objects.get(name="县工信局"))
    return user


def approve_counting_queries(reporter, head, unit_name: str) -> int:
    submitted = submit_report(actor_for(reporter), report(ONE, unit_name, user=reporter))
    with CaptureQueriesContext(connection) as queries:
        approve_report(actor_for(head), submitted)
    return len(queries)


def test_report_notices_link_to_the_report(personas):
    submitted = submit_report(
        actor_for(personas["reporter_a"]), report(ONE, "县工信局", user=personas["reporter_a"])
    )
    approve_report(actor_for(personas["head_a"]), submitted)
    to_head = Message.objects.get(user=personas["head_a"], subject__startswith="待审核")
    to_office = Message.objects.get(user=personas["office"], subject__startswith="待审定")
    assert to_head.url == to_office.url == f"/reports/{submitted.pk}/"


def test_office_notice_costs_the_same_queries_for_one_office_user_or_many(personas):
    one = approve_counting_queries(personas["reporter_a"], personas["head_a"], "县工信局")
    extra = [office_user("office_2"), office_user("office_3")]
    three = approve_counting_queries(personas["reporter_b"], personas["head_b"], "县发改局")
    assert three == one
    told = Message.objects.filter(subject="待审定：县发改局2025年5月上旬报告").values_list(
        "user__username", flat=True
    )
    assert sorted(told) == sorted(["office", *(u.username for u in extra)])


def test_supervision_notices_link_to_the_item(personas):
    coordinator = actor_for(personas["coordinator"])
    item = create_item(
        coordinator,
        content="园区用地指标未落实",
        title="园区用地指标未落实",
        source="instruction",
        lead_unit=Unit.objects.get(name="县发改局"),
        deadline=MAY_9.replace(day=30),
        task=task("附件1/一/(二)"),
    )
    accept_item(actor_for(personas["reporter_b"]), item)
    feed_back(actor_for(personas["reporter_b"]), item, "已协调落实", [EVIDENCE])
    urls = set(Message.objects.filter(subject__contains=item.title).values_list("url", flat=True))
    assert urls == {f"/supervision/{item.pk}/"}
