"""Password rules of the 等保 baseline (``accounts.validators``): long enough, and of all
four character classes, named in Chinese when one is missing."""

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
