"""Today's status, completeness and battle map on the 旬-report data set (issue 14, "status
that keeps up with writes"), each beside the raw SQL aggregate measured in the same run.

    python bench/kept_postgres.py [--url postgresql://postgres@127.0.0.1:5432/luoshi_bench_status]
                                  [--tasks 100000] [--runs 5] [--requests 30] [--writes 8]

Uses the data set of ``bench/status_postgres.py`` (built there when missing: one plan of
2025, ``--tasks`` tasks in 7 campaigns, a lead and a cooperator each among 300 units, the
leads' reports for every 旬 of the year, 36 × tasks rows), with today fixed at 2026-01-10,
after the last 旬's reports were handed in. Prints, in milliseconds:

- the raw SQL aggregate: tasks by the state of their current reports per campaign, one
  ``GROUP BY`` over the reports of the plan (what a hand-written report would run);
- ``plan_status(plan, today)`` median and ``completeness(plan, 2025-12-3, today)`` median
  over ``--runs`` runs (after one warm-up), each with the CPU time of this process and
  its ratio to the raw aggregate;
- ``/board/`` p95 over ``--requests`` warm requests, signed in as a leader;
- ``/board/`` after a write: ``--writes`` times, one report approved through
  ``approve_report`` and then the first request of the board; p95 (= the worst of 8).

Bars (issue 14): board warm and after a write ≤ 2 × the raw aggregate; status ≤ 1 s;
completeness ≤ 0.5 s. Exits 1 when one is missed. Runs on any version of the code (the
"before" figures come from the same script with ``PYTHONPATH`` at an older checkout).
"""

import argparse
import datetime as dt
import os
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

TODAY = dt.date(2026, 1, 10)
PERIOD = "2025-12-3"
RAW = """
    SELECT t.part_id, r.state, COUNT(DISTINCT r.task_id)
    FROM reporting_report r JOIN plans_task t ON t.id = r.task_id
    WHERE t.plan_id = %s AND r.is_current
    GROUP BY t.part_id, r.state
"""


def p95(values: list[float]) -> float:
    values = sorted(values)
    return values[max(0, round(0.95 * len(values)) - 1)]


def timed(func, runs: int, cpu: list[float] | None = None) -> list[float]:
    """Wall milliseconds of each run; the CPU milliseconds of this process go to ``cpu``."""
    times = []
    for _ in range(runs):
        start, start_cpu = time.perf_counter(), time.process_time()
        func()
        times.append((time.perf_counter() - start) * 1000)
        if cpu is not None:
            cpu.append((time.process_time() - start_cpu) * 1000)
    return times


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--url", default="postgresql://postgres@127.0.0.1:5432/luoshi_bench_status")
    parser.add_argument("--tasks", type=int, default=100_000)
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--requests", type=int, default=30)
    parser.add_argument("--writes", type=int, default=8)
    args = parser.parse_args()
    os.environ["LUOSHI_DATABASE_URL"] = args.url
    os.environ["LUOSHI_TODAY"] = TODAY.isoformat()
    os.environ.setdefault("LUOSHI_DATA_DIR", "/tmp/luoshi-bench-kept")
    os.environ["DJANGO_SETTINGS_MODULE"] = "luoshi.settings"
    import status_postgres

    status_postgres.ensure_database(args.url)
    import django

    django.setup()
    from django.contrib.auth import get_user_model
    from django.core.management import call_command
    from django.db import connection
    from django.test import Client

    import luoshi
    from luoshi.accounts.models import Profile
    from luoshi.accounts.permissions import SYSTEM
    from luoshi.core import clock
    from luoshi.plans.models import Plan
    from luoshi.reporting.engine import completeness, plan_status
    from luoshi.reporting.models import Report
    from luoshi.reporting.services import approve_report

    started = time.perf_counter()
    call_command("migrate", verbosity=0)
    print(f"code: {Path(luoshi.__file__).parent}; migrate {time.perf_counter() - started:.1f} s", flush=True)
    plan = Plan.objects.filter(title=status_postgres.TITLE).first()
    if plan is None:
        status_postgres.build(args.tasks)
        plan = Plan.objects.get(title=status_postgres.TITLE)
    user = get_user_model().objects.filter(username="bench_leader").first()
    if user is None:
        user = get_user_model().objects.create_user("bench_leader", password="Bench#2025x")
        Profile.objects.create(user=user, role="leader")
    today = clock.today()
    assert today == TODAY, today
    print(f"{plan.tasks.count()} tasks; today {today}; load {os.getloadavg()}", flush=True)

    def raw():
        with connection.cursor() as cursor:
            cursor.execute(RAW, [plan.pk])
            return cursor.fetchall()

    raw()
    raw_ms = statistics.median(timed(raw, args.runs))
    plan_status(plan, today)
    status_cpu: list[float] = []
    status_ms = statistics.median(timed(lambda: plan_status(plan, today), args.runs, status_cpu))
    result = plan_status(plan, today).rollup()
    print(f"status mix: { {s.value: n for s, n in (result.counts or {}).items()} }")
    completeness_cpu: list[float] = []
    completeness_ms = statistics.median(
        timed(lambda: completeness(plan, PERIOD, today), args.runs, completeness_cpu)
    )

    client = Client()
    client.force_login(user)
    url = f"/board/?plan={plan.pk}"

    def board():
        response = client.get(url)
        assert response.status_code == 200, response.status_code

    board()
    warm = timed(board, args.requests)
    waiting = Report.objects.filter(task__plan=plan, period__key=PERIOD, state="submitted", is_current=True)
    after = []
    for report in list(waiting.order_by("pk")[: args.writes]):
        approve_report(SYSTEM, report)
        after += timed(board, 1)
    raw_after = statistics.median(timed(raw, args.runs))
    raw_ms = min(raw_ms, raw_after)
    figures = {
        "raw SQL aggregate (median)": (raw_ms, None, None),
        "plan_status median": (status_ms, 1000, statistics.median(status_cpu)),
        "completeness median": (completeness_ms, 500, statistics.median(completeness_cpu)),
        "/board/ warm p95": (p95(warm), 2 * raw_ms, None),
        "/board/ first view after a write p95": (p95(after), 2 * raw_ms, None),
    }
    ok = True
    for name, (value, bar, cpu) in figures.items():
        met = bar is None or value <= bar
        ok = ok and met
        said = "" if bar is None else f" (bar ≤ {bar:.0f} ms: {'met' if met else 'MISSED'})"
        ratio = "" if name.startswith("raw") else f"; {value / raw_ms:.2f} × raw"
        spent = "" if cpu is None else f"; CPU of this process {cpu:.0f} ms"
        print(f"{name}: {value:.0f} ms{said}{ratio}{spent}")
    print(f"/board/ warm p50 {statistics.median(warm):.0f} ms; after a write: {[round(t) for t in after]}")
    print(f"load after: {os.getloadavg()}")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
