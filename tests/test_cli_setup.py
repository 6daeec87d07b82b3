"""A command run where no database has been set up says so in Chinese, names the command
that sets it up, exits 1, and leaves no ``./var`` behind."""

import os
import sqlite3
import subprocess

from tests.conftest import LUOSHI


def run_bare(*args, cwd, env=None):
    """``luoshi`` with none of the LUOSHI_* settings, as in a new folder."""
    environment = {k: v for k, v in os.environ.items() if not k.startswith("LUOSHI_")}
    environment.update(env or {})
    return subprocess.run(
        [LUOSHI, *args], capture_output=True, text=True, env=environment, cwd=cwd, timeout=120
    )


def test_a_read_only_command_in_an_empty_folder_asks_for_migrate_and_creates_nothing(tmp_path):
    for command in (["units"], ["plans"], ["status", "--json"]):
        result = run_bare(*command, cwd=tmp_path)
        assert result.returncode == 1
        assert "还没有建立数据库" in result.stderr and "luoshi migrate" in result.stderr
        assert f"luoshi {command[0]}" in result.stderr and "Traceback" not in result.stderr
        assert list(tmp_path.iterdir()) == []  # no ./var


def test_an_empty_database_asks_for_migrate_then_migrate_sets_it_up(run_luoshi, fresh_database_url):
    result = run_luoshi("units", database_url=fresh_database_url)
    assert result.returncode == 1
    assert "还没有建立数据库" in result.stderr and "luoshi migrate" in result.stderr
    assert run_luoshi("migrate", database_url=fresh_database_url).returncode == 0
    result = run_luoshi("units", database_url=fresh_database_url)
    assert result.returncode == 0, result.stderr


def test_an_sqlite_file_without_tables_asks_for_migrate(run_luoshi, tmp_path):
    path = tmp_path / "empty.sqlite3"
    sqlite3.connect(path).close()
    result = run_luoshi("plans", database_url=f"sqlite:///{path}")
    assert result.returncode == 1 and f"还没有建立数据库（{path}）" in result.stderr


def test_help_and_parse_need_no_database(tmp_path):
    assert run_bare("--help", cwd=tmp_path).returncode == 0
    text = tmp_path / "plan.txt"
    text.write_text("某县实施方案\n一、工作任务\n（一）推进工作。（牵头单位：县工信局）\n", encoding="utf-8")
    assert run_bare("parse", str(text), cwd=tmp_path).returncode == 0
    assert sorted(p.name for p in tmp_path.iterdir()) == ["plan.txt"]
