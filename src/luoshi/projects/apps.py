from django.apps import AppConfig


class ProjectsConfig(AppConfig):
    """Major projects: weekly updates, biweekly reconciliation, 四比四提高 rates."""

    name = "luoshi.projects"
    verbose_name = "重大项目"

    def ready(self) -> None:
        from luoshi.plans.services import register_merge_hook

        from .services import move_unit_rows

        register_merge_hook(move_unit_rows)
