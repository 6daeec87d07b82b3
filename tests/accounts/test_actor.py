"""Who a user is: its role and unit looked up once, what it reads, the system actor."""

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import AnonymousUser

from luoshi.accounts.choices import Role
from luoshi.accounts.models import Profile
from luoshi.accounts.permissions import SYSTEM, Actor, actor_for, unit_of, users_of
from luoshi.plans.models import Unit

pytestmark = pytest.mark.django_db


def test_an_actor_carries_the_role_and_unit_of_the_profile(personas):
    actor = actor_for(personas["reporter_a"])
    assert actor.role == Role.REPORTER and unit_of(actor).name == "县工信局"
    assert actor.name == "reporter_a" and not actor.is_system


def test_the_profile_is_read_once_per_user(personas, django_assert_num_queries):
    user = personas["head_b"]
    actor_for(user)
    with django_assert_num_queries(0):
        assert actor_for(user).role == Role.HEAD


def test_readers_of_all_are_the_system_coordinator_leader_and_verifier(personas):
    readers = {name for name, user in personas.items() if actor_for(user).reads_all}
    assert readers == {"coordinator", "leader"}
    assert SYSTEM.reads_all and SYSTEM.is_system and SYSTEM.name == "系统"
    assert Actor(object(), Role.VERIFIER, None).reads_all
    assert not Actor(object(), Role.OFFICE, 1).reads_all


def test_only_reporters_and_heads_with_a_unit_work_in_a_unit(personas):
    in_unit = {name for name, user in personas.items() if actor_for(user).in_unit}
    assert in_unit == {"reporter_a", "head_a", "reporter_b", "head_b"}
    assert not Actor(object(), Role.REPORTER, None).in_unit


def test_anonymous_profileless_users_and_superusers_have_no_role(plan):
    assert actor_for(AnonymousUser()).role is None
    plain = get_user_model().objects.create_user("plain", password="Luoshi@2025x")
    assert actor_for(plain).role is None and not actor_for(plain).reads_all
    admin = get_user_model().objects.create_superuser("root", password="Luoshi@2025x")
    assert actor_for(admin).role is None  # the system administrator: users and settings only
    assert actor_for(None) is SYSTEM


def test_only_a_task_force_office_runs_campaigns(personas, django_assert_num_queries):
    office = actor_for(personas["office"])
    assert office.office_part_ids()
    with django_assert_num_queries(0):  # looked up once per actor
        assert office.office_part_ids() == office.office_part_ids()
    assert actor_for(personas["head_a"]).office_part_ids() == set()  # same unit, other role


def test_notices_go_to_active_users_of_the_unit_and_role(personas):
    unit_a = Unit.objects.get(name="县工信局")
    assert set(users_of([unit_a.pk], [Role.HEAD])) == {personas["head_a"]}
    personas["head_a"].is_active = False
    personas["head_a"].save()
    assert not users_of([unit_a.pk], [Role.HEAD]).exists()
    assert Profile.objects.filter(unit=unit_a).count() == 3
