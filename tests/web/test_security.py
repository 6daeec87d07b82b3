"""Security basics of the pages: CSRF and the idle time-out. Password rules and the
lock-out are tested in tests/accounts, the audit log in tests/audit."""

import pytest
from django.test import Client, override_settings

from tests.web.helpers import PERIOD, TASK_A, task

pytestmark = pytest.mark.django_db


def test_csrf_is_enforced(personas, today):
    client = Client(enforce_csrf_checks=True)
    client.force_login(personas["reporter_a"])
    response = client.post(f"/fill/{task(TASK_A).pk}/{PERIOD}/", {"progress_text": "x"})
    assert response.status_code == 403
    assert "页面已过期" in response.content.decode()


@override_settings(LUOSHI_IDLE_SECONDS=1)
def test_idle_session_ends(personas, today):
    client = Client()
    client.force_login(personas["reporter_a"])
    session = client.session
    session["luoshi_seen"] = 1  # long ago
    session.save()
    response = client.get("/")
    assert response.status_code == 302 and "idle=1" in response["Location"]
    assert client.get("/").status_code == 302  # signed out


def _settings_with(env: dict) -> dict:
    """The security settings as a fresh process reads them from these variables."""
    import json
    import os
    import subprocess
    import sys

    code = (
        "import json, luoshi.settings as s; print(json.dumps({k: getattr(s, k) for k in ("
        "'SESSION_COOKIE_SECURE', 'CSRF_COOKIE_SECURE', 'SECURE_HSTS_SECONDS', 'SECURE_PROXY_SSL_HEADER')}))"
    )
    environment = {k: v for k, v in os.environ.items() if not k.startswith("LUOSHI_")}
    environment.update({"LUOSHI_SECRET_KEY": "x", "LUOSHI_DATA_DIR": os.environ["LUOSHI_DATA_DIR"], **env})
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, env=environment, check=True
    )
    return json.loads(result.stdout)


def test_https_settings_are_off_by_default_for_the_intranet():
    values = _settings_with({})
    assert values == {
        "SESSION_COOKIE_SECURE": False,
        "CSRF_COOKIE_SECURE": False,
        "SECURE_HSTS_SECONDS": 0,
        "SECURE_PROXY_SSL_HEADER": None,
    }


def test_secure_cookies_bring_hsts_and_the_proxys_https_header():
    values = _settings_with({"LUOSHI_SECURE_COOKIES": "on"})
    assert values["SESSION_COOKIE_SECURE"] and values["CSRF_COOKIE_SECURE"]
    assert values["SECURE_HSTS_SECONDS"] == 365 * 24 * 3600
    assert values["SECURE_PROXY_SSL_HEADER"] == ["HTTP_X_FORWARDED_PROTO", "https"]


@override_settings(
    SESSION_COOKIE_SECURE=True,
    SECURE_HSTS_SECONDS=31536000,
    SECURE_PROXY_SSL_HEADER=("HTTP_X_FORWARDED_PROTO", "https"),
)
def test_behind_the_https_proxy_the_browser_is_told_to_keep_to_https(personas, today):
    client = Client()
    response = client.get("/login/", headers={"x-forwarded-proto": "https"})
    assert response["Strict-Transport-Security"] == "max-age=31536000"
    assert "Strict-Transport-Security" not in Client().get("/login/")  # plain HTTP: no HSTS
    client.post(
        "/login/",
        {"username": "reporter_a", "password": "Luoshi@2025x"},
        headers={"x-forwarded-proto": "https"},
    )
    assert client.cookies["sessionid"]["secure"]


def test_no_page_template_carries_inline_script_handler_or_style():
    """The Content-Security-Policy refuses them: scripts and styles live in static files
    (e-mail templates are no pages and keep their inline styles for mail clients)."""
    import re
    from pathlib import Path

    import luoshi

    root = Path(luoshi.__file__).parent
    pages = [p for p in root.glob("**/templates/**/*.html") if "/email/" not in p.as_posix()]
    assert len(pages) > 20
    found = []
    for path in pages:
        text = path.read_text(encoding="utf-8")
        found += [
            f"{path.name}: {m.group(0)[:40]}" for m in re.finditer(r"<script(?![^>]*\bsrc=)[^>]*>", text)
        ]
        found += [
            f"{path.name}: {m.group(0)}" for m in re.finditer(r"\s(on[a-z]+|style|hx-on[:\w-]*)=", text)
        ]
        found += [f"{path.name}: <style>" for _ in re.finditer(r"<style\b", text)]
    assert found == []
