from django.apps import AppConfig


class AccountsConfig(AppConfig):
    """Users attached to units with roles."""

    name = "luoshi.accounts"
    verbose_name = "用户与角色"

    def ready(self):
        from . import otp  # noqa: F401  (the sign-in notes what the session owes)
