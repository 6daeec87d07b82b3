from django.apps import AppConfig


class DemoConfig(AppConfig):
    """The demo on the top floor: the seed plan, its users, a played year, ``luoshi demo``.
    It imports every domain; nothing below imports it."""

    name = "luoshi.demo"
    verbose_name = "演示"
