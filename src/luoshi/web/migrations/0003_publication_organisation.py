import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models

import luoshi.plans.models


def into_their_organisation(apps, schema_editor):
    """A publication goes with the organisation of the plans of its series (a
    single-organisation install: its one organisation)."""
    Publication = apps.get_model("web", "Publication")
    Plan = apps.get_model("plans", "Plan")
    Organisation = apps.get_model("plans", "Organisation")
    if not Publication.objects.exists():
        return
    first = Organisation.objects.filter(parent__isnull=True).order_by("pk").first()
    if first is None:
        first = Organisation.objects.create(name=getattr(settings, "LUOSHI_ORG_NAME", "") or "本级")
        Organisation.objects.filter(pk=first.pk).update(path=f"/{first.pk}/")
    for publication in Publication.objects.all():
        org_id = (
            Plan.objects.filter(series=publication.series)
            .order_by("pk")
            .values_list("organisation_id", flat=True)
            .first()
        )
        Publication.objects.filter(pk=publication.pk).update(organisation_id=org_id or first.pk)


class Migration(migrations.Migration):
    dependencies = [
        ("web", "0002_pending_import_to_plans"),
        ("plans", "0006_organisations_and_task_links"),
    ]

    operations = [
        migrations.AddField(
            model_name="publication",
            name="organisation",
            field=models.ForeignKey(
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="publications",
                to="plans.organisation",
                verbose_name="所属组织",
            ),
        ),
        migrations.RunPython(into_their_organisation, migrations.RunPython.noop),
        migrations.AlterField(
            model_name="publication",
            name="organisation",
            field=models.ForeignKey(
                default=luoshi.plans.models.default_organisation_id,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="publications",
                to="plans.organisation",
                verbose_name="所属组织",
            ),
        ),
        migrations.AlterField(
            model_name="publication",
            name="series",
            field=models.CharField(max_length=300, verbose_name="方案系列"),
        ),
        migrations.AddConstraint(
            model_name="publication",
            constraint=models.UniqueConstraint(
                fields=("organisation", "series"),
                name="publication_org_series_unique",
                violation_error_message="该方案已有公开设置",
            ),
        ),
    ]
