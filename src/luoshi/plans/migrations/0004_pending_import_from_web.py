"""PendingImport comes from the web app: the table web.0002 renamed is taken into the
plans app's state as it is (no schema change), and the content type follows so admin
history and permissions stay attached."""

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


def move_content_type(apps, schema_editor):
    ContentType = apps.get_model("contenttypes", "ContentType")
    if ContentType.objects.filter(app_label="plans", model="pendingimport").exists():
        return
    ContentType.objects.filter(app_label="web", model="pendingimport").update(app_label="plans")


class Migration(migrations.Migration):
    dependencies = [
        ("contenttypes", "0002_remove_content_type_name"),
        ("plans", "0003_source_file_longer"),
        ("web", "0002_pending_import_to_plans"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.CreateModel(
                    name="PendingImport",
                    fields=[
                        (
                            "id",
                            models.BigAutoField(
                                auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                            ),
                        ),
                        ("created_at", models.DateTimeField(auto_now_add=True, verbose_name="创建时间")),
                        ("updated_at", models.DateTimeField(auto_now=True, verbose_name="更新时间")),
                        ("source_name", models.CharField(max_length=300, verbose_name="文件名")),
                        ("source_file", models.FileField(upload_to="imports/%Y/%m/", verbose_name="原文件")),
                        ("plan_data", models.JSONField(default=dict, verbose_name="解析结果")),
                        ("renames", models.JSONField(blank=True, default=dict, verbose_name="单位名称修正")),
                        (
                            "state",
                            models.CharField(
                                choices=[("pending", "待确认"), ("confirmed", "已导入"), ("discarded", "已放弃")],
                                default="pending",
                                max_length=20,
                                verbose_name="状态",
                            ),
                        ),
                        ("result", models.JSONField(blank=True, default=dict, verbose_name="导入结果")),
                        (
                            "created_by",
                            models.ForeignKey(
                                null=True,
                                on_delete=django.db.models.deletion.SET_NULL,
                                related_name="+",
                                to=settings.AUTH_USER_MODEL,
                                verbose_name="上传人",
                            ),
                        ),
                        (
                            "plan",
                            models.ForeignKey(
                                blank=True,
                                null=True,
                                on_delete=django.db.models.deletion.SET_NULL,
                                related_name="+",
                                to="plans.plan",
                                verbose_name="导入的方案",
                            ),
                        ),
                    ],
                    options={
                        "verbose_name": "待确认的方案导入",
                        "verbose_name_plural": "待确认的方案导入",
                        "ordering": ["-created_at"],
                    },
                ),
            ],
        ),
        migrations.RunPython(move_content_type, migrations.RunPython.noop),
    ]
