"""Shared fixtures: which database the suite runs on, and fresh databases for commands
run as real subprocesses."""

import os
import subprocess
import sys
import uuid
from pathlib import Path

import pytest
from django.conf import settings

ON_POSTGRES = settings.DATABASES["default"]["ENGINE"].startswith("django.db.backends.postgresql")
LUOSHI = str(Path(sys.executable).with_name("luoshi"))


@pytest.fixture(autouse=True)
def _real_time_after_each_test():
    """A test that fixed today with ``tests.clock.travel_to`` gets the real time back, and
    the next test starts with no status remembered from this one's (rolled back) data."""
    from luoshi.reporting import board
    from tests.clock import back_to_now

    yield
    back_to_now()
    board.clear_memo()


@pytest.fixture
def fresh_database_url(tmp_path):
    """A URL of an empty database of the kind the suite runs on, for subprocesses."""
    if not ON_POSTGRES:
        yield f"sqlite:///{tmp_path / 'fresh.sqlite3'}"
        return
    import psycopg

    base = os.environ["LUOSHI_TEST_DATABASE_URL"]
    name = f"luoshi_fresh_{uuid.uuid4().hex[:10]}"
    with psycopg.connect(base, autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
    yield base.rsplit("/", 1)[0] + "/" + name
    with psycopg.connect(base, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@pytest.fixture
def run_luoshi(tmp_path):
    """Run the installed ``luoshi`` console script in a subprocess and return the result."""

    def run(*args, database_url=None, env=None, timeout=120, cwd=None):
        environment = {k: v for k, v in os.environ.items() if not k.startswith("LUOSHI_")}
        environment["LUOSHI_DATA_DIR"] = str(tmp_path / "data")
        environment["LUOSHI_SECRET_KEY"] = "luoshi-tests-only"
        if database_url:
            environment["LUOSHI_DATABASE_URL"] = database_url
        environment.update(env or {})
        return subprocess.run(
            [LUOSHI, *args],
            capture_output=True,
            text=True,
            env=environment,
            timeout=timeout,
            cwd=cwd or tmp_path,
            stdin=subprocess.DEVNULL,
        )

    return run


# ---------------------------------------------------------------- personas


@pytest.fixture
def plan(db):
    """The small test plan (tests/plans/factories.py) imported: 附件1 has three tasks;
    县工信局 leads (一) and is the task force's office; 县发改局 leads (二) and cooperates
    on (一); 县政务服务中心 leads (三)."""
    from luoshi.accounts.permissions import SYSTEM
    from luoshi.plans.services import import_plan
    from tests.plans.factories import make_plan

    return import_plan(SYSTEM, make_plan()).plan


@pytest.fixture
def personas(plan):
    """Users of every role: reporter and head of 县工信局 (unit A) and 县发改局 (unit B),
    the task-force office (县工信局 runs 附件1), the coordinator and a leader."""
    from django.contrib.auth import get_user_model

    from luoshi.accounts.models import Profile
    from luoshi.plans.models import Unit

    def make(username, role, unit_name=None):
        user = get_user_model().objects.create_user(username, password="Luoshi@2025x", first_name=username)
        unit = Unit.objects.get(name=unit_name) if unit_name else None
        Profile.objects.create(user=user, role=role, unit=unit)
        return user

    return {
        "reporter_a": make("reporter_a", "reporter", "县工信局"),
        "head_a": make("head_a", "head", "县工信局"),
        "reporter_b": make("reporter_b", "reporter", "县发改局"),
        "head_b": make("head_b", "head", "县发改局"),
        "office": make("office", "office", "县工信局"),
        "coordinator": make("coordinator", "coordinator", "县政务服务中心"),
        "leader": make("leader", "leader"),
    }


@pytest.fixture
def city_plan(plan, personas):
    """The test plan's organisation put under a city (示范市) whose own plan
    (tests/plans/factories.make_city_plan) the county's is aligned to (对标); the city has a
    coordinator of its own (``city_coordinator``, read-only below)."""
    from django.contrib.auth import get_user_model

    from luoshi.accounts.models import Profile
    from luoshi.accounts.permissions import SYSTEM
    from luoshi.plans.choices import OrgLevel
    from luoshi.plans.models import Organisation
    from luoshi.plans.services import import_plan
    from tests.plans.factories import make_city_plan

    county = plan.organisation
    city = Organisation.objects.create(name="示范市", level=OrgLevel.CITY)
    county.parent = city
    county.save()
    upper = import_plan(SYSTEM, make_city_plan()).plan
    if upper.organisation_id != city.pk:  # made before the county was moved under the city
        upper.organisation = city
        upper.save(update_fields=["organisation"])
    user = get_user_model().objects.create_user("city_coordinator", password="Luoshi@2025x")
    Profile.objects.create(user=user, role="coordinator", organisation=city)
    personas["city_coordinator"] = user
    plan.refresh_from_db()
    return upper
