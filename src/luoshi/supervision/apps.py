from django.apps import AppConfig


class SupervisionConfig(AppConfig):
    """Supervision items (督办事项) and rectification ledgers, run to a verified close."""

    name = "luoshi.supervision"
    verbose_name = "督查督办"

    def ready(self) -> None:
        from luoshi.plans.merge import register_merge_rule

        from .models import SupervisionItem
        from .services import move_unit_rows

        register_merge_rule(SupervisionItem, move_unit_rows)
