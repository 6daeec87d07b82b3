"""Time the audit log's hash chain: adding rows and verifying them.

usage: python bench/audit_chain.py [--rows N] [--database-url URL]

Builds a throw-away SQLite database in a temporary directory (or migrates the empty
database ``--database-url`` names, e.g. a PostgreSQL one made for it), adds ``--rows``
audit rows through ``audit.services.record`` — each in its own transaction, as each
write is — and prints the time per row, then the time ``verify_chain`` takes to walk them
all. Bars: < 20 ms per row added, verify < 15 s per 100,000 rows. Exits 1 when one is missed.
"""

import argparse
import os
import sys
import tempfile
import time

BAR_ROW_MS = 20.0
BAR_VERIFY_PER_100K = 15.0


def setup_django(data_dir: str, database_url: str | None) -> None:
    for key in [k for k in os.environ if k.startswith("LUOSHI_")]:
        del os.environ[key]
    os.environ["LUOSHI_DATA_DIR"] = data_dir
    os.environ["LUOSHI_SECRET_KEY"] = "bench-only"
    if database_url:
        os.environ["LUOSHI_DATABASE_URL"] = database_url
    os.environ["DJANGO_SETTINGS_MODULE"] = "luoshi.settings"
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rows", type=int, default=5000)
    parser.add_argument("--database-url")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as data_dir:
        setup_django(data_dir, args.database_url)
        from django.db import connection, transaction

        from luoshi.audit.choices import AuditAction
        from luoshi.audit.services import record, verify_chain

        started = time.perf_counter()
        for i in range(args.rows):
            with transaction.atomic():
                record(
                    action=AuditAction.CHANGE,
                    username=f"tb{i % 200}",
                    operation="填写报告",
                    object_type="reporting.report",
                    object_id=str(i),
                    object_repr=f"区第{i % 60:02d}局 · 2025年7月上旬 · 附件1/一/({i})",
                    changes={"progress": ["20.0", "30.0"], "progress_text": ["摸底", "完成企业摸底"]},
                )
        per_row = (time.perf_counter() - started) / args.rows * 1000
        started = time.perf_counter()
        report = verify_chain()
        verify = time.perf_counter() - started
        per_100k = verify / args.rows * 100_000
        print(f"database: {connection.vendor}")
        print(f"add a row: {per_row:.2f} ms (bar < {BAR_ROW_MS} ms), {args.rows} rows")
        print(
            f"verify {report.checked} rows: {verify:.2f} s ({per_100k:.1f} s per 100,000; bar < {BAR_VERIFY_PER_100K} s)"
        )
        ok = report.ok and per_row < BAR_ROW_MS and per_100k < BAR_VERIFY_PER_100K
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
