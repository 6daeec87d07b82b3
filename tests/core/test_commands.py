"""The luoshi command as a user runs it: a real subprocess against a real database."""

import json
import socket
import sqlite3
import time
import urllib.request

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


def test_demo_twice_leaves_one_copy_of_everything(run_luoshi, fresh_database_url):
    first = run_luoshi("demo", "--no-serve", database_url=fresh_database_url, timeout=300)
    assert first.returncode == 0, first.stderr
    assert "演示用户" in first.stdout and "Luoshi@2025" in first.stdout
    assert "西管办发〔2025〕5号" in first.stdout
    assert "admin      系统管理员" in first.stdout  # users and settings; the coordinator is no superuser
    verified = run_luoshi("audit", "verify", database_url=fresh_database_url)
    assert verified.returncode == 0 and "审计日志完整" in verified.stdout, verified.stderr
    counts = run_luoshi("units", "--json", database_url=fresh_database_url).stdout
    status = json.loads(run_luoshi("status", "--json", database_url=fresh_database_url).stdout)
    # the demo's today is mid-July 2025 and every light has tasks under it
    assert status["as_of"] == "2025-07-15"
    lights = status["summary"]["counts"]
    assert all(lights[light] > 0 for light in ("on_track", "lagging", "serious", "done", "not_reported")), (
        lights
    )
    second = run_luoshi("demo", "--no-serve", database_url=fresh_database_url, timeout=300)
    assert second.returncode == 0, second.stderr
    assert "已存在，未重复导入" in second.stdout and "往期报告已存在" in second.stdout
    assert run_luoshi("units", "--json", database_url=fresh_database_url).stdout == counts
    again = json.loads(run_luoshi("status", "--json", database_url=fresh_database_url).stdout)
    assert again["summary"] == status["summary"]
    items = run_luoshi("supervise", "list", database_url=fresh_database_url).stdout
    assert items.count("\n") == 4 and "共 3 项" in items  # one copy of each demo item
    plans = run_luoshi("plans", database_url=fresh_database_url).stdout
    assert plans.count("第1版") == 1 and "第2版" not in plans


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def test_serve_answers_with_the_chinese_admin(tmp_path, fresh_database_url):
    import os
    import subprocess

    from tests.conftest import LUOSHI

    env = {k: v for k, v in os.environ.items() if not k.startswith("LUOSHI_")}
    env.update(LUOSHI_DATA_DIR=str(tmp_path / "data"), LUOSHI_DATABASE_URL=fresh_database_url)
    subprocess.run([LUOSHI, "migrate"], env=env, check=True, capture_output=True)
    port = _free_port()
    server = subprocess.Popen(
        [LUOSHI, "serve", "--port", str(port)], env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE
    )
    try:
        body = ""
        for _ in range(100):
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/admin/login/", timeout=2) as response:
                    body = response.read().decode()
                    server_header = response.headers.get("Server", "")
                break
            except OSError:
                time.sleep(0.2)
        assert "落实" in body and "用户名" in body
        assert server_header == "luoshi"  # waitress with our ident, not Django's runserver (WSGIServer)
        with urllib.request.urlopen(
            f"http://127.0.0.1:{port}/static/admin/css/base.css", timeout=2
        ) as response:
            assert response.status == 200
    finally:
        server.terminate()
        server.wait(timeout=10)
