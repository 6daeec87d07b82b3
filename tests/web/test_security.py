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
