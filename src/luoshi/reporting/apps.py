from django.apps import AppConfig


class ReportingConfig(AppConfig):
    """Reporting cycles, reports and their review, status against time elapsed, reminders."""

    name = "luoshi.reporting"
    verbose_name = "调度与填报"

    def ready(self) -> None:
        from luoshi.plans.merge import register_merge_rule

        from .merge import drop_unit_standings, move_unit_reports
        from .models import Report, Standing

        register_merge_rule(Report, move_unit_reports)
        register_merge_rule(Standing, drop_unit_standings)
