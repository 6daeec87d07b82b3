"""Build the kept rows (``Standing``) of an existing database from its reports."""

from django.db import migrations


def build(apps, schema_editor):
    from luoshi.reporting.kept import rebuild

    rebuild(
        models=(apps.get_model("reporting", "Report"), apps.get_model("reporting", "Standing"), apps.get_model("plans", "Task"))
    )


class Migration(migrations.Migration):
    dependencies = [("reporting", "0004_standing")]

    operations = [migrations.RunPython(build, migrations.RunPython.noop)]
