"""Fixtures of the supervision tests: a fixed today, verifiers, every persona as an Actor,
and items brought to a given state through the services."""

import datetime as dt

import pytest

from luoshi.accounts.models import Profile
from luoshi.accounts.permissions import SYSTEM, actor_for
from luoshi.plans.models import Task, Unit
from luoshi.supervision.choices import ItemState, Source
from luoshi.supervision.services import (
    EvidenceFile,
    accept_item,
    close_item,
    create_item,
    feed_back,
    start_check,
)
from tests.clock import travel_to

TODAY = dt.date(2025, 5, 12)  # a Monday, a working day
DEADLINE = dt.date(2025, 5, 23)  # a Friday, two weeks on
EVIDENCE = EvidenceFile("整改报告.pdf", b"%PDF-1.4 evidence")


@pytest.fixture(autouse=True)
def today(db):
    travel_to(TODAY)
    return TODAY


@pytest.fixture
def people(personas):
    """The personas plus a verifier of a neutral unit and one of 县发改局 (unit B)."""
    from django.contrib.auth import get_user_model

    def make(username, role, unit_name=None):
        user = get_user_model().objects.create_user(username, password="Luoshi@2025x", first_name=username)
        unit = Unit.objects.get_or_create(name=unit_name)[0] if unit_name else None
        Profile.objects.create(user=user, role=role, unit=unit)
        return user

    return {
        **personas,
        "verifier": make("verifier", "verifier", "县督查室"),
        "verifier_b": make("verifier_b", "verifier", "县发改局"),
    }


@pytest.fixture
def actors(people):
    return {"system": SYSTEM, **{name: actor_for(user) for name, user in people.items()}}


@pytest.fixture
def task_b(plan):
    """附件1/一/(二): led by 县发改局, in the campaign whose office is 县工信局."""
    return Task.objects.get(plan=plan, section__sid="附件1/一/(二)")


@pytest.fixture
def unit_b(plan):
    return Unit.objects.get(name="县发改局")


@pytest.fixture
def make_item(actors, task_b, unit_b):
    """An item led by 县发改局 on task (二), brought to ``state`` through the services."""

    def make(state=ItemState.ASSIGNED, **changes):
        fields = {
            "content": "产业园区污水管网未按期建成",
            "lead_unit": unit_b,
            "deadline": DEADLINE,
            "source": Source.SPECIAL,
            "task": task_b,
            **changes,
        }
        item = create_item(actors["coordinator"], **fields)
        order = [
            ItemState.ASSIGNED,
            ItemState.IN_PROGRESS,
            ItemState.FED_BACK,
            ItemState.VERIFYING,
            ItemState.CLOSED,
        ]
        steps = order[1 : order.index(state) + 1]
        for step in steps:
            if step == ItemState.IN_PROGRESS:
                item = accept_item(actors["reporter_b"], item)
            elif step == ItemState.FED_BACK:
                item = feed_back(actors["reporter_b"], item, "管网已完工并通水", [EVIDENCE])
            elif step == ItemState.VERIFYING:
                item = start_check(actors["verifier"], item)
            else:
                item = close_item(actors["verifier"], item, "现场核查属实")
        return item

    return make
