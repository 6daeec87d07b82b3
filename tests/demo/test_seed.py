"""The demo's users: the coordinator works without being a superuser; a separate system
administrator manages users and settings and has no role in the work."""

import pytest

from luoshi.accounts.permissions import actor_for
from luoshi.demo.seed import create_demo_users

pytestmark = pytest.mark.django_db


def test_the_coordinator_is_no_superuser_and_the_system_administrator_has_no_role(plan, django_user_model):
    users = {u.username: u for u in create_demo_users(plan)}
    assert users["admin"].role == "系统管理员"
    admin = django_user_model.objects.get(username="admin")
    coordinator = django_user_model.objects.get(username="zhb")
    assert admin.is_superuser and actor_for(admin).role is None
    assert not coordinator.is_superuser and coordinator.is_staff
    assert actor_for(coordinator).role == "coordinator"
    # in the admin the coordinator sees reports and keeps the unit registry, nothing more
    assert coordinator.has_perm("reporting.view_report") and coordinator.has_perm("plans.change_unit")
    assert not coordinator.has_perm("reporting.change_report") and not coordinator.has_perm(
        "auth.change_user"
    )


def test_the_demo_users_sign_in_straight_away(plan, client):
    """The demo's passwords are published for trying it out: nobody is asked to change one."""
    from luoshi.accounts.models import Profile
    from luoshi.demo.seed import DEMO_PASSWORD

    create_demo_users(plan)
    assert not Profile.objects.filter(must_change_password=True).exists()
    assert client.post("/login/", {"username": "zhb", "password": DEMO_PASSWORD}).status_code == 302
    assert client.get("/").status_code == 200
