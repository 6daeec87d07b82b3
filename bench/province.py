"""The city board and a district's pages on a province (``luoshi bench-data``), PostgreSQL.

    python bench/province.py [--url postgresql://postgres@127.0.0.1:5432/luoshi_cityboard_province]
                             [--single-url postgresql://postgres@127.0.0.1:5432/luoshi_cityboard_single]
                             [--runs 40]

Both databases must hold what ``luoshi bench-data`` builds (built here when empty):
``--orgs 1+14+130 --tasks-per-plan 150 --year 2025`` at ``--url`` and ``--orgs 1
--tasks-per-plan 150 --year 2025`` (a single-district install of the same plan size) at
``--single-url``. Today is fixed at 12 January 2026 (every 旬 report of 2025 handed in).

Timed with Django's test client (the whole server stack without a network hop; not the
test environment's template instrumentation, which a server does not run), in this
process, the figures in milliseconds:

1. the raw SQL roll-up: one GROUP BY organisation, campaign and state over the kept rows of
   every plan below the board's organisation (what a hand-written report query costs);
2. the province's board (/board/orgs/ as the province's coordinator: 14 cities, each with
   its districts, 145 plans), warm;
3. the same board's first view after a write: before each request one report of a district
   (round robin) is approved by its unit's head and accepted by the district's coordinator
   through the services;
4. a city's board the same two ways, beside the raw roll-up of that city's subtree (in the
   warm turns of both boards also what no board goes below: the page frame alone,
   ``/messages/`` as the same user, and the data version every view reads first);
5. a district reporter's /board/, task list and report form on the province and on the
   single-district install, each in a fresh child process, the two in turns (three rounds
   each, a page's times of the three taken together), and their ratio.

Bars: board p95 ≤ 2 × the raw roll-up's p95 of the same run (warm and after a write); a
district user's pages p95 ≤ 1.25 × the single-district install's (as fast, within the noise of
a shared machine). Exits 1 when a bar is missed.
"""

import argparse
import datetime as dt
import itertools
import json
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

TODAY = dt.date(2026, 1, 12)
PROVINCE = "postgresql://postgres@127.0.0.1:5432/luoshi_cityboard_province"
SINGLE = "postgresql://postgres@127.0.0.1:5432/luoshi_cityboard_single"
SIZES = {"province": "1+14+130", "single": "1"}
ROUNDS = 3  # child processes per install for the district pages, in turns


def ensure_database(url: str) -> None:
    import psycopg

    base, name = url.rsplit("/", 1)
    with psycopg.connect(f"{base}/postgres", autocommit=True) as conn:
        if not conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone():
            conn.execute(f'CREATE DATABASE "{name}"')


def setup(url: str, kind: str) -> None:
    ensure_database(url)
    os.environ["LUOSHI_DATABASE_URL"] = url
    os.environ.setdefault("LUOSHI_DATA_DIR", "/tmp/luoshi-bench-province")
    os.environ["DJANGO_SETTINGS_MODULE"] = "luoshi.settings"
    import django

    django.setup()
    from django.core.management import call_command

    from luoshi.core import clock
    from luoshi.plans.models import Plan

    call_command("migrate", verbosity=0)
    if not Plan.objects.exists():
        call_command("bench_data", "--orgs", SIZES[kind], "--tasks-per-plan", "150", "--year", "2025")
    clock.store_fixed_today(TODAY)


def figures(times: list[float], cpu: list[float] | None = None) -> dict:
    times = sorted(times)
    out = {
        "p50": statistics.median(times),
        "p95": times[max(0, round(0.95 * len(times)) - 1)],
        "max": times[-1],
        "n": len(times),
    }
    if cpu:
        out["cpu_p50"] = statistics.median(cpu)
    return out


def timed(fn) -> tuple[float, float]:
    start, start_cpu = time.perf_counter(), time.process_time()
    fn()
    return (time.perf_counter() - start) * 1000, (time.process_time() - start_cpu) * 1000


def get_ok(client, url: str):
    def run():
        response = client.get(url)
        assert response.status_code == 200, (url, response.status_code)

    return run


def page_times(client, url: str, runs: int) -> dict:
    """Each view's wall and CPU times (the first, cold view not counted)."""
    get_ok(client, url)()
    walls, cpus = [], []
    for _ in range(runs):
        wall, cpu = timed(get_ok(client, url))
        walls.append(wall)
        cpus.append(cpu)
    return {"walls": walls, "cpus": cpus}


