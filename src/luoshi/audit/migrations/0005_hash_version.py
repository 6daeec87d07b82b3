from django.db import migrations, models


class Migration(migrations.Migration):
    """Rows written so far were hashed without their organisation (rule 1); every row from
    now on says it is hashed by rule 2, which covers it (audit.chain)."""

    dependencies = [("audit", "0004_audit_row_organisation")]

    operations = [
        migrations.AddField(
            model_name="auditlog",
            name="hash_version",
            field=models.PositiveSmallIntegerField(default=1, verbose_name="校验规则"),
            preserve_default=False,
        ),
        migrations.AlterField(
            model_name="auditlog",
            name="hash_version",
            field=models.PositiveSmallIntegerField(
                default=2,
                help_text="1：不含所属组织（此前写入的记录）；2：含所属组织与本规则编号（docs/audit.md）",
                verbose_name="校验规则",
            ),
        ),
    ]
