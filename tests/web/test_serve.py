"""luoshi serve as a user runs it: the production server answering on a free port, with
several worker processes, and stopping cleanly."""

import os
import signal
import socket
import subprocess
import sys
import threading
import time
import urllib.request
from pathlib import Path

import pytest

from tests.conftest import LUOSHI

pytestmark = pytest.mark.skipif(
    sys.platform == "win32", reason="gunicorn serves on Unix; waitress on Windows"
)


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _start(tmp_path, database_url, *args):
    env = {k: v for k, v in os.environ.items() if not k.startswith("LUOSHI_")}
    env.update(LUOSHI_DATA_DIR=str(tmp_path / "data"), LUOSHI_DATABASE_URL=database_url)
    subprocess.run([LUOSHI, "migrate"], env=env, check=True, capture_output=True)
    port = _free_port()
    server = subprocess.Popen(
        [LUOSHI, "serve", "--port", str(port), *args], env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE
    )
    for _ in range(150):
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=2) as response:
                if response.status == 200:
                    return server, port
        except OSError:
            time.sleep(0.2)
    server.kill()
    raise AssertionError(f"luoshi serve did not answer: {server.communicate(timeout=10)}")


def _children(pid: int, expected: int = 0) -> set[int]:
    """The server's child processes; with ``expected``, waits (up to 30 s) until that many
    have started: the first worker may answer before gunicorn has forked the second."""
    path = Path(f"/proc/{pid}/task/{pid}/children")
    for _ in range(150):
        children = {int(p) for p in path.read_text().split()} if path.exists() else set()
        if len(children) >= expected:
            break
        time.sleep(0.2)
    return children


def test_serve_answers_with_the_chinese_admin(tmp_path, fresh_database_url):
    server, port = _start(tmp_path, fresh_database_url)
    try:
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/admin/login/", timeout=5) as response:
            body = response.read().decode()
            server_header = response.headers.get("Server", "")
        assert "落实" in body and "用户名" in body
        assert server_header.startswith("gunicorn")  # the production server, not Django's runserver
        with urllib.request.urlopen(
            f"http://127.0.0.1:{port}/static/admin/css/base.css", timeout=5
        ) as response:
            assert response.status == 200
    finally:
        server.terminate()
        server.wait(timeout=40)


def test_serve_with_two_workers_answers_from_both_and_stops_cleanly(tmp_path, fresh_database_url):
    server, port = _start(tmp_path, fresh_database_url, "--workers", "2", "--threads", "1", "--no-jobs")
    try:
        workers = _children(server.pid, expected=2)
        if Path("/proc").exists():
            assert len(workers) == 2, workers
        # one thread per worker: requests in flight at once are spread over both processes
        answered: set[int] = set()

        def ask():
            for _ in range(10):
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=10) as response:
                    assert response.read() == b"ok"
                    answered.add(int(response.headers["X-Luoshi-Worker"]))

        for _ in range(5):
            threads = [threading.Thread(target=ask) for _ in range(8)]
            for thread in threads:
                thread.start()
            for thread in threads:
                thread.join()
            if len(answered) == 2:
                break
        assert len(answered) == 2, answered
        if workers:
            assert answered == workers
    finally:
        server.send_signal(signal.SIGTERM)  # as systemd stops it
        code = server.wait(timeout=40)
    assert code == 0, server.stderr.read().decode()[-2000:]
    for pid in workers:
        assert not Path(f"/proc/{pid}").exists() or "zombie" in Path(f"/proc/{pid}/status").read_text()


QUEUE_A_REVIEW = """
import json
from django.contrib.auth import get_user_model
from luoshi.accounts.models import Profile
from luoshi.accounts.permissions import SYSTEM, actor_for
from luoshi.jobs.services import queue_review
from luoshi.plans.services import import_plan
plan = import_plan(SYSTEM, json.load(open("plan.json", encoding="utf-8"))).plan
user = get_user_model().objects.create_user("office", password="Luoshi@2025x")
Profile.objects.create(user=user, role="coordinator", organisation=plan.organisation)
print(queue_review(actor_for(user), plan, "2025Q2", "docx").pk)
"""


def _job_state(env, pk) -> str:
    code = f"from luoshi.jobs.models import Job; j = Job.objects.get(pk={pk}); print(j.state, j.file.name, j.error)"
    done = subprocess.run([LUOSHI, "shell", "-c", code], env=env, capture_output=True, text=True, check=True)
    return done.stdout.strip().splitlines()[-1]


def test_serve_runs_the_jobs_the_pages_queue_in_a_runner_beside_the_web_workers(tmp_path, fresh_database_url):
    import json

    from tests.plans.factories import make_plan

    server, _port = _start(tmp_path, fresh_database_url, "--workers", "1", "--threads", "1")
    env = {k: v for k, v in os.environ.items() if not k.startswith("LUOSHI_")}
    env.update(LUOSHI_DATA_DIR=str(tmp_path / "data"), LUOSHI_DATABASE_URL=fresh_database_url)
    try:
        children = _children(server.pid, expected=2)
        if Path("/proc").exists():
            commands = {pid: Path(f"/proc/{pid}/cmdline").read_bytes().split(b"\0") for pid in children}
            runners = [pid for pid, argv in commands.items() if b"worker" in argv and b"--parent" in argv]
            assert len(runners) == 1, commands
        (tmp_path / "plan.json").write_text(json.dumps(make_plan(), ensure_ascii=False), encoding="utf-8")
        queued = subprocess.run(
            [LUOSHI, "shell", "-c", QUEUE_A_REVIEW], env=env, capture_output=True, text=True, cwd=tmp_path
        )
        assert queued.returncode == 0, queued.stderr[-2000:]
        pk = int(queued.stdout.strip().splitlines()[-1])
        for _ in range(60):
            state = _job_state(env, pk)
            if not state.startswith(("queued", "running")):
                break
            time.sleep(0.5)
        assert state.startswith("done") and state.endswith(".docx"), state
    finally:
        server.send_signal(signal.SIGTERM)
        code = server.wait(timeout=60)
    assert code == 0, server.stderr.read().decode()[-2000:]
    for pid in runners if Path("/proc").exists() else []:
        assert not Path(f"/proc/{pid}").exists() or "zombie" in Path(f"/proc/{pid}/status").read_text()
