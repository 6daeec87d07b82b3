"""The audit log becomes append-only and hash-chained: each row gets its number in the
chain, the previous row's hash and its own; rows already kept are chained in the order
they were written; a head row records the end of the chain."""

from django.db import migrations, models


def chain_existing_rows(apps, schema_editor):
    from luoshi.audit.chain import GENESIS, content_of, row_hash

    AuditLog = apps.get_model("audit", "AuditLog")
    ChainHead = apps.get_model("audit", "ChainHead")
    prev, sequence = GENESIS, 0
    for row in AuditLog.objects.order_by("at", "pk").iterator():
        sequence += 1
        row.sequence = sequence
        row.address = row.ip or ""
        row.prev_hash = prev
        row.hash = row_hash(content_of(row), prev)
        row.save(update_fields=["sequence", "address", "prev_hash", "hash"])
        prev = row.hash
    ChainHead.objects.create(pk=1, sequence=sequence, hash=prev)


class Migration(migrations.Migration):
    dependencies = [("audit", "0001_audit_log")]

    operations = [
        migrations.CreateModel(
            name="ChainHead",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("sequence", models.BigIntegerField(default=0, verbose_name="末条序号")),
                ("hash", models.CharField(blank=True, max_length=64, verbose_name="末条校验值")),
                ("created_at", models.DateTimeField(auto_now_add=True, verbose_name="创建时间")),
                ("updated_at", models.DateTimeField(auto_now=True, verbose_name="更新时间")),
            ],
            options={"verbose_name": "审计链头", "verbose_name_plural": "审计链头", "ordering": ["pk"]},
        ),
        migrations.RemoveField(model_name="auditlog", name="created_at"),
        migrations.RemoveField(model_name="auditlog", name="updated_at"),
        migrations.AddField(
            model_name="auditlog",
            name="sequence",
            field=models.BigIntegerField(null=True, verbose_name="序号"),
        ),
        migrations.AddField(
            model_name="auditlog",
            name="address",
            field=models.CharField(
                blank=True, help_text="IP 地址；命令行为 cli:系统用户", max_length=200, verbose_name="来源地址"
            ),
        ),
        migrations.AddField(
            model_name="auditlog",
            name="operation",
            field=models.CharField(blank=True, max_length=100, verbose_name="操作"),
        ),
        migrations.AddField(
            model_name="auditlog",
            name="object_repr",
            field=models.CharField(blank=True, max_length=300, verbose_name="对象"),
        ),
        migrations.AddField(
            model_name="auditlog",
            name="changes",
            field=models.JSONField(blank=True, default=dict, help_text="字段 → [原值, 新值]", verbose_name="变更内容"),
        ),
        migrations.AddField(
            model_name="auditlog",
            name="prev_hash",
            field=models.CharField(blank=True, max_length=64, verbose_name="上一条校验值"),
        ),
        migrations.AddField(
            model_name="auditlog",
            name="hash",
            field=models.CharField(default="", max_length=64, verbose_name="校验值"),
            preserve_default=False,
        ),
        migrations.AlterField(
            model_name="auditlog",
            name="action",
            field=models.CharField(
                choices=[
                    ("login", "登录"),
                    ("logout", "退出"),
                    ("login_failed", "登录失败"),
                    ("login_blocked", "锁定期间尝试登录"),
                    ("create", "新建"),
                    ("change", "修改"),
                    ("delete", "删除"),
                    ("denied", "被拒绝的操作"),
                ],
                default="change",
                max_length=40,
                verbose_name="操作类别",
            ),
        ),
        migrations.RunPython(chain_existing_rows, migrations.RunPython.noop),
        migrations.AlterField(
            model_name="auditlog",
            name="sequence",
            field=models.BigIntegerField(unique=True, verbose_name="序号"),
        ),
        migrations.AlterModelOptions(
            name="auditlog",
            options={"ordering": ["-sequence"], "verbose_name": "审计日志", "verbose_name_plural": "审计日志"},
        ),
        migrations.AddIndex(
            model_name="auditlog",
            index=models.Index(fields=["object_type", "object_id"], name="audit_object"),
        ),
    ]
