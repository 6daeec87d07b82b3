"""The luoshi command as a user runs it: a real subprocess against a real database."""

import json
import sqlite3

import pytest

from tests.conftest import ON_POSTGRES
from tests.plans.factories import make_plan


def test_help_lists_the_main_commands(run_luoshi):
    result = run_luoshi("--help")
    assert result.returncode == 0
    for command in ("demo", "serve", "parse", "import", "units", "export three-lists"):
        assert command in result.stdout


def test_unreachable_database_gives_a_message_not_a_traceback(run_luoshi):
    result = run_luoshi("plans", database_url="postgresql://postgres@127.0.0.1:9/nowhere")
    assert result.returncode == 1
    assert "无法连接数据库" in result.stderr and "LUOSHI_DATABASE_URL" in result.stderr
    assert "Traceback" not in result.stderr


@pytest.mark.skipif(ON_POSTGRES, reason="SQLite file locking")
def test_locked_sqlite_database_gives_a_message(run_luoshi, tmp_path):
    db = tmp_path / "locked.sqlite3"
    url = f"sqlite:///{db}"
    assert run_luoshi("migrate", database_url=url).returncode == 0
    plan = tmp_path / "plan.json"
    plan.write_text(json.dumps(make_plan(), ensure_ascii=False), encoding="utf-8")
    holder = sqlite3.connect(db, isolation_level=None)
    holder.execute("BEGIN EXCLUSIVE")  # another writer holds the database
    try:
        result = run_luoshi("import", str(plan), database_url=url, env={"LUOSHI_SQLITE_TIMEOUT": "1"})
    finally:
        holder.execute("ROLLBACK")
        holder.close()
    assert result.returncode == 1
    assert "数据库正被其他程序占用" in result.stderr and "Traceback" not in result.stderr
    assert run_luoshi("plans", database_url=url).stdout.strip() == "还没有导入任何方案。"
