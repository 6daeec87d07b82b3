import django.db.models.deletion
from django.db import migrations, models


def by_their_users(apps, schema_editor):
    """Each existing row takes the organisation of the user who acted (a single-organisation
    install: that one); the system's and the administrator's rows keep none."""
    AuditLog = apps.get_model("audit", "AuditLog")
    Profile = apps.get_model("accounts", "Profile")
    for user_id, org_id in Profile.objects.values_list("user_id", "organisation_id"):
        AuditLog.objects.filter(user_id=user_id).update(organisation_id=org_id)


class Migration(migrations.Migration):
    dependencies = [
        ("audit", "0003_api_call_action"),
        ("plans", "0006_organisations_and_task_links"),
        ("accounts", "0003_profile_organisation"),
    ]

    operations = [
        migrations.AddField(
            model_name="auditlog",
            name="organisation",
            field=models.ForeignKey(
                blank=True,
                help_text="操作者所属的组织（系统与无角色的管理员为空）；审计人员只看本级及下级组织的记录",
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="+",
                to="plans.organisation",
                verbose_name="所属组织",
            ),
        ),
        migrations.RunPython(by_their_users, migrations.RunPython.noop),
    ]
