import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models

import luoshi.plans.models


def into_their_organisation(apps, schema_editor):
    """A confirmed import goes with its plan's organisation; the others (and every one on
    an install from before organisations) with the install's first organisation."""
    PendingImport = apps.get_model("plans", "PendingImport")
    Organisation = apps.get_model("plans", "Organisation")
    if not PendingImport.objects.exists():
        return
    org = Organisation.objects.filter(parent__isnull=True).order_by("pk").first()
    if org is None:
        org = Organisation.objects.create(name=getattr(settings, "LUOSHI_ORG_NAME", "") or "本级")
        Organisation.objects.filter(pk=org.pk).update(path=f"/{org.pk}/")
    for pending in PendingImport.objects.filter(plan__isnull=False).select_related("plan"):
        PendingImport.objects.filter(pk=pending.pk).update(organisation_id=pending.plan.organisation_id)
    PendingImport.objects.filter(organisation__isnull=True).update(organisation=org)


class Migration(migrations.Migration):
    dependencies = [
        ("plans", "0006_organisations_and_task_links"),
    ]

    operations = [
        migrations.AddField(
            model_name="pendingimport",
            name="organisation",
            field=models.ForeignKey(
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="pending_imports",
                to="plans.organisation",
                verbose_name="导入到组织",
            ),
        ),
        migrations.RunPython(into_their_organisation, migrations.RunPython.noop),
        migrations.AlterField(
            model_name="pendingimport",
            name="organisation",
            field=models.ForeignKey(
                default=luoshi.plans.models.default_organisation_id,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="pending_imports",
                to="plans.organisation",
                verbose_name="导入到组织",
            ),
        ),
    ]
