"""Report submissions under load: 1,000 reports from 50 signed-in clients within a minute
against ``luoshi serve`` on PostgreSQL, then the database counted; and the cost of one
submission in process.

    python bench/submissions.py [--url postgresql://postgres@127.0.0.1:5432/luoshi_serve_bench]
                                [--clients 50] [--reports 1000] [--seconds 60]
                                [--serve-args "--workers 2"] [--src DIR] [--in-process 100]

Drops and re-creates the database at ``--url`` (the benchmark's own; never point it at
anything else), migrates it and builds the data: a plan of ``--reports`` tasks, one unit
per client leading ``reports / clients`` of them, a reporter and a head in each unit, and
one signed-in session per reporter (made in the database, so no password hashing runs
during the measurement). Then starts ``luoshi serve --port P [serve-args]`` on 127.0.0.1
with today fixed at 15 July 2025, and the clients (threads, one keep-alive connection each,
``http.client``) submit through the API (``POST /api/v1/reports`` with ``submit``) at
evenly spaced moments: submission i is due at i × seconds / reports after the start, so
the load arrives as in the issue (1,000 within a minute) whatever the server does; each
client sends its next one when due or, if late, as soon as its previous one is answered;
when the server has closed the idle keep-alive connection (gunicorn does after 2 s) the
request is sent again on a new connection, as browsers do, and counted.
Latency is measured from sending to the answer (and, beside it, from the moment due).
The server is stopped with SIGTERM, and the database is counted: reports stored, reports
lost (answered 200 but not stored, or not answered 200), duplicates (two current reports
for one task, unit and period), transitions, messages.

``--in-process N`` then times N more submissions (the 6月下旬 reports of the same tasks,
the first of their period) through Django's test client in this process, as the page's
form posts them and as the API does, with their CPU time and query counts (transaction
control not counted).

``--src DIR`` runs an older checkout (its ``src``) for the comparison: the server and
the in-process part import Luoshi from there. Bars (printed one a line): 0 lost,
0 duplicated, p95 ≤ 200 ms; in process, median ≤ 15 ms and ≤ 12 queries per submission.
Exits 1 when one is missed. 127.0.0.1 only; bounded by ``--reports`` and a 5-minute cap.
"""

import argparse
import http.client
import json
import os
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from pathlib import Path

HERE = Path(__file__).resolve().parent
DEFAULT_URL = "postgresql://postgres@127.0.0.1:5432/luoshi_serve_bench"
SECRET = "luoshi-bench-only"
TODAY = "2025-07-15"
PERIOD = "2025-07-1"  # 2025年7月上旬, due on 14 July
IN_PROCESS_PERIOD = "2025-06-3"  # 2025年6月下旬
CSRF = "b" * 32  # a CSRF secret of the right form, sent as cookie and header
CAP_SECONDS = 300


def environment(url: str, data_dir: str, src: str | None) -> dict:
    env = {k: v for k, v in os.environ.items() if not k.startswith("LUOSHI_")}
    env.update(
        LUOSHI_DATABASE_URL=url, LUOSHI_DATA_DIR=data_dir, LUOSHI_SECRET_KEY=SECRET, LUOSHI_TODAY=TODAY
    )
    if src:
        env["PYTHONPATH"] = os.pathsep.join([str(Path(src).resolve()), env.get("PYTHONPATH", "")]).rstrip(
            os.pathsep
        )
    return env


