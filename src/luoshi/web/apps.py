from django.apps import AppConfig


class WebConfig(AppConfig):
    """Pages for people: workspaces, review queues, battle map, public page."""

    name = "luoshi.web"
    verbose_name = "网页"
