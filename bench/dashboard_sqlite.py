"""Server time of the battle map (/board/) on the demo data, SQLite.

    python bench/dashboard_sqlite.py [--runs 100] [--data-dir DIR]

Builds the demo (``luoshi demo --no-serve``) in a throw-away data directory unless one is
given, signs in as the demo leader and times ``--runs`` requests of /board/ (and of the
trend panel the page loads after it). Bar: p95 < 200 ms. Exits 1 when missed.
"""

import argparse
import os
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=100)
    parser.add_argument("--data-dir")
    args = parser.parse_args()
    os.environ["LUOSHI_DATA_DIR"] = args.data_dir or tempfile.mkdtemp(prefix="luoshi-bench-")
    os.environ.pop("LUOSHI_DATABASE_URL", None)
    os.environ["DJANGO_SETTINGS_MODULE"] = "luoshi.settings"
    import django

    django.setup()
    from dashboard_common import report, time_page
    from django.contrib.auth import get_user_model
    from django.core.management import call_command
    from django.test import Client

    call_command("migrate", verbosity=0)
    if not get_user_model().objects.filter(username="lingdao").exists():
        call_command("demo", "--no-serve", verbosity=0)
    from luoshi.core import clock
    from luoshi.plans.models import Task
    from luoshi.reporting.models import Report

    client = Client()
    client.force_login(get_user_model().objects.get(username="lingdao"))
    print(f"demo data: {Task.objects.count()} tasks, {Report.objects.count()} reports, today {clock.today()}")
    ok = report("/board/ (SQLite, demo)", time_page(client, "/board/", args.runs), 200)
    report(
        "/board/trend/ (SQLite, demo, loaded after the page)",
        time_page(client, "/board/trend/", args.runs),
        200,
    )
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
