"""History rows share one base (``core.models.History`` / ``Transition``): the time is
``created_at`` and the why is ``reason`` in every app. Renames only, so the rows keep
their data on SQLite and PostgreSQL alike."""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [("supervision", "0001_supervision_items")]

    operations = [
        migrations.RenameField(model_name="itemtransition", old_name="at", new_name="created_at"),
        migrations.RenameField(model_name="itemtransition", old_name="comment", new_name="reason"),
        migrations.AlterModelOptions(
            name="itemtransition",
            options={"ordering": ["item", "created_at", "pk"], "verbose_name": "督办流转记录", "verbose_name_plural": "督办流转记录"},
        ),
    ]
