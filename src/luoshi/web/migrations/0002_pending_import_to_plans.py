"""PendingImport moves to the plans app: its table is renamed (data kept) and the model
leaves the web app's state; plans.0004 takes it up."""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("web", "0001_publication_and_pending_import"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            database_operations=[migrations.AlterModelTable("pendingimport", "plans_pendingimport")],
            state_operations=[migrations.DeleteModel("PendingImport")],
        ),
    ]
