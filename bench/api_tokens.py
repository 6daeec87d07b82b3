"""Time an API read signed in by a personal token against the same read by a session.

usage: python bench/api_tokens.py [--calls N] [--database-url URL]

Builds a throw-away SQLite database (or migrates the empty database ``--database-url``
names), imports the small test plan, makes a coordinator with a session and a read-only
token, then calls ``GET /api/v1/periods/current`` (a light endpoint, so the sign-in and the
audit row are what is measured) ``--calls`` times each way, alternately, through Django's
test client, and prints the median per call for both and the difference: what a token
costs (the lookup by key, the SHA-256 and constant-time compare, ``last_used_at``, the
``接口调用`` audit row on the hash chain). Bar: the token's extra < 30 ms per call (one
audit row, whose own bar in bench/audit_chain.py is 20 ms, and the lookup). Exits 1 when
missed.
"""

import argparse
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

BAR_EXTRA_MS = 30.0


def setup_django(data_dir: str, database_url: str | None) -> None:
    for key in [k for k in os.environ if k.startswith("LUOSHI_")]:
        del os.environ[key]
    os.environ["LUOSHI_DATA_DIR"] = data_dir
    os.environ["LUOSHI_SECRET_KEY"] = "bench-only"
    if database_url:
        os.environ["LUOSHI_DATABASE_URL"] = database_url
    os.environ["DJANGO_SETTINGS_MODULE"] = "luoshi.settings"
    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # tests.plans.factories
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--calls", type=int, default=200)
    parser.add_argument("--database-url")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as data_dir:
        setup_django(data_dir, args.database_url)
        from django.conf import settings
        from django.contrib.auth import get_user_model
        from django.test import Client
        from tests.plans.factories import make_plan

        from luoshi.accounts.models import Profile
        from luoshi.accounts.permissions import SYSTEM
        from luoshi.accounts.services import create_token
        from luoshi.audit.models import AuditLog
        from luoshi.plans.models import Unit
        from luoshi.plans.services import import_plan

        settings.ALLOWED_HOSTS = ["testserver"]
        import_plan(SYSTEM, make_plan())
        user = get_user_model().objects.create_user("bench", password="Bench@2025xx")
        Profile.objects.create(user=user, role="coordinator", unit=Unit.objects.get(name="县政务服务中心"))
        _, secret = create_token(SYSTEM, user, name="bench", scope="read", days=1)
        session = Client()
        session.force_login(user)
        token = Client(HTTP_AUTHORIZATION=f"Bearer {secret}")
        url = "/api/v1/periods/current"
        for client in (session, token):  # warm up
            assert client.get(url).status_code == 200
        rows_before = AuditLog.objects.count()
        times: dict[str, list[float]] = {"session": [], "token": []}
        for _ in range(args.calls):
            for name, client in (("session", session), ("token", token)):
                started = time.perf_counter()
                response = client.get(url)
                times[name].append((time.perf_counter() - started) * 1000)
                assert response.status_code == 200, response.content
        rows = AuditLog.objects.count() - rows_before
        session_ms, token_ms = statistics.median(times["session"]), statistics.median(times["token"])
        extra = token_ms - session_ms
        print(f"{settings.DATABASES['default']['ENGINE'].rsplit('.', 1)[-1]}, {args.calls} calls each")
        print(
            f"session median {session_ms:.2f} ms, token median {token_ms:.2f} ms, token extra {extra:.2f} ms"
        )
        print(f"audit rows written: {rows} (one per token call)")
        if extra > BAR_EXTRA_MS:
            print(f"over the bar: token extra {extra:.2f} ms > {BAR_EXTRA_MS} ms")
            return 1
        return 0


if __name__ == "__main__":
    sys.exit(main())
