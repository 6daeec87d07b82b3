from django.apps import AppConfig


class AuditConfig(AppConfig):
    """The audit log: who changed what, when, from where."""

    name = "luoshi.audit"
    verbose_name = "审计日志"

    def ready(self):
        from . import signals  # noqa: F401
