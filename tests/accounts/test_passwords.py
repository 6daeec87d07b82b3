"""Password rules of the 等保 baseline (``accounts.validators``): long enough, and of all
four character classes, named in Chinese when one is missing."""

import re

import pytest
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError


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


# Django's four rules through the password change page, in Chinese


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("new_password", "message"),
    [
        ("Reporter_a#1", "密码与用户名过于相似"),
        ("Lu@20x", "密码太短，至少需要 10 个字符"),
        ("Pe#5gz29ptzmse", "该密码过于常见"),  # in Django's list, whatever the case
        ("12345678901234", "密码不能全是数字"),
    ],
)
def test_the_password_page_refuses_a_weak_password_in_chinese(
    personas, today, client_for, new_password, message
):
    from django.contrib.auth import get_user_model

    from tests.web.helpers import PASSWORD

    client = client_for(personas["reporter_a"])
    response = client.post(
        "/password/",
        {"old_password": PASSWORD, "new_password1": new_password, "new_password2": new_password},
    )
    assert response.status_code == 200
    errors = response.context["form"].errors["new_password2"]
    assert any(message in error for error in errors), errors
    assert not any(re.search(r"[A-Za-z]{4,}", error) for error in errors), errors  # no English
    assert get_user_model().objects.get(username="reporter_a").check_password(PASSWORD)  # unchanged


@pytest.mark.django_db
def test_the_password_page_lists_the_rules_in_chinese_and_takes_a_strong_one(personas, today, client_for):
    from django.contrib.auth import get_user_model

    from tests.web.helpers import PASSWORD

    client = client_for(personas["reporter_a"])
    page = client.get("/password/").content.decode()
    rules = page[page.index('id="password-rules"') :]
    for rule in (
        "不能与用户名、姓名或电子邮箱相近",
        "至少 10 个字符",
        "不能是常见密码",
        "不能全是数字",
        "特殊符号",
    ):
        assert rule in rules
    response = client.post(
        "/password/",
        {"old_password": PASSWORD, "new_password1": "Xdt#Plan2025!", "new_password2": "Xdt#Plan2025!"},
    )
    assert response.status_code == 302
    assert get_user_model().objects.get(username="reporter_a").check_password("Xdt#Plan2025!")


@pytest.mark.django_db
def test_the_rules_speak_chinese_outside_a_request_too(personas):
    """``luoshi createsuperuser`` and the admin run with whatever language is active."""
    from django.utils import translation

    with translation.override("en"), pytest.raises(ValidationError) as error:
        validate_password("Reporter_a#1", personas["reporter_a"])
    assert error.value.messages == ["密码与用户名过于相似，请换一个。"]
