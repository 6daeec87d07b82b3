"""A project belongs to its owner unit's organisation, and its code is unique there, not
installation-wide: two districts may each have a project 2025-001. The column is filled
from the owner unit (a separate step), then made required."""

import django.db.models.deletion
from django.db import migrations, models

import luoshi.plans.models


def into_their_units_organisation(apps, schema_editor):
    Project = apps.get_model("projects", "Project")
    Unit = apps.get_model("plans", "Unit")
    for unit_id, org_id in Unit.objects.filter(projects__isnull=False).values_list("pk", "organisation_id").distinct():
        Project.objects.filter(owner_unit_id=unit_id).update(organisation_id=org_id)


class Migration(migrations.Migration):
    dependencies = [
        ("plans", "0007_pending_import_organisation"),
        ("projects", "0002_change_created_at"),
    ]

    operations = [
        migrations.AddField(
            model_name="project",
            name="organisation",
            field=models.ForeignKey(
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="projects",
                to="plans.organisation",
                verbose_name="所属组织",
            ),
        ),
        migrations.RunPython(into_their_units_organisation, migrations.RunPython.noop),
        migrations.AlterField(
            model_name="project",
            name="organisation",
            field=luoshi.plans.models.OrganisationField(
                on_delete=django.db.models.deletion.PROTECT,
                related_name="projects",
                to="plans.organisation",
                verbose_name="所属组织",
            ),
        ),
        migrations.AlterField(
            model_name="project",
            name="code",
            field=models.CharField(max_length=50, verbose_name="项目编号"),
        ),
        migrations.AddConstraint(
            model_name="project",
            constraint=models.UniqueConstraint(
                fields=("organisation", "code"),
                name="project_organisation_code_unique",
                violation_error_message="同一组织内项目编号不能重复",
            ),
        ),
    ]
