from django.apps import AppConfig


class ApiConfig(AppConfig):
    """The JSON API (django-ninja) under /api/v1/."""

    name = "luoshi.api"
    verbose_name = "接口"
