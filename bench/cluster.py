"""Several servers and workers against one PostgreSQL: two ``luoshi serve`` processes
(different ports) and two ``luoshi worker`` processes take 1,000 report submissions and a
day of reminders while one worker is killed with kill -9 midway; then every submission
and every notice is counted at its destination.

    python bench/cluster.py [--url postgresql://postgres@127.0.0.1:5432/luoshi_jobs_cluster_bench]
                            [--clients 50] [--reports 1000] [--seconds 60] [--sink-delay 0.2]
                            [--kill-after 20] [--kill-when sending|claimed]

Drops and re-creates the database at ``--url`` (the benchmark's own), builds the data of
``bench/submissions.py`` (a plan of ``--reports`` tasks, one unit per client, a reporter
and a head per unit, signed-in sessions) and gives every unit and user a mailbox and every
unit a group robot. The destinations are real servers in this process: an SMTP server
(aiosmtpd) counting mails by ``Message-ID`` and a group-robot HTTP server counting posts by
``X-Luoshi-Delivery``, each answering after ``--sink-delay`` seconds, so workers spend
their time in the middle of sends, where a kill hurts.

The clients submit through the API as in ``bench/submissions.py``, half of them to each
server. Meanwhile the reminder scheduler plays the reminders of the days around the
submitted period's due date (2025年7月上旬, due Friday 11 July): the day before (10 July
09:00), the due day (11 July 09:00), the next working day (Monday 14 July 09:00: overdue,
the unit heads, the office) and 17:00 that day (nothing new: all sent already). Reports
are stamped 15 July, so at these moments every unit is still pending; the kinds recorded
are printed. Each moment is scheduled twice at once
(``luoshi tick --enqueue-only --as-of …``, as two machines' cron would), right after the
load starts. Once ``--kill-after`` mails have arrived, worker A is killed with SIGKILL the
moment it holds a delivery marked sending (``--kill-when sending``, the default: the
message may be at the other side, the case that used to be sent twice) or any claim
(``--kill-when claimed``); worker B carries on, and scheduler passes every few seconds (as
cron or a worker's scheduler thread would) take up what A had claimed before sending, and
put in doubt what it was sending, once stale (``LUOSHI_DELIVERY_CLAIM_SECONDS``, 10 s
here). The run ends when no delivery is open.

Printed: submissions stored/lost/duplicated; notices recorded, and per channel the
deliveries the database says were sent against what arrived: lost (never arrived and not
in doubt: sent per the database but never arrived, or never sent), duplicated (arrived
more than once), and in doubt (待核实: the worker died while the delivery was marked
sending, or the answer was lost; never resent by itself, left to the office) with how
many of those did arrive and how many did not (waiting for a person, not lost silently);
what worker A held when killed; wall and CPU time. Bars: 0 lost and 0 duplicated
everywhere; exits 1 on any duplicate or any notice lost without being in doubt.
"""

import argparse
import asyncio
import email
import email.policy
import json
import os
import resource
import signal
import subprocess
import sys
import tempfile
import threading
import time
from collections import Counter
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

import submissions as sub  # noqa: E402

DEFAULT_URL = "postgresql://postgres@127.0.0.1:5432/luoshi_jobs_cluster_bench"
MOMENTS = ["2025-07-10T09:00", "2025-07-11T09:00", "2025-07-14T09:00", "2025-07-14T17:00"]
CLAIM_SECONDS = 10
LUOSHI = [sys.executable, "-c", "import sys; from luoshi.cli import main; sys.exit(main())"]


# ---------------------------------------------------------------- the destinations


class MailSink:
    """A real SMTP server on 127.0.0.1 counting each mail by its Message-ID."""

    def __init__(self, delay: float):
        from aiosmtpd.controller import Controller

        self.delay = delay
        self.received: Counter = Counter()
        self.lock = threading.Lock()
        self.port = sub.free_port()
        self.controller = Controller(self, hostname="127.0.0.1", port=self.port)

    async def handle_DATA(self, server, session, envelope):  # noqa: N802 (aiosmtpd's hook name)
        if self.delay:
            await asyncio.sleep(self.delay)
        message = email.message_from_bytes(envelope.content, policy=email.policy.default)
        with self.lock:
            self.received[str(message["Message-ID"])] += 1
        return "250 OK"

    def total(self) -> int:
        with self.lock:
            return sum(self.received.values())


class RobotSink:
    """A group robot on 127.0.0.1 counting posts by their X-Luoshi-Delivery header."""

    def __init__(self, delay: float):
        self.received: Counter = Counter()
        self.lock = threading.Lock()
        sink = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):  # noqa: N802 (http.server's hook name)
                self.rfile.read(int(self.headers.get("Content-Length") or 0))
                if delay:
                    time.sleep(delay)
                with sink.lock:
                    sink.received[self.headers.get("X-Luoshi-Delivery", "?")] += 1
                body = b'{"errcode": 0, "errmsg": "ok"}'
                self.send_response(200)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        threading.Thread(target=self.server.serve_forever, daemon=True).start()
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/cgi-bin/webhook/send"


