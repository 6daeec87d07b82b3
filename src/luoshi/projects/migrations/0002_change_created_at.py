"""History rows share one base (``core.models.History`` / ``Transition``): the time is
``created_at`` and the why is ``reason`` in every app. Renames only, so the rows keep
their data on SQLite and PostgreSQL alike."""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [("projects", "0001_major_projects")]

    operations = [
        migrations.RenameField(model_name="projectchange", old_name="at", new_name="created_at"),
        migrations.AlterModelOptions(
            name="projectchange",
            options={"ordering": ["project", "created_at", "pk"], "verbose_name": "项目变动记录", "verbose_name_plural": "项目变动记录"},
        ),
    ]
