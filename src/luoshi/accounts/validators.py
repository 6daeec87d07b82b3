"""Password rules of the 等保 baseline: long enough, and of all four character classes;
Django's default rules with Chinese messages and help texts."""

import re

from django.contrib.auth import password_validation
from django.core.exceptions import ValidationError
from django.utils import translation

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


# Django's four default rules, in Chinese whatever language is active (pages, the admin,
# `luoshi createsuperuser`, the API): the checks are Django's own, the words ours.


class UserAttributeSimilarityValidator(password_validation.UserAttributeSimilarityValidator):
    """Not close to the user name, the name or the e-mail address."""

    def validate(self, password, user=None):
        with translation.override("zh-hans"):  # the field's name in the message
            super().validate(password, user)

    def get_error_message(self):
        return "密码与%(verbose_name)s过于相似，请换一个。"

    def get_help_text(self):
        return "密码不能与用户名、姓名或电子邮箱相近。"


class MinimumLengthValidator(password_validation.MinimumLengthValidator):
    """At least ``min_length`` characters (10 in the settings)."""

    def get_error_message(self):
        return "密码太短，至少需要 %(min_length)d 个字符。"

    def get_help_text(self):
        return f"密码至少 {self.min_length} 个字符。"


class CommonPasswordValidator(password_validation.CommonPasswordValidator):
    """Not one of the 20,000 most common passwords (Django's list)."""

    def get_error_message(self):
        return "该密码过于常见，容易被猜中，请换一个。"

    def get_help_text(self):
        return "密码不能是常见密码。"


class NumericPasswordValidator(password_validation.NumericPasswordValidator):
    """Not digits only."""

    def get_error_message(self):
        return "密码不能全是数字。"

    def get_help_text(self):
        return "密码不能全是数字。"
