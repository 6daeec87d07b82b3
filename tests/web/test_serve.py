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


def _live_children(pid: int) -> dict[int, list[bytes]]:
    """The server's child processes still running (a zombie not yet reaped, or a child
    forked and not yet started, is left out), each with its command line."""
    path = Path(f"/proc/{pid}/task/{pid}/children")
    children = {}
    for child in path.read_text().split() if path.exists() else []:
        try:
            argv = Path(f"/proc/{child}/cmdline").read_bytes().split(b"\0")
            state = Path(f"/proc/{child}/stat").read_text().rsplit(")", 1)[1].split()[0]
        except (OSError, IndexError):
            continue  # ended meanwhile
        if state not in ("Z", "X") and argv != [b""]:
            children[int(child)] = argv
    return children


def _is_runner(argv: list[bytes]) -> bool:
    return b"worker" in argv and b"--parent" in argv


def _wait_for(what: str, check, timeout: float = 60):
    """Wait (up to ``timeout`` s) for ``check()`` to give something true, and give it: the
    processes are counted once they are in the state the test expects, not after a sleep
    (a worker may answer while gunicorn forks the next, a runner be starting)."""
    deadline = time.monotonic() + timeout
    while True:
        value = check()
        if value:
            return value
        if time.monotonic() > deadline:
            raise AssertionError(f"waited {timeout} s for {what}; last: {value!r}")
        time.sleep(0.2)


def _children(pid: int, workers: int, runners: int = 0) -> dict[int, list[bytes]]:
    """The server's children once exactly ``workers`` web workers and ``runners`` job
    runners run (on a system without /proc: none)."""
    if not Path("/proc").exists():
        return {}

    def settled():
        children = _live_children(pid)
        found = sum(1 for argv in children.values() if _is_runner(argv))
        return children if (found, len(children) - found) == (runners, workers) else None

    return _wait_for(f"{workers} web workers and {runners} runners", settled)


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
        workers = set(_children(server.pid, workers=2))
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
        children = _children(server.pid, workers=1, runners=1)
        runners = [pid for pid, argv in children.items() if _is_runner(argv)]
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


QUEUE_ANOTHER = """
from django.contrib.auth import get_user_model
from luoshi.accounts.permissions import actor_for
from luoshi.jobs.services import queue_review
from luoshi.plans.models import Plan
user = get_user_model().objects.get(username="office")
print(queue_review(actor_for(user), Plan.objects.get(), "2025Q1", "xlsx").pk)
"""

AGE_A_JOB = """
import datetime as dt
from django.utils import timezone
from luoshi.jobs.models import Job
print(Job.objects.filter(pk={pk}).update(finished_at=timezone.now() - dt.timedelta(days=31)))
"""


def _shell(env, code: str, cwd) -> str:
    done = subprocess.run([LUOSHI, "shell", "-c", code], env=env, capture_output=True, text=True, cwd=cwd)
    assert done.returncode == 0, done.stderr[-2000:]
    return done.stdout.strip().splitlines()[-1]


def _until_finished(env, pk) -> str:
    def finished():
        state = _job_state(env, pk)
        return None if state.startswith(("queued", "running")) else state

    return _wait_for(f"job {pk} to finish", finished)


