from django.apps import AppConfig


class ReportingConfig(AppConfig):
    """Reporting cycles, reports and their review, status against time elapsed, reminders."""

    name = "luoshi.reporting"
    verbose_name = "调度与填报"

    def ready(self) -> None:
        from django.db.models.signals import post_migrate

        from luoshi.plans.merge import register_merge_rule
        from luoshi.plans.services import after_import

        from .merge import drop_unit_standings, move_unit_reports
        from .models import Report, Standing
        from .policy import store_plan_periods
        from .versions import ensure

        register_merge_rule(Report, move_unit_reports)
        register_merge_rule(Standing, drop_unit_standings)
        after_import(lambda plan, previous: store_plan_periods(plan))
        # the data version's triggers, checked after every migrate and flush (``versions``)
        post_migrate.connect(ensure, sender=self, dispatch_uid="luoshi.reporting.versions")
