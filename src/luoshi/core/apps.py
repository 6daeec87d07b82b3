from django.apps import AppConfig


class CoreConfig(AppConfig):
    """The ground floor every app stands on: the time-stamped base model and the clock."""

    name = "luoshi.core"
    verbose_name = "系统"
