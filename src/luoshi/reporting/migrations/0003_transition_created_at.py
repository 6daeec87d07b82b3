"""History rows share one base (``core.models.History`` / ``Transition``): the time is
``created_at`` and the why is ``reason`` in every app. Renames only, so the rows keep
their data on SQLite and PostgreSQL alike."""

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("reporting", "0002_reminder_deliveries"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.RenameField(model_name="reporttransition", old_name="at", new_name="created_at"),
        migrations.AlterModelOptions(
            name="reporttransition",
            options={"ordering": ["report", "created_at", "pk"], "verbose_name": "报告流转记录", "verbose_name_plural": "报告流转记录"},
        ),
        migrations.AlterField(
            model_name="reporttransition",
            name="actor",
            field=models.ForeignKey(
                blank=True,
                null=True,
                on_delete=django.db.models.deletion.SET_NULL,
                related_name="+",
                to=settings.AUTH_USER_MODEL,
                verbose_name="操作人",
            ),
        ),
    ]
