from django.apps import AppConfig


class ReportingConfig(AppConfig):
    """Reporting cycles, reports and their review, status against time elapsed, reminders."""

    name = "luoshi.reporting"
    verbose_name = "调度与填报"
