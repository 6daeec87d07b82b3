from django.apps import AppConfig


class SupervisionConfig(AppConfig):
    """Supervision items (督办事项) and rectification ledgers, run to a verified close."""

    name = "luoshi.supervision"
    verbose_name = "督查督办"