@pytest.mark.skipif(not Path("/proc").exists(), reason="finds the runner in /proc")
def test_a_runner_killed_outright_is_started_again_prunes_old_jobs_and_runs_the_next(
    tmp_path, fresh_database_url
):
    import json

    from tests.plans.factories import make_plan

    server, _port = _start(tmp_path, fresh_database_url, "--workers", "1", "--threads", "1")
    env = {k: v for k, v in os.environ.items() if not k.startswith("LUOSHI_")}
    env.update(LUOSHI_DATA_DIR=str(tmp_path / "data"), LUOSHI_DATABASE_URL=fresh_database_url)
    try:
        (first,) = [
            pid for pid, argv in _children(server.pid, workers=1, runners=1).items() if _is_runner(argv)
        ]
        (tmp_path / "plan.json").write_text(json.dumps(make_plan(), ensure_ascii=False), encoding="utf-8")
        old = int(_shell(env, QUEUE_A_REVIEW, tmp_path))
        assert _until_finished(env, old).startswith("done")
        folder = next((tmp_path / "data").rglob(f"jobs/*/{old}"))
        assert (folder / "result.docx").exists()
        assert _shell(env, AGE_A_JOB.format(pk=old), tmp_path) == "1"  # finished 31 days ago

        os.kill(first, signal.SIGKILL)  # as the OOM killer would
        children = _wait_for(
            "a new runner",
            lambda: (c := _children(server.pid, workers=1, runners=1)) and first not in c and c,
        )
        (second,) = [pid for pid, argv in children.items() if _is_runner(argv)]
        # the new runner prunes the jobs finished more than 30 days ago as it starts
        _wait_for("the old job pruned", lambda: not (folder / "result.docx").exists())
        assert not folder.exists()
        gone = subprocess.run(
            [LUOSHI, "shell", "-c", f"from luoshi.jobs.models import Job; print(Job.objects.filter(pk={old}).count())"],
            env=env, capture_output=True, text=True, check=True,
        )  # fmt: skip
        assert gone.stdout.strip().splitlines()[-1] == "0"

        new = int(_shell(env, QUEUE_ANOTHER, tmp_path))
        state = _until_finished(env, new)
        assert state.startswith("done") and state.endswith(".xlsx"), state
    finally:
        server.send_signal(signal.SIGTERM)
        code = server.wait(timeout=60)
    log = server.stderr.read().decode()
    assert code == 0, log[-2000:]
    assert f"后台任务进程 {first} 意外退出（被 SIGKILL 终止），1 秒后重新启动" in log, log[-2000:]
    assert f"后台任务进程已重新启动（进程 {second}，第 1 次）" in log
    assert not Path(f"/proc/{second}").exists() or "zombie" in Path(f"/proc/{second}/status").read_text()


def _restarts(monkeypatch, count: int) -> list[str]:
    """The lines a Runner writes while a runner that dies at once (its database address
    is nonsense) is started again ``count`` times."""
    import io

    from luoshi.web.management.commands.serve import Runner

    monkeypatch.setenv("LUOSHI_DATABASE_URL", "nonsense://nowhere")
    log = io.StringIO()
    runner = Runner(log=log)
    runner.start()
    try:
        _wait_for(f"{count} restarts", lambda: runner.tick() or runner.restarts >= count, timeout=120)
    finally:
        runner.stop()
    return [line.split("] ", 1)[1] for line in log.getvalue().splitlines()]


def test_a_runner_that_dies_at_once_is_started_again_after_1_2_4_seconds(monkeypatch):
    lines = _restarts(monkeypatch, 3)
    waits = [line for line in lines if "意外退出" in line]
    assert [w.split("，")[-1] for w in waits] == ["1 秒后重新启动", "2 秒后重新启动", "4 秒后重新启动"], lines
    assert all("（退出码 1）" in w for w in waits), lines
    assert lines[-1].startswith("后台任务进程已重新启动（进程 ") and lines[-1].endswith("第 3 次）")


def test_the_wait_starts_again_at_1_second_after_a_runner_that_ran_a_while(monkeypatch):
    from luoshi.web.management.commands import serve

    monkeypatch.setattr(serve, "HEALTHY_SECONDS", 0)  # every runner counts as having run a while
    lines = _restarts(monkeypatch, 2)
    assert [line.split("，")[-1] for line in lines if "意外退出" in line] == ["1 秒后重新启动"] * 2, lines


def test_the_wait_doubles_up_to_a_minute_and_starts_again_after_a_runner_that_ran_a_while():
    from luoshi.web.management.commands.serve import HEALTHY_SECONDS, next_backoff

    waits, wait = [], 0.0
    for _ in range(9):
        wait = next_backoff(wait, ran=0.5)
        waits.append(wait)
    assert waits == [1, 2, 4, 8, 16, 32, 60, 60, 60]
    assert next_backoff(60, ran=HEALTHY_SECONDS) == 1
