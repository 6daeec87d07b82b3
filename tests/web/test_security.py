"""Security basics of the pages: password rules, CSRF, idle time-out. The lock-out is
tested in tests/accounts, the audit log in tests/audit."""

import pytest
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.test import Client, override_settings

from tests.web.helpers import PERIOD, TASK_A, task

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("password", "missing"),
    [
        ("luoshi@2025x", "大写字母"),
        ("LUOSHI@2025X", "小写字母"),
        ("Luoshi@abcde", "数字"),
        ("Luoshi2025xx", "特殊符号"),
    ],
)
def test_passwords_need_all_four_character_classes(password, missing):
    with pytest.raises(ValidationError) as error:
        validate_password(password)
    assert missing in " ".join(error.value.messages)


def test_short_passwords_are_refused_and_strong_ones_pass():
    with pytest.raises(ValidationError):
        validate_password("Lu@20x")
    validate_password("Xdt#Plan2025!")


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
