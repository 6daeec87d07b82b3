"""History rows share one base (``core.models.History`` / ``Transition``): the time is
``created_at`` and the why is ``reason`` in every app. Renames only, so the rows keep
their data on SQLite and PostgreSQL alike."""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [("bulletins", "0001_bulletins")]

    operations = [
        migrations.RenameField(model_name="bulletintransition", old_name="at", new_name="created_at"),
        migrations.RenameField(model_name="bulletintransition", old_name="note", new_name="reason"),
        migrations.AlterModelOptions(
            name="bulletintransition",
            options={"ordering": ["bulletin", "created_at", "pk"], "verbose_name": "通报流转记录", "verbose_name_plural": "通报流转记录"},
        ),
    ]
