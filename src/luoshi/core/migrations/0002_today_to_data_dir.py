"""The demo's fixed today moves from the Setting table to the data directory (read once
per process by the clock); the table, which held nothing else, goes."""

from django.conf import settings
from django.db import migrations

TODAY_KEY = "today"
TODAY_FILE = "today"  # luoshi.core.clock.TODAY_FILE, as it was when this was written


def today_to_file(apps, schema_editor):
    """A round-1 demo database keeps playing its year as of its date."""
    Setting = apps.get_model("core", "Setting")
    db = schema_editor.connection.alias
    value = Setting.objects.using(db).filter(key=TODAY_KEY).values_list("value", flat=True).first()
    path = settings.DATA_DIR / TODAY_FILE
    if value and not path.exists():
        settings.DATA_DIR.mkdir(parents=True, exist_ok=True)
        path.write_text(value.strip(), encoding="utf-8")


def file_to_today(apps, schema_editor):
    Setting = apps.get_model("core", "Setting")
    db = schema_editor.connection.alias
    path = settings.DATA_DIR / TODAY_FILE
    if path.exists():
        value = path.read_text(encoding="utf-8").strip()
        Setting.objects.using(db).update_or_create(key=TODAY_KEY, defaults={"value": value})


class Migration(migrations.Migration):
    dependencies = [("core", "0001_initial")]

    operations = [
        migrations.RunPython(today_to_file, file_to_today),
        migrations.DeleteModel(name="Setting"),
    ]