def district_pages(runs: int) -> dict:
    """A reporter of the (first) district: its battle map, task list and report form."""
    from django.contrib.auth import get_user_model
    from django.test import Client

    from luoshi.plans.models import Organisation, Plan, Task
    from luoshi.reporting.models import Period, Report

    district = Organisation.objects.filter(level="district").order_by("path").first()
    plan = Plan.objects.get(organisation=district)
    reporter = get_user_model().objects.get(username=f"b{district.pk}-reporter1")
    unit_id = reporter.profile.unit_id
    # a task and 旬 its unit has not reported (about one in 25): the form of a new report
    reported = set(
        Report.objects.filter(unit_id=unit_id, task__plan=plan).values_list("task_id", "period__key")
    )
    task, key = next(
        (task, period.key)
        for period in Period.objects.filter(cadence="dekad", key__startswith="2025-").order_by("-start")
        for task in Task.objects.filter(plan=plan, task_units__unit_id=unit_id, task_units__role="lead")
        if (task.pk, period.key) not in reported
    )
    client = Client()
    client.force_login(reporter)
    pages = {
        "/board/": f"/board/?plan={plan.pk}",
        "/tasks/": "/tasks/",
        "report form": f"/fill/{task.pk}/{key}/",
    }
    return {name: page_times(client, url, runs) for name, url in pages.items()}


ROLLUP = """
SELECT p.organisation_id, pt.key,
       CASE WHEN s.done THEN 'done' WHEN s.period_id = %s THEN 'reported' ELSE 'late' END AS state,
       COUNT(*), AVG(s.progress)
FROM {standing} s
JOIN {task} t ON t.id = s.task_id
JOIN {plan} p ON p.id = t.plan_id
JOIN {part} pt ON pt.id = t.part_id
JOIN {org} o ON o.id = p.organisation_id
WHERE o.path LIKE %s AND o.id <> %s
GROUP BY p.organisation_id, pt.key, state
"""


def rollup_sql(org, period_id: int):
    from django.db import connection

    from luoshi.plans.models import Organisation, Part, Plan, Task
    from luoshi.reporting.models import Standing

    q = connection.ops.quote_name
    sql = ROLLUP.format(
        standing=q(Standing._meta.db_table),
        task=q(Task._meta.db_table),
        plan=q(Plan._meta.db_table),
        part=q(Part._meta.db_table),
        org=q(Organisation._meta.db_table),
    )

    def run():
        with connection.cursor() as cursor:
            cursor.execute(sql, [period_id, org.path + "%", org.pk])
            assert cursor.fetchall()

    return run


class Writer:
    """One report of a district below ``org`` per call, approved by its unit's head and
    accepted by the district's coordinator (round robin over the districts)."""

    def __init__(self, org):
        from django.contrib.auth import get_user_model

        from luoshi.accounts.permissions import actor_for
        from luoshi.plans.models import Organisation
        from luoshi.reporting.models import Report

        users = get_user_model().objects.select_related("profile")
        lists = []
        districts = Organisation.objects.filter(path__startswith=org.path, level="district").order_by("path")
        for district in districts:
            coordinator = actor_for(users.get(username=f"b{district.pk}-coordinator"))
            mine = []
            for i in (1, 2, 3):
                head = users.get(username=f"b{district.pk}-head{i}")
                reports = Report.objects.filter(
                    task__plan__organisation=district,
                    unit_id=head.profile.unit_id,
                    period__key="2025-12-3",
                    state="submitted",
                    is_current=True,
                ).order_by("pk")[:4]
                mine += [(actor_for(head), coordinator, r) for r in reports]
            lists.append(mine)
        # round robin over the districts
        self.queue = [item for row in itertools.zip_longest(*lists) for item in row if item is not None]
        self.done = 0

    def __call__(self):
        from luoshi.reporting.services import accept_report, approve_report

        head, coordinator, report = self.queue.pop(0)
        accept_report(coordinator, approve_report(head, report))
        self.done += 1


def interleaved(runs: int, **named) -> dict:
    """Each function timed ``runs`` times, in turns (so that a change of the machine's
    load falls on all of them alike)."""
    walls: dict[str, list[float]] = {name: [] for name in named}
    cpus: dict[str, list[float]] = {name: [] for name in named}
    for fn in named.values():
        fn()
    for _ in range(runs):
        for name, fn in named.items():
            wall, cpu = timed(fn)
            walls[name].append(wall)
            cpus[name].append(cpu)
    return {name: figures(walls[name], cpus[name]) for name in named}


def spy_on_boards() -> list[int]:
    """The plans each city board worked out (``CityBoard.recomputed``), noted as it is made
    (a view that finds the page kept makes none: 0)."""
    from luoshi.reporting import cityboard

    noted: list[int] = []
    make = cityboard.city_board

    def noting(*args, **kwargs):
        board = make(*args, **kwargs)
        noted.append(board.recomputed)
        return board

    cityboard.city_board = noting
    return noted


def after_writes(client, url: str, runs: int, writer: Writer, rollup, worked_out: list[int]) -> dict:
    """The board's first view after a write, each beside a raw roll-up run right after it."""
    walls, cpus, raw, recomputed = [], [], [], []
    for _ in range(runs):
        writer()
        worked_out.clear()
        start = time.perf_counter()
        start_cpu = time.process_time()
        response = client.get(url)
        walls.append((time.perf_counter() - start) * 1000)
        cpus.append((time.process_time() - start_cpu) * 1000)
        assert response.status_code == 200
        recomputed.append(worked_out.pop() if worked_out else 0)
        raw.append(timed(rollup)[0])
    return {"board": figures(walls, cpus), "raw": figures(raw), "recomputed": sorted(set(recomputed))}


