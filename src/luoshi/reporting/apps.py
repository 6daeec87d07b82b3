from django.apps import AppConfig


class ReportingConfig(AppConfig):
    """Reporting cycles, reports and their review, status against time elapsed, reminders."""

    name = "luoshi.reporting"
    verbose_name = "调度与填报"

    def ready(self) -> None:
        from luoshi.plans.merge import register_merge_rule
        from luoshi.plans.services import after_import

        from .merge import drop_unit_standings, move_unit_reports
        from .models import Report, Standing
        from .policy import store_plan_periods

        register_merge_rule(Report, move_unit_reports)
        register_merge_rule(Standing, drop_unit_standings)
        after_import(lambda plan, previous: store_plan_periods(plan))
