"""Password rules of the 等保 baseline: long enough, and of all four character classes."""

import re

from django.core.exceptions import ValidationError

CLASSES = (
    (re.compile(r"[A-Z]"), "大写字母"),
    (re.compile(r"[a-z]"), "小写字母"),
    (re.compile(r"[0-9]"), "数字"),
    (re.compile(r"[^A-Za-z0-9\s]"), "特殊符号"),
)


class CharacterClassValidator:
    """A password must contain upper-case and lower-case letters, digits and symbols."""

    def validate(self, password, user=None):
        missing = [name for pattern, name in CLASSES if not pattern.search(password or "")]
        if missing:
            raise ValidationError(
                f"密码须同时包含大写字母、小写字母、数字和特殊符号，缺少：{'、'.join(missing)}",
                code="password_classes",
            )

    def get_help_text(self):
        return "密码须同时包含大写字母、小写字母、数字和特殊符号。"
