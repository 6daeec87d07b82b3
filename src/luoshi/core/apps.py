from django.apps import AppConfig


class CoreConfig(AppConfig):
    """Commands that span the domains: demo, serve."""

    name = "luoshi.core"
    verbose_name = "系统"