def recreate_database(url: str) -> None:
    import psycopg

    base, name = url.rsplit("/", 1)
    if not name.startswith("luoshi_") or "bench" not in name:
        raise SystemExit(f"refusing to drop {name!r}: give the benchmark's own database (luoshi_…bench…)")
    with psycopg.connect(f"{base}/postgres", autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        conn.execute(f'CREATE DATABASE "{name}"')


def make_plan(tasks: int, units: int) -> dict:
    sections = [{"id": "一", "part": "正文", "parent": None, "number": "一", "title": "重点任务", "text": ""}]
    rows = []
    for i in range(1, tasks + 1):
        unit = f"基准{(i - 1) % units + 1:02d}局"
        sid = f"一/{i}"
        sections.append(
            {"id": sid, "part": "正文", "parent": "一", "number": str(i), "title": f"任务{i}",
             "text": f"任务{i}。({unit}牵头负责)"}
        )  # fmt: skip
        rows.append({"section": sid, "leads": [unit], "cooperators": [], "deadline": None})
    return {
        "schema": "luoshi.plan/1", "title": "基准测试：报告提交", "issuer": "", "doc_number": "",
        "date": "2025-03-01", "parts": [{"key": "正文", "title": "基准测试：报告提交"}],
        "sections": sections, "tasks": rows, "targets": [], "task_forces": [],
    }  # fmt: skip


def build(tasks: int, units: int, out: Path) -> None:
    """(In a process set up on the benchmark database.) Migrate, import the plan, make the
    users and their sessions; write who submits what to ``out``."""
    import django

    django.setup()
    from django.conf import settings
    from django.contrib.auth import get_user_model
    from django.contrib.auth.hashers import make_password
    from django.contrib.sessions.backends.db import SessionStore
    from django.core.management import call_command

    from luoshi.accounts.models import Profile
    from luoshi.accounts.permissions import SYSTEM
    from luoshi.plans.models import Task, Unit
    from luoshi.plans.services import import_plan

    call_command("migrate", verbosity=0)
    import_plan(SYSTEM, make_plan(tasks, units))
    password = make_password(uuid.uuid4().hex)  # nobody signs in with it
    clients = []
    for i in range(1, units + 1):
        unit = Unit.objects.get(name=f"基准{i:02d}局")
        for role in ("reporter", "head"):
            user = get_user_model().objects.create(username=f"{role}{i:02d}", password=password)
            Profile.objects.create(user=user, role=role, unit=unit)
            if role == "reporter":
                session = SessionStore()
                session["_auth_user_id"] = str(user.pk)
                session["_auth_user_backend"] = settings.AUTHENTICATION_BACKENDS[-1]  # the model backend
                session["_auth_user_hash"] = user.get_session_auth_hash()
                session.create()
                ids = list(
                    Task.objects.filter(task_units__unit=unit).order_by("pk").values_list("pk", flat=True)
                )
                clients.append({"user": user.username, "session": session.session_key, "tasks": ids})
    out.write_text(json.dumps(clients), encoding="utf-8")


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def wait_until_up(port: int, server: subprocess.Popen) -> None:
    for _ in range(600):
        if server.poll() is not None:
            raise SystemExit(f"luoshi serve exited: {server.communicate()[1][-2000:]}")
        try:
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=2)
            conn.request("GET", "/admin/login/")
            if conn.getresponse().status == 200:
                return
        except OSError:
            pass
        time.sleep(0.2)
    raise SystemExit("luoshi serve did not answer within 2 minutes")


def load(port: int | list[int], clients: list[dict], reports: int, seconds: float) -> list[dict]:
    """Every client's submissions at their due moments; one result per submission. With a
    list of ports (several servers) client c talks to ``port[c % len(port)]``."""
    schedule: list[list[tuple[float, int]]] = [[] for _ in clients]
    everything = [(c, task) for c, client in enumerate(clients) for task in client["tasks"]][:reports]
    # interleave the clients so that consecutive moments belong to different clients
    everything.sort(key=lambda pair: (clients[pair[0]]["tasks"].index(pair[1]), pair[0]))
    for i, (c, task) in enumerate(everything):
        schedule[c].append((i * seconds / reports, task))
    results: list[dict] = []
    lock = threading.Lock()
    start = time.perf_counter() + 1.0

    def run(c: int) -> None:
        client = clients[c]
        mine = port[c % len(port)] if isinstance(port, list) else port
        conn = http.client.HTTPConnection("127.0.0.1", mine, timeout=60)
        headers = {
            "Content-Type": "application/json",
            "Cookie": f"sessionid={client['session']}; csrftoken={CSRF}",
            "X-CSRFToken": CSRF,
        }
        for due, task in schedule[c]:
            delay = start + due - time.perf_counter()
            if delay > 0:
                time.sleep(delay)
            body = json.dumps(
                {
                    "task": task,
                    "period": PERIOD,
                    "progress": "50",
                    "progress_text": "按计划推进",
                    "submit": True,
                }
            )
            sent = time.perf_counter()
            retried = False
            for attempt in (1, 2):
                try:
                    conn.request("POST", "/api/v1/reports", body=body, headers=headers)
                    response = conn.getresponse()
                    payload = response.read()
                    status = response.status
                    break
                except (BrokenPipeError, ConnectionResetError, http.client.RemoteDisconnected) as exc:
                    # the server closed the idle keep-alive connection (gunicorn after 2 s):
                    # send again on a new one, as a browser does
                    status, payload = 0, str(exc).encode()
                    retried = True
                except (OSError, http.client.HTTPException) as exc:
                    status, payload = 0, str(exc).encode()
                    attempt = 2
                conn.close()
                conn = http.client.HTTPConnection("127.0.0.1", mine, timeout=60)
                if attempt == 2:
                    break
            done = time.perf_counter()
            with lock:
                results.append(
                    {"task": task, "status": status, "ms": (done - sent) * 1000, "retried": retried,
                     "from_due_ms": (done - start - due) * 1000, "error": payload[:200] if status != 200 else b""}
                )  # fmt: skip
        conn.close()

    threads = [threading.Thread(target=run, args=(c,), daemon=True) for c in range(len(clients))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=CAP_SECONDS)
    return results


