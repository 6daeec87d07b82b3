"""Store up front every period the plans of an existing database report on (new plans
get theirs when imported: ``policy.store_plan_periods``), so that no report pays for
storing its period."""

from django.db import migrations


def store(apps, schema_editor):
    from luoshi.reporting.periods import periods_for

    Plan = apps.get_model("plans", "Plan")
    Task = apps.get_model("plans", "Task")
    Period = apps.get_model("reporting", "Period")
    ReportingPolicy = apps.get_model("reporting", "ReportingPolicy")
    CampaignCadence = apps.get_model("reporting", "CampaignCadence")
    wanted = set()
    for pk, series, year in Plan.objects.values_list("pk", "series", "year"):
        cadences = set(ReportingPolicy.objects.filter(series=series).values_list("cadence", flat=True)) or {
            "dekad"
        }
        cadences |= set(CampaignCadence.objects.filter(series=series).values_list("cadence", flat=True))
        cadences |= set(Task.objects.filter(plan_id=pk).exclude(cadence="").values_list("cadence", flat=True))
        wanted |= {(cadence, year) for cadence in cadences}
    spans = [span for cadence, year in sorted(wanted) for span in periods_for(cadence, year)]
    Period.objects.bulk_create(
        [Period(cadence=s.cadence, key=s.key, label=s.label, start=s.start, end=s.end) for s in spans],
        ignore_conflicts=True,
    )


class Migration(migrations.Migration):
    dependencies = [("reporting", "0006_due_first_working_day")]

    operations = [migrations.RunPython(store, migrations.RunPython.noop)]
