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
