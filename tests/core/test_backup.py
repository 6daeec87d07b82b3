"""``luoshi backup`` / ``luoshi restore``: a round trip gives back every row of every model,
on SQLite (online backup API) and on PostgreSQL (pg_dump / pg_restore, into a separate
database); a restore over data needs --yes."""

import io
import json
import os
import uuid

import pytest
from django.core.management import call_command
from django.db import connection

from luoshi.reporting.models import Report
from tests.conftest import ON_POSTGRES
from tests.web.helpers import TASK_B, approved, draft, submitted

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def restore_url(tmp_path):
    """An empty database to restore into: an SQLite file, or a new PostgreSQL database."""
    if not ON_POSTGRES:
        yield f"sqlite:///{tmp_path / 'restored.sqlite3'}"
        return
    import psycopg

    base = os.environ["LUOSHI_TEST_DATABASE_URL"]
    name = f"luoshi_limits_restore_{uuid.uuid4().hex[:8]}"
    with psycopg.connect(base, autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
    yield base.rsplit("/", 1)[0] + "/" + name
    with psycopg.connect(base, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def rows_of(text: str) -> list:
    """Every row of every model, in a stable order."""
    return sorted(json.loads(text), key=lambda row: (row["model"], json.dumps(row["pk"])))


def dump_here() -> list:
    out = io.StringIO()
    call_command("dumpdata", stdout=out)
    return rows_of(out.getvalue())


def some_work(personas):
    approved(personas["reporter_a"], personas["head_a"], problems="用地指标未落实")
    submitted(personas["reporter_b"], TASK_B, text="项目已开工")
    draft(personas["reporter_b"], text="配合摸底")


def test_round_trip_gives_back_every_row_of_every_model(personas, run_luoshi, restore_url, tmp_path):
    some_work(personas)
    before = dump_here()
    models = {row["model"] for row in before}
    assert {"plans.task", "reporting.report", "reporting.reporttransition", "auth.user"} <= models
    assert {"audit.auditentry", "accounts.profile"} & models
    path = tmp_path / "luoshi.backup"
    out = io.StringIO()
    call_command("backup", str(path), stdout=out)
    assert "备份到" in out.getvalue() and path.stat().st_size > 0

    result = run_luoshi("restore", str(path), database_url=restore_url)
    assert result.returncode == 0, result.stderr
    assert "已从" in result.stdout
    dumped = run_luoshi("dumpdata", database_url=restore_url)
    assert dumped.returncode == 0, dumped.stderr
    assert rows_of(dumped.stdout) == before
    assert run_luoshi("audit", "verify", database_url=restore_url).returncode == 0


def test_restore_over_data_needs_yes_and_then_replaces_it(personas, run_luoshi, restore_url, tmp_path):
    some_work(personas)
    path = tmp_path / "luoshi.backup"
    call_command("backup", str(path), stdout=io.StringIO())
    assert run_luoshi("restore", str(path), database_url=restore_url).returncode == 0
    # the restored database gets more work; a second restore must not silently undo it
    plan_json = tmp_path / "plan.json"
    from tests.plans.factories import make_plan

    plan = make_plan()
    plan["title"] = "另一份方案"
    plan_json.write_text(json.dumps(plan, ensure_ascii=False), encoding="utf-8")
    assert run_luoshi("import", str(plan_json), database_url=restore_url).returncode == 0
    refused = run_luoshi("restore", str(path), database_url=restore_url)
    assert refused.returncode == 1
    assert "覆盖当前数据库" in refused.stderr and "--yes" in refused.stderr
    assert "另一份方案" in run_luoshi("plans", database_url=restore_url).stdout
    again = run_luoshi("restore", str(path), "--yes", database_url=restore_url)
    assert again.returncode == 0, again.stderr
    assert "另一份方案" not in run_luoshi("plans", database_url=restore_url).stdout


def test_backup_does_not_overwrite_a_file_without_yes(personas, tmp_path):
    path = tmp_path / "old.backup"
    path.write_bytes(b"an older backup")
    with pytest.raises(Exception, match="已存在"):
        call_command("backup", str(path), stdout=io.StringIO())
    assert path.read_bytes() == b"an older backup"
    call_command("backup", str(path), "--yes", stdout=io.StringIO())
    assert path.read_bytes() != b"an older backup"


def test_restore_refuses_a_file_that_is_no_backup(run_luoshi, restore_url, tmp_path):
    path = tmp_path / "notes.txt"
    path.write_text("不是备份", encoding="utf-8")
    result = run_luoshi("restore", str(path), "--yes", database_url=restore_url)
    assert result.returncode == 1 and "不是 luoshi backup 生成的备份文件" in result.stderr


def test_a_backup_of_the_other_kind_of_database_is_refused(personas, run_luoshi, tmp_path):
    import sqlite3

    path = tmp_path / "other.backup"
    if ON_POSTGRES:
        sqlite3.connect(path).execute("create table t (x)").connection.close()
        message = "是 SQLite 的备份，而当前数据库是 PostgreSQL"
    else:
        path.write_bytes(b"PGDMP\x01\x0e\x00")
        message = "是 PostgreSQL 的备份，而当前数据库是 SQLite"
    with pytest.raises(Exception, match=message):
        call_command("restore", str(path), "--yes", stdout=io.StringIO())
    assert Report.objects.count() == 0 and connection.introspection.table_names()


@pytest.mark.skipif(not ON_POSTGRES, reason="pg_dump is PostgreSQL's")
def test_without_pg_dump_the_message_says_what_to_install(personas, run_luoshi, tmp_path):
    empty = tmp_path / "bin"
    empty.mkdir()
    url = os.environ["LUOSHI_TEST_DATABASE_URL"].rsplit("/", 1)[0] + "/" + connection.settings_dict["NAME"]
    result = run_luoshi("backup", str(tmp_path / "b.backup"), database_url=url, env={"PATH": str(empty)})
    assert result.returncode == 1
    assert "找不到 pg_dump" in result.stderr and "postgresql-client" in result.stderr
    assert not (tmp_path / "b.backup").exists()
