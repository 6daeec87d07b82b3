"""The clock: the real date unless one is fixed, read once per process, never a query."""

import datetime as dt
import json

from luoshi.core import clock
from tests.clock import at, travel_to
from tests.plans.factories import make_plan

JUNE_2 = dt.date(2025, 6, 2)


def test_with_nothing_fixed_today_is_the_date_in_shanghai_and_asks_no_database(db, django_assert_num_queries):
    assert clock.fixed_today() is None
    travel_to(JUNE_2, hour=7)  # 23:00 UTC the day before
    with django_assert_num_queries(0):
        assert clock.today() == JUNE_2
        assert clock.now().date() == JUNE_2 and clock.now().hour == 7


def test_a_frozen_moment_inside_the_block_only():
    travel_to(JUNE_2)
    moment = at(dt.date(2025, 5, 9), 16, 30)
    with clock.frozen(moment):
        assert clock.today() == dt.date(2025, 5, 9) and clock.now() == moment
    assert clock.today() == JUNE_2


def _plan_file(tmp_path):
    path = tmp_path / "plan.json"
    path.write_text(json.dumps(make_plan(), ensure_ascii=False), encoding="utf-8")
    return str(path)


def test_luoshi_today_is_the_date_every_command_counts_as_of(run_luoshi, fresh_database_url, tmp_path):
    assert run_luoshi("migrate", database_url=fresh_database_url).returncode == 0
    assert run_luoshi("import", _plan_file(tmp_path), database_url=fresh_database_url).returncode == 0
    result = run_luoshi(
        "status", "--json", database_url=fresh_database_url, env={"LUOSHI_TODAY": "2025-06-02"}
    )
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout)["as_of"] == "2025-06-02"


def test_a_bad_luoshi_today_is_one_chinese_line(run_luoshi, fresh_database_url):
    result = run_luoshi("plans", database_url=fresh_database_url, env={"LUOSHI_TODAY": "2025-13-01"})
    assert result.returncode == 1
    assert "LUOSHI_TODAY" in result.stderr and "YYYY-MM-DD" in result.stderr
    assert "Traceback" not in result.stderr


def test_a_round_one_demo_database_keeps_its_date_after_the_upgrade(run_luoshi, fresh_database_url, tmp_path):
    """Round one kept the demo's today in the core_setting table; the upgrade moves it
    to the data directory, where every later process reads it once."""
    assert run_luoshi("migrate", "core", "0001", database_url=fresh_database_url).returncode == 0
    insert = (
        "from django.db import connection\n"
        'connection.cursor().execute("INSERT INTO core_setting (key, value, created_at, updated_at) '
        "VALUES ('today', '2025-07-15', CURRENT_TIMESTAMP, CURRENT_TIMESTAMP)\")"
    )
    assert run_luoshi("shell", "-c", insert, database_url=fresh_database_url).returncode == 0
    migrated = run_luoshi("migrate", database_url=fresh_database_url)
    assert migrated.returncode == 0, migrated.stderr
    assert (tmp_path / "data" / "today").read_text(encoding="utf-8") == "2025-07-15"
    assert run_luoshi("import", _plan_file(tmp_path), database_url=fresh_database_url).returncode == 0
    status = json.loads(run_luoshi("status", "--json", database_url=fresh_database_url).stdout)
    assert status["as_of"] == "2025-07-15"