def count(url: str) -> dict:
    import psycopg

    with psycopg.connect(url) as conn:
        one = lambda sql: conn.execute(sql).fetchone()[0]  # noqa: E731
        return {
            "stored": one(
                "SELECT count(*) FROM reporting_report r JOIN reporting_period p ON p.id = r.period_id "
                f"WHERE p.key = '{PERIOD}' AND r.is_current AND r.state = 'submitted'"
            ),
            "duplicated": one(
                "SELECT count(*) FROM (SELECT task_id, unit_id, period_id FROM reporting_report "
                "GROUP BY task_id, unit_id, period_id, revision HAVING count(*) > 1) d"
            ),
            "transitions_to_submitted": one(
                "SELECT count(*) FROM reporting_reporttransition WHERE to_state = 'submitted'"
            ),
            "messages": one("SELECT count(*) FROM reporting_message"),
            "audit_rows": one("SELECT count(*) FROM audit_auditlog"),
        }


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(share * (len(ordered) - 1))))]


def in_process(runs: int, clients: list[dict]) -> dict:
    """(In a process set up on the benchmark database.) Median milliseconds and queries of
    one submission through the form and through the API, in process."""
    import django

    django.setup()
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext, setup_test_environment

    setup_test_environment()
    control = ("BEGIN", "COMMIT", "ROLLBACK", "SAVEPOINT", "RELEASE SAVEPOINT")
    figures = {}
    half = runs // 2
    pairs = [(client, task) for index in range(max(len(c["tasks"]) for c in clients))
             for client in clients for task in client["tasks"][index:index + 1]]  # fmt: skip
    for kind, chosen in (("form", pairs[:half]), ("api", pairs[half:runs])):
        times, cpu, queries = [], [], []
        browsers = {}
        for client, task in chosen:
            browser = browsers.get(client["user"])
            if browser is None:
                browser = browsers[client["user"]] = Client()
                browser.cookies["sessionid"] = client["session"]
                browser.get("/")  # warm: the session's first touch is written once a minute
            with CaptureQueriesContext(connection) as captured:
                start, start_cpu = time.perf_counter(), time.process_time()
                if kind == "form":
                    response = browser.post(
                        f"/fill/{task}/{IN_PROCESS_PERIOD}/",
                        {"progress": "60", "progress_text": "按计划推进", "action": "submit"},
                    )
                    ok = response.status_code == 302
                else:
                    response = browser.post(
                        "/api/v1/reports",
                        json.dumps({"task": task, "period": IN_PROCESS_PERIOD, "progress": "60",
                                    "progress_text": "按计划推进", "submit": True}),
                        content_type="application/json",
                    )  # fmt: skip
                    ok = response.status_code == 200
                times.append((time.perf_counter() - start) * 1000)
                cpu.append((time.process_time() - start_cpu) * 1000)
            if not ok:
                raise SystemExit(
                    f"{kind} submission failed: {response.status_code} {response.content[:300]!r}"
                )
            queries.append(sum(1 for q in captured.captured_queries if not q["sql"].startswith(control)))
        figures[kind] = {
            "runs": len(times),
            "median_ms": round(statistics.median(times), 1),
            "p95_ms": round(percentile(times, 0.95), 1),
            "cpu_median_ms": round(statistics.median(cpu), 1),
            "queries": sorted(set(queries)),
        }
    return figures


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--url", default=DEFAULT_URL)
    parser.add_argument("--clients", type=int, default=50)
    parser.add_argument("--reports", type=int, default=1000)
    parser.add_argument("--seconds", type=float, default=60)
    parser.add_argument("--serve-args", default="", help='e.g. "--workers 2"')
    parser.add_argument("--src", help="the src folder of another checkout, for the comparison")
    parser.add_argument("--in-process", type=int, default=100, help="submissions timed in process (0: none)")
    parser.add_argument("--step", choices=["build", "in-process"], help=argparse.SUPPRESS)
    parser.add_argument("--clients-file", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.step == "build":
        build(args.reports, args.clients, Path(args.clients_file))
        return 0
    if args.step == "in-process":
        clients = json.loads(Path(args.clients_file).read_text(encoding="utf-8"))
        print(json.dumps(in_process(args.in_process, clients)))
        return 0
    if args.reports % args.clients:
        raise SystemExit("--reports must be a multiple of --clients")

    data_dir = tempfile.mkdtemp(prefix="luoshi-bench-")
    clients_file = Path(data_dir) / "clients.json"
    env = environment(args.url, data_dir, args.src)
    env["DJANGO_SETTINGS_MODULE"] = "luoshi.settings"
    recreate_database(args.url)
    started = time.perf_counter()
    subprocess.run(
        [sys.executable, __file__, "--step", "build", "--reports", str(args.reports), "--clients", str(args.clients),
         "--clients-file", str(clients_file)],
        env=env, check=True,
    )  # fmt: skip
    print(f"data built in {time.perf_counter() - started:.0f} s: {args.reports} tasks, {args.clients} units")
    clients = json.loads(clients_file.read_text(encoding="utf-8"))

    port = free_port()
    command = [sys.executable, "-c", "import sys; from luoshi.cli import main; sys.exit(main())", "serve",
               "--port", str(port), *args.serve_args.split()]  # fmt: skip
    server = subprocess.Popen(command, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        wait_until_up(port, server)
        started = time.perf_counter()
        results = load(port, clients, args.reports, args.seconds)
        elapsed = time.perf_counter() - started
    finally:
        server.send_signal(signal.SIGTERM)
        try:
            server.wait(timeout=60)
        except subprocess.TimeoutExpired:
            server.kill()
    counted = count(args.url)
    ok = [r for r in results if r["status"] == 200]
    times = [r["ms"] for r in ok] or [0.0]
    from_due = [r["from_due_ms"] for r in ok] or [0.0]
    figures = {
        "server": " ".join(["luoshi serve", *args.serve_args.split()]),
        "src": args.src or "this checkout",
        "sent": len(results),
        "answered_200": len(ok),
        "sent_again_on_a_new_connection": sum(1 for r in results if r["retried"]),
        "errors": sorted({f"{r['status']} {r['error'][:80]!r}" for r in results if r["status"] != 200})[:5],
        "elapsed_s": round(elapsed, 1),
        "p50_ms": round(statistics.median(times), 1),
        "p95_ms": round(percentile(times, 0.95), 1),
        "max_ms": round(max(times), 1),
        "p95_from_due_ms": round(percentile(from_due, 0.95), 1),
        **counted,
        "lost": args.reports - counted["stored"],
    }
    if args.in_process:
        answer = subprocess.run(
            [sys.executable, __file__, "--step", "in-process", "--in-process", str(args.in_process),
             "--clients-file", str(clients_file)],
            env=env, check=True, capture_output=True, text=True,
        )  # fmt: skip
        figures["in_process"] = json.loads(answer.stdout.strip().splitlines()[-1])
    print(json.dumps(figures, ensure_ascii=False, indent=1))
    bars = {
        "0 lost": figures["lost"] == 0,
        "0 duplicated": figures["duplicated"] == 0,
        f"p95 {figures['p95_ms']} ms ≤ 200 ms": figures["p95_ms"] <= 200,
    }
    for kind, measured in figures.get("in_process", {}).items():
        bars[f"{kind} in process: median {measured['median_ms']} ms ≤ 15 ms"] = measured["median_ms"] <= 15
        bars[f"{kind} in process: queries {measured['queries']} ≤ 12"] = max(measured["queries"]) <= 12
    for bar, met in bars.items():
        print(f"bar {bar}: {'met' if met else 'MISSED'}")
    print(f"load average after: {os.getloadavg()}")
    return 0 if all(bars.values()) else 1


if __name__ == "__main__":
    sys.exit(main())
