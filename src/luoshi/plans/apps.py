from django.apps import AppConfig


class PlansConfig(AppConfig):
    """Plans, their parts, sections, tasks, targets, task forces; the unit registry."""

    name = "luoshi.plans"
    verbose_name = "方案与三张清单"