def line(name: str, f: dict) -> str:
    cpu = f" (CPU p50 {f['cpu_p50']:.1f})" if "cpu_p50" in f else ""
    return f"  {name}: p50 {f['p50']:.1f} ms, p95 {f['p95']:.1f} ms, max {f['max']:.1f} ms{cpu} over {f['n']}"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--url", default=os.environ.get("LUOSHI_BENCH_PROVINCE_URL", PROVINCE))
    parser.add_argument("--single-url", default=os.environ.get("LUOSHI_BENCH_SINGLE_URL", SINGLE))
    parser.add_argument("--runs", type=int, default=40)
    parser.add_argument("--child", choices=("province", "single"), help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:  # a district reporter's pages on one of the two installs, as JSON
        setup(args.url if args.child == "province" else args.single_url, args.child)
        print(json.dumps(district_pages(args.runs)))
        return 0

    setup(args.url, "province")
    from django.contrib.auth import get_user_model
    from django.test import Client

    from luoshi.plans.models import Organisation, Plan, Task
    from luoshi.reporting import board as boards
    from luoshi.reporting.models import Period, Report

    # how many plans each view worked out, noted beside the page (the test environment's
    # template instrumentation, which would carry it in the response's context, is left
    # out: it sends a signal and copies the context for every template rendered, which a
    # server does not do)
    worked_out = spy_on_boards()
    province = Organisation.objects.get(parent__isnull=True)
    city = max(Organisation.objects.filter(parent=province), key=lambda c: c.children.count())
    period_id = Period.objects.get(cadence="dekad", key="2025-12-2").pk
    users = get_user_model().objects
    print(
        f"data: {Organisation.objects.count()} organisations, {Plan.objects.count()} plans, "
        f"{Task.objects.count()} tasks, {Report.objects.count()} reports; today {TODAY}; "
        f"city {city.name} with {city.children.count()} districts"
    )
    ok = True
    results = {}
    for name, org in (("province", province), ("city", city)):
        client = Client()
        client.force_login(users.get(username=f"b{org.pk}-coordinator"))
        start = time.perf_counter()
        get_ok(client, "/board/orgs/")()
        cold = (time.perf_counter() - start) * 1000
        rollup = rollup_sql(org, period_id)
        warm = interleaved(
            args.runs,
            board=get_ok(client, "/board/orgs/"),
            raw=rollup,
            frame=get_ok(client, "/messages/"),  # the page frame alone: no board, no figures
            version=lambda org=org: boards.data_version(org.pk),  # what every view reads first
        )
        written = after_writes(client, "/board/orgs/", args.runs, Writer(org), rollup, worked_out)
        results[name] = (warm, written)
        print(f"{org.name} board (/board/orgs/ as its coordinator), first view of the process {cold:.0f} ms")
        print(line("raw SQL roll-up (warm turn)", warm["raw"]))
        print(line("board, warm", warm["board"]))
        print(line("  of which could not be less: the page frame (/messages/, same user)", warm["frame"]))
        print(line("  and the data version read first (board.data_version(org))", warm["version"]))
        print(line("raw SQL roll-up (after-write turn)", written["raw"]))
        print(line("board, first view after a write", written["board"]))
        print(f"  plans worked out per view after a write: {written['recomputed']}")
        for label, board, raw in (
            ("warm", warm["board"], warm["raw"]),
            ("after a write", written["board"], written["raw"]),
        ):
            ratio = board["p95"] / raw["p95"]
            met = ratio <= 2
            ok = ok and met
            print(f"  bar {label}: board p95 / raw p95 = {ratio:.2f} (≤ 2): {'met' if met else 'MISSED'}")

    # each install's pages in a fresh process of its own, the two in turns (three rounds
    # each), so that neither is timed after the other's work or in a process the boards
    # above filled; each page's times of the three rounds taken together
    pooled: dict[str, dict[str, dict[str, list[float]]]] = {"province": {}, "single": {}}
    for kind in ("province", "single") * ROUNDS:
        child = subprocess.run(
            [
                sys.executable,
                str(Path(__file__)),
                "--child",
                kind,
                "--url",
                args.url,
                "--single-url",
                args.single_url,
                "--runs",
                str(args.runs),
            ],
            capture_output=True,
            text=True,
            check=True,
        )
        for name, times in json.loads(child.stdout.strip().splitlines()[-1]).items():
            into = pooled[kind].setdefault(name, {"walls": [], "cpus": []})
            into["walls"] += times["walls"]
            into["cpus"] += times["cpus"]
    here, single = (
        {name: figures(t["walls"], t["cpus"]) for name, t in pooled[kind].items()}
        for kind in ("province", "single")
    )
    print("a district reporter's pages: province data set vs single-district install (same plan size)")
    for name in here:
        ratio = here[name]["p95"] / single[name]["p95"]
        met = ratio <= 1.25
        ok = ok and met
        print(line(f"{name} province", here[name]))
        print(line(f"{name} single", single[name]))
        print(f"  bar: p95 ratio {ratio:.2f} (≤ 1.25): {'met' if met else 'MISSED'}")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