# ---------------------------------------------------------------- data


def build(tasks: int, units: int, out: Path, robot: str) -> None:
    """(In a process set up on the benchmark database.) The submissions' data, and a
    mailbox for every unit and user and a group robot for every unit."""
    sub.build(tasks, units, out)
    from django.contrib.auth import get_user_model

    from luoshi.plans.models import Unit

    for n, unit in enumerate(Unit.objects.order_by("pk"), start=1):
        unit.email = f"unit{n}@bench.example.gov.cn"
        unit.webhook_url = f"{robot}?key=unit{n}"
        unit.save()
    for user in get_user_model().objects.all():
        user.email = f"{user.username}@bench.example.gov.cn"
        user.save()


def luoshi(env: dict, *args: str) -> subprocess.CompletedProcess:
    return subprocess.run([*LUOSHI, *args], env=env, capture_output=True, text=True, timeout=300)


def schedule_moment(env: dict, moment: str) -> list[dict]:
    """Two schedulers at once for one moment of the day; their JSON summaries."""
    command = [*LUOSHI, "tick", "--enqueue-only", "--as-of", moment, "--json"]
    runs = [
        subprocess.Popen(command, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        for _ in range(2)
    ]
    outputs = [run.communicate(timeout=300) for run in runs]
    for run, (_out, err) in zip(runs, outputs, strict=True):
        if run.returncode:
            raise SystemExit(f"luoshi tick failed: {err[-2000:]}")
    return [json.loads(out.strip().splitlines()[-1]) for out, _err in outputs]


def open_deliveries(url: str) -> int:
    import psycopg

    with psycopg.connect(url) as conn:
        return conn.execute(
            "SELECT count(*) FROM reporting_reminderdelivery "
            "WHERE state IN ('pending', 'claimed', 'sending', 'retry')"
        ).fetchone()[0]


def held_by(url: str, pid: int, conn=None, states: tuple[str, ...] = ("claimed", "sending")) -> int:
    """How many deliveries worker ``pid`` holds in ``states`` (claimed, or being sent)."""
    import psycopg

    sql = (
        "SELECT count(*) FROM reporting_reminderdelivery "
        f"WHERE state IN ({', '.join(repr(s) for s in states)}) AND claimed_by LIKE %s"
    )
    if conn is not None:
        return conn.execute(sql, [f"worker@%:{pid}"]).fetchone()[0]
    with psycopg.connect(url) as own:
        return own.execute(sql, [f"worker@%:{pid}"]).fetchone()[0]


def held_states(url: str, pid: int) -> dict:
    """The deliveries worker ``pid`` left, by channel and state (``claimed``: killed before
    the message could leave, retried once stale; ``sending``: it may have left, in doubt)."""
    import psycopg

    with psycopg.connect(url) as conn:
        rows = conn.execute(
            "SELECT channel, state, count(*) FROM reporting_reminderdelivery "
            "WHERE state IN ('claimed', 'sending') AND claimed_by LIKE %s GROUP BY channel, state",
            [f"worker@%:{pid}"],
        ).fetchall()
    return {f"{channel}:{state}": n for channel, state, n in rows}


def notices(url: str, mail: MailSink, robot: RobotSink) -> dict:
    """What the database says was sent, against what arrived."""
    import psycopg

    with psycopg.connect(url) as conn:
        recorded = conn.execute("SELECT count(*) FROM reporting_reminder").fetchone()[0]
        keys = conn.execute(
            "SELECT count(*) FROM (SELECT key FROM reporting_reminder GROUP BY key HAVING count(*) > 1) d"
        ).fetchone()[0]
        states = dict(
            conn.execute("SELECT state, count(*) FROM reporting_reminder GROUP BY state").fetchall()
        )
        rows = conn.execute(
            "SELECT d.id, d.channel, d.state, d.attempts, d.target, r.subject, r.body, r.url "
            "FROM reporting_reminderdelivery d JOIN reporting_reminder r ON r.id = d.reminder_id"
        ).fetchall()
        messages = Counter(
            conn.execute(
                "SELECT m.subject, m.body, m.url FROM reporting_message m "
                "WHERE m.url IN (SELECT DISTINCT url FROM reporting_reminder)"
            ).fetchall()
        )
    mails = {}
    for message_id, times in mail.received.items():
        pk = message_id.strip("<>").split("@")[0].rsplit(".", 1)[-1]
        mails[int(pk)] = mails.get(int(pk), 0) + times
    posts = {int(k): v for k, v in robot.received.items() if k.isdigit()}
    figures: dict = {"recorded": recorded, "keys_recorded_twice": keys, "states": states}
    inapp_expected: Counter = Counter()
    for channel, arrived in (("email", mails), ("webhook", posts), ("inapp", None)):
        mine = [r for r in rows if r[1] == channel]
        sent = [r for r in mine if r[2] == "sent"]
        if channel == "inapp":
            for r in sent:
                inapp_expected[(r[5], r[6], r[7])] += len(r[4].get("users", []))
            lost = sum(max(0, n - messages.get(k, 0)) for k, n in inapp_expected.items())
            lost += sum(1 for r in mine if r[2] != "sent")
            duplicated = sum(max(0, messages.get(k, 0) - n) for k, n in inapp_expected.items())
            figures[channel] = {
                "deliveries": len(mine),
                "sent": len(sent),
                "messages_expected": sum(inapp_expected.values()),
                "messages_stored": sum(messages.get(k, 0) for k in inapp_expected),
                "lost": lost,
                "duplicated": duplicated,
            }
            continue
        ids = {r[0] for r in mine}
        doubt = [r for r in mine if r[2] == "doubt"]
        figures[channel] = {
            "deliveries": len(mine),
            "sent": len(sent),
            "tried_more_than_once": sum(1 for r in mine if r[3] > 1),
            "arrived": sum(arrived.get(i, 0) for i in ids),
            "lost": sum(1 for r in mine if arrived.get(r[0], 0) == 0 and r[2] != "doubt"),
            "duplicated": sum(max(0, arrived.get(i, 0) - 1) for i in ids),
            "in_doubt": len(doubt),
            "in_doubt_arrived": sum(1 for r in doubt if arrived.get(r[0], 0)),
            "in_doubt_not_arrived": sum(1 for r in doubt if not arrived.get(r[0], 0)),
            "arrived_unknown": sum(v for k, v in arrived.items() if k not in ids),
        }
    return figures


# ---------------------------------------------------------------- the run


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--url", default=DEFAULT_URL)
    parser.add_argument("--clients", type=int, default=50)
    parser.add_argument("--reports", type=int, default=1000)
    parser.add_argument("--seconds", type=float, default=60)
    parser.add_argument("--sink-delay", type=float, default=0.2, help="seconds each mail and post takes")
    parser.add_argument("--kill-after", type=int, default=20, help="mails arrived before worker A is killed")
    parser.add_argument(
        "--kill-when",
        choices=["claimed", "sending"],
        default="sending",
        help="kill A the moment it holds a claim (any), or a delivery marked sending (the message may be out)",
    )
    parser.add_argument("--step", choices=["build"], help=argparse.SUPPRESS)
    parser.add_argument("--clients-file", help=argparse.SUPPRESS)
    parser.add_argument("--robot", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.step == "build":
        build(args.reports, args.clients, Path(args.clients_file), args.robot)
        return 0
    if args.reports % args.clients:
        raise SystemExit("--reports must be a multiple of --clients")

    wall, cpu = time.perf_counter(), time.process_time()
    mail, robot = MailSink(args.sink_delay), RobotSink(args.sink_delay)
    mail.controller.start()
    data_dir = tempfile.mkdtemp(prefix="luoshi-cluster-")
    clients_file = Path(data_dir) / "clients.json"
    env = sub.environment(args.url, data_dir, None)
    env.update(
        DJANGO_SETTINGS_MODULE="luoshi.settings",
        LUOSHI_EMAIL_HOST="127.0.0.1",
        LUOSHI_EMAIL_PORT=str(mail.port),
        LUOSHI_DELIVERY_CLAIM_SECONDS=str(CLAIM_SECONDS),
        LUOSHI_FILES_DIR=str(Path(data_dir) / "shared-files"),
    )
    sub.recreate_database(args.url)
    subprocess.run(
        [sys.executable, __file__, "--step", "build", "--reports", str(args.reports), "--clients",
         str(args.clients), "--clients-file", str(clients_file), "--robot", robot.url],
        env=env, check=True,
    )  # fmt: skip
    clients = json.loads(clients_file.read_text(encoding="utf-8"))
    print(f"data built: {args.reports} tasks, {args.clients} units", flush=True)

    ports = [sub.free_port(), sub.free_port()]
    servers = [
        subprocess.Popen(
            [*LUOSHI, "serve", "--port", str(port), "--workers", "1"],
            env={**env, "LUOSHI_DATA_DIR": f"{data_dir}/server{n}"},
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
            text=True,
        )
        for n, port in enumerate(ports, start=1)
    ]
    workers = [
        subprocess.Popen(
            [*LUOSHI, "worker", "--no-schedule", "--interval", "0.2"],
            env={**env, "LUOSHI_DATA_DIR": f"{data_dir}/worker{n}"},
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
            text=True,
        )
        for n in (1, 2)
    ]
    killed: dict = {}
    try:
        for port, server in zip(ports, servers, strict=True):
            sub.wait_until_up(port, server)
        started = time.perf_counter()
        results: list[dict] = []
        load = threading.Thread(
            target=lambda: results.extend(sub.load(ports, clients, args.reports, args.seconds)), daemon=True
        )
        load.start()

        victim = workers[0]

        watched = ("claimed", "sending") if args.kill_when == "claimed" else ("sending",)

        def kill_midway() -> None:
            """Once the mails are under way, kill worker A the moment it holds a claim (or,
            with ``--kill-when sending``, a delivery whose message may be out)."""
            while mail.total() < args.kill_after and time.perf_counter() - started < sub.CAP_SECONDS:
                time.sleep(0.02)
            import psycopg

            with psycopg.connect(args.url, autocommit=True) as conn:  # one connection: a quick poll
                while (
                    not held_by(args.url, victim.pid, conn, watched)
                    and time.perf_counter() - started < sub.CAP_SECONDS
                ):
                    time.sleep(0.005)
                os.kill(victim.pid, signal.SIGKILL)
            victim.wait()
            killed.update(
                after_s=round(time.perf_counter() - started, 1),
                mails_arrived_before=mail.total(),
                deliveries_it_held=held_by(args.url, victim.pid),
                held=held_states(args.url, victim.pid),
            )
            print(f"worker A killed: {killed}", flush=True)

        killer = threading.Thread(target=kill_midway, daemon=True)
        killer.start()
        summaries = []
        time.sleep(2)
        for moment in MOMENTS:
            summaries.append((moment, schedule_moment(env, moment)))
        killer.join(timeout=sub.CAP_SECONDS)

        load.join(timeout=sub.CAP_SECONDS)
        elapsed_load = time.perf_counter() - started
        # scheduler passes every few seconds (cron's, or a worker's thread) until nothing is open
        passes = 0
        while open_deliveries(args.url) and time.perf_counter() - started < sub.CAP_SECONDS:
            luoshi(env, "tick", "--enqueue-only", "--as-of", MOMENTS[-1], "--json")
            passes += 1
            time.sleep(3)
        drained_s = time.perf_counter() - started
        time.sleep(1)  # the last answers reach the sinks
    finally:
        for process in [*servers, *workers]:
            if process.poll() is None:
                process.send_signal(signal.SIGTERM)
        for process in [*servers, *workers]:
            try:
                process.wait(timeout=60)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()
        mail.controller.stop()
        robot.server.shutdown()

    counted = sub.count(args.url)
    ok = [r for r in results if r["status"] == 200]
    times = [r["ms"] for r in ok] or [0.0]
    children = resource.getrusage(resource.RUSAGE_CHILDREN)
    figures = {
        "servers": "2 × luoshi serve --workers 1",
        "workers": f"2 × luoshi worker (A killed with SIGKILL midway, holding a {args.kill_when} delivery)",
        "submissions": {
            "sent": len(results),
            "answered_200": len(ok),
            "stored": counted["stored"],
            "lost": args.reports - counted["stored"],
            "duplicated": counted["duplicated"],
            "p50_ms": round(sub.statistics.median(times), 1),
            "p95_ms": round(sub.percentile(times, 0.95), 1),
            "load_s": round(elapsed_load, 1),
        },
        "scheduled": {
            m: {
                "by_each_of_two_schedulers": [sum(s["sent"].values()) for s in pair],
                "kinds": dict(sum((Counter(s["sent"]) for s in pair), Counter())),
            }
            for m, pair in summaries
        },  # fmt: skip
        "killed": killed,
        "sweeping_passes": passes,
        "notices_done_after_s": round(drained_s, 1),
        "notices": notices(args.url, mail, robot),
        "wall_s": round(time.perf_counter() - wall, 1),
        "cpu_s": {
            "this_process": round(time.process_time() - cpu, 1),
            "servers_workers_and_commands": round(children.ru_utime + children.ru_stime, 1),
        },
    }
    print(json.dumps(figures, ensure_ascii=False, indent=1))
    n = figures["notices"]
    for channel in ("email", "webhook"):
        c = n[channel]
        print(
            f"{channel}: {c['sent']} sent, {c['arrived']} arrived, {c['lost']} lost, "
            f"{c['duplicated']} duplicated, {c['in_doubt']} in doubt (待核实: "
            f"{c['in_doubt_arrived']} had arrived, {c['in_doubt_not_arrived']} had not, "
            "waiting for the office)",
            flush=True,
        )
    missed = (
        figures["submissions"]["lost"]
        or figures["submissions"]["duplicated"]
        or n["keys_recorded_twice"]
        or any(n[c]["lost"] or n[c]["duplicated"] for c in ("email", "webhook", "inapp"))
    )
    return 1 if missed else 0


if __name__ == "__main__":
    sys.exit(main())
