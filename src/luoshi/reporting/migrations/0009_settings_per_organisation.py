import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models

import luoshi.plans.models

MODELS = ("ReportingPolicy", "CampaignCadence")


def into_their_organisation(apps, schema_editor):
    """Each row goes with the organisation of the plans of its series (a single-organisation
    install: its one organisation)."""
    Plan = apps.get_model("plans", "Plan")
    Organisation = apps.get_model("plans", "Organisation")
    first = None
    for name in MODELS:
        model = apps.get_model("reporting", name)
        for row in model.objects.all():
            org_id = (
                Plan.objects.filter(series=row.series)
                .order_by("pk")
                .values_list("organisation_id", flat=True)
                .first()
            )
            if org_id is None:
                if first is None:
                    first = Organisation.objects.filter(parent__isnull=True).order_by("pk").first()
                if first is None:
                    first = Organisation.objects.create(
                        name=getattr(settings, "LUOSHI_ORG_NAME", "") or "本级"
                    )
                    Organisation.objects.filter(pk=first.pk).update(path=f"/{first.pk}/")
                org_id = first.pk
            model.objects.filter(pk=row.pk).update(organisation_id=org_id)


def _field(**extra):
    return models.ForeignKey(
        on_delete=django.db.models.deletion.PROTECT,
        related_name="+",
        to="plans.organisation",
        verbose_name="所属组织",
        **extra,
    )


class Migration(migrations.Migration):
    dependencies = [
        ("reporting", "0008_delivery_retries"),
        ("plans", "0006_organisations_and_task_links"),
    ]

    operations = [
        migrations.RemoveConstraint(model_name="campaigncadence", name="campaign_cadence_unique"),
        *[
            migrations.AddField(model_name=name.lower(), name="organisation", field=_field(null=True))
            for name in MODELS
        ],
        migrations.RunPython(into_their_organisation, migrations.RunPython.noop),
        *[
            migrations.AlterField(
                model_name=name.lower(),
                name="organisation",
                field=_field(default=luoshi.plans.models.default_organisation_id),
            )
            for name in MODELS
        ],
        migrations.AlterField(
            model_name="reportingpolicy",
            name="series",
            field=models.CharField(max_length=300, verbose_name="方案系列"),
        ),
        migrations.AddConstraint(
            model_name="reportingpolicy",
            constraint=models.UniqueConstraint(
                fields=("organisation", "series"),
                name="reporting_policy_org_series_unique",
                violation_error_message="该方案已有报送规则",
            ),
        ),
        migrations.AddConstraint(
            model_name="campaigncadence",
            constraint=models.UniqueConstraint(
                fields=("organisation", "series", "part_key"),
                name="campaign_cadence_org_unique",
                violation_error_message="该攻坚已设置调度周期",
            ),
        ),
    ]
