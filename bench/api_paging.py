"""Time the API's cursor pages against offset pages of the same list.

usage: python bench/api_paging.py [--tasks N] [--limit L] [--database-url URL]

Builds a throw-away SQLite database (or migrates the empty database ``--database-url``
names), imports a plan of N tasks (the small test plan's shape, one lead unit each), files
one draft per task for every dekad from mid-March (the plan's date) to mid-July through
the reporting service (13 × N reports), then, as the coordinator through Django's test
client:

- walks ``GET /api/v1/reports`` page by page by ``next_cursor`` (``limit`` L), checking
  every report comes once, and prints the first page, the last page and the median;
- fetches the last page again in-process, once by its cursor (``api/paging.py``) and once
  by ``OFFSET`` as an offset paginator would, with the same rows, order, count and
  presenter, and prints both medians (the comparison, measured in the same run).

Bar: the last cursor page costs < 2 × the first (keyset pagination does not grow with
depth). Exits 1 when missed.
"""

import argparse
import datetime as dt
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

BAR_DEPTH_RATIO = 2.0


def setup_django(data_dir: str, database_url: str | None) -> None:
    for key in [k for k in os.environ if k.startswith("LUOSHI_")]:
        del os.environ[key]
    os.environ["LUOSHI_DATA_DIR"] = data_dir
    os.environ["LUOSHI_SECRET_KEY"] = "bench-only"
    os.environ["LUOSHI_TODAY"] = "2025-07-15"
    if database_url:
        os.environ["LUOSHI_DATABASE_URL"] = database_url
    os.environ["DJANGO_SETTINGS_MODULE"] = "luoshi.settings"
    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # tests.plans.factories
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)


UNITS = [
    "县工信局",
    "县发改局",
    "县政务服务中心",
    "县住建局",
    "县商务局",
    "县财政局",
    "城关镇",
    "县农业农村局",
]


def big_plan(tasks: int) -> dict:
    from tests.plans.factories import make_plan

    plan = make_plan()
    sections = [s for s in plan["sections"] if not s["id"].startswith("附件1/一/")]
    plan_tasks = []
    for n in range(1, tasks + 1):
        sid = f"附件1/一/({n})"
        unit = UNITS[n % len(UNITS)]
        sections.append(
            {
                "id": sid,
                "part": "附件1",
                "parent": "附件1/一",
                "number": f"({n})",
                "title": f"第{n}项任务",
                "text": f"推进第{n}项工作。({unit}牵头负责)",
            }
        )
        plan_tasks.append({"section": sid, "leads": [unit], "cooperators": [], "deadline": "2025-12-31"})
    plan["sections"] = sections
    plan["tasks"] = plan_tasks
    plan["targets"] = [t for t in plan["targets"] if t["section"] == "正文/一"]
    return plan


def timed(client, url, params) -> tuple[float, dict]:
    started = time.perf_counter()
    response = client.get(url, params)
    elapsed = (time.perf_counter() - started) * 1000
    assert response.status_code == 200, response.content
    return elapsed, response.json()


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--tasks", type=int, default=100)
    parser.add_argument("--limit", type=int, default=50)
    parser.add_argument("--database-url")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as data_dir:
        setup_django(data_dir, args.database_url)
        from django.conf import settings
        from django.contrib.auth import get_user_model
        from django.test import Client

        from luoshi.accounts.models import Profile
        from luoshi.accounts.permissions import SYSTEM
        from luoshi.api.routers.reports import report_json
        from luoshi.plans.models import Task, Unit
        from luoshi.plans.services import import_plan
        from luoshi.reporting.periods import periods_for
        from luoshi.reporting.permissions import visible_reports
        from luoshi.reporting.services import ReportData, save_draft

        settings.ALLOWED_HOSTS = ["testserver"]
        plan = import_plan(SYSTEM, big_plan(args.tasks)).plan
        spans = [
            s for s in periods_for("dekad", 2025) if dt.date(2025, 3, 11) <= s.start <= dt.date(2025, 7, 15)
        ]
        started = time.perf_counter()
        for task in Task.objects.filter(plan=plan).select_related("plan", "part", "section"):
            unit = task.task_units.get().unit
            for span in spans:
                save_draft(SYSTEM, task, unit, span.key, ReportData(progress="10", progress_text="推进中"))
        made = (time.perf_counter() - started) * 1000
        user = get_user_model().objects.create_user("bench", password="Bench@2025xx")
        Profile.objects.create(user=user, role="coordinator", unit=Unit.objects.get(name="县政务服务中心"))
        client = Client()
        client.force_login(user)
        url = "/api/v1/reports"
        timed(client, url, {"limit": args.limit})  # warm up
        pages: list[float] = []
        ids: list[int] = []
        cursor = last_cursor = None
        while True:
            last_cursor = cursor
            params = {"limit": args.limit, **({"cursor": cursor} if cursor else {})}
            elapsed, body = timed(client, url, params)
            pages.append(elapsed)
            ids += [r["id"] for r in body["items"]]
            cursor = body["next_cursor"]
            if cursor is None:
                break
        assert len(ids) == len(set(ids)) == body["count"], "a report repeated or missing"
        # the last page again, in-process (no HTTP): by its cursor, and by OFFSET as an
        # offset paginator would fetch it; same rows, order, count and presenter
        from luoshi.accounts.permissions import actor_for
        from luoshi.api.paging import CursorPage, Listing

        order = ("period__start", "task__section__order", "unit__order")
        reports = (
            visible_reports(actor_for(user))
            .filter(task__plan=plan, is_current=True)
            .select_related("task__section", "unit", "period")
            .prefetch_related("target_values", "evidence")
        )
        pager = CursorPage()
        offset = (len(pages) - 1) * args.limit
        keyset_ms, offset_ms = [], []
        for _ in range(7):
            started = time.perf_counter()
            page = pager.paginate_queryset(
                Listing(reports, order, report_json),
                CursorPage.Input(cursor=last_cursor, limit=args.limit),
                None,
            )
            keyset_ms.append((time.perf_counter() - started) * 1000)
            started = time.perf_counter()
            rows = [report_json(r) for r in reports.order_by(*order, "pk")[offset : offset + args.limit]]
            reports.count()
            offset_ms.append((time.perf_counter() - started) * 1000)
            assert [r["id"] for r in rows] == [r["id"] for r in page["items"]]
        engine = settings.DATABASES["default"]["ENGINE"].rsplit(".", 1)[-1]
        print(f"{engine}: {len(ids)} reports made in {made / 1000:.1f} s, {len(pages)} pages of {args.limit}")
        print(
            f"cursor pages through the API: first {pages[0]:.1f} ms, last {pages[-1]:.1f} ms, "
            f"median {statistics.median(pages):.1f} ms"
        )
        print(
            f"the last page in-process: by cursor {statistics.median(keyset_ms):.1f} ms, "
            f"by OFFSET {offset} {statistics.median(offset_ms):.1f} ms (medians of 7)"
        )
        ratio = pages[-1] / pages[0]
        if ratio > BAR_DEPTH_RATIO:
            print(f"over the bar: last page {ratio:.1f} × the first > {BAR_DEPTH_RATIO}")
            return 1
        return 0


if __name__ == "__main__":
    sys.exit(main())
