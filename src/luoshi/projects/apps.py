from django.apps import AppConfig


class ProjectsConfig(AppConfig):
    """Major projects: weekly updates, biweekly reconciliation, 四比四提高 rates."""

    name = "luoshi.projects"
    verbose_name = "重大项目"
