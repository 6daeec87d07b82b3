"""What the pages keep of their own: what the public page publishes, and plan imports
waiting for the clerk's review."""

from django.conf import settings
from django.db import models

from luoshi.core.models import TimeStamped


class Publication(TimeStamped):
    """A plan series published on the public page (公开): its campaigns' progress beside
    the share of the year gone by, status counts and targets with attainment. Report texts
    (problems, coordination needs, return reasons, notes) are never published."""

    series = models.CharField("方案系列", max_length=300, unique=True)
    published = models.BooleanField("公开", default=False)
    heading = models.CharField("公开标题", max_length=300, blank=True, help_text="空则用方案标题")
    intro = models.TextField("公开说明", blank=True)

    class Meta:
        verbose_name = "公开设置"
        verbose_name_plural = "公开设置"
        ordering = ["series"]

    def __str__(self) -> str:
        return f"{self.heading or self.series}（{'公开' if self.published else '不公开'}）"


class PublishedCampaign(TimeStamped):
    """One campaign (附件N) of a published plan: shown or withheld, with a public summary."""

    publication = models.ForeignKey(
        Publication, models.CASCADE, related_name="campaigns", verbose_name="公开设置"
    )
    part_key = models.CharField("攻坚编号", max_length=20)
    published = models.BooleanField("公开", default=True)
    summary = models.TextField("公开摘要", blank=True)

    class Meta:
        verbose_name = "公开的攻坚"
        verbose_name_plural = "公开的攻坚"
        ordering = ["publication", "part_key"]
        constraints = [
            models.UniqueConstraint(
                fields=["publication", "part_key"],
                name="published_campaign_unique",
                violation_error_message="该攻坚已有公开设置",
            )
        ]

    def __str__(self) -> str:
        return f"{self.part_key}（{'公开' if self.published else '不公开'}）"


class ImportState(models.TextChoices):
    PENDING = "pending", "待确认"
    CONFIRMED = "confirmed", "已导入"
    DISCARDED = "discarded", "已放弃"


class PendingImport(TimeStamped):
    """A plan document uploaded in the browser and parsed, waiting for review: the
    parse, the clerk's unit-name fixes, and after confirmation the import's diff."""

    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.SET_NULL, null=True, related_name="+", verbose_name="上传人"
    )
    source_name = models.CharField("文件名", max_length=300)
    source_file = models.FileField("原文件", upload_to="imports/%Y/%m/")
    plan_data = models.JSONField("解析结果", default=dict)
    renames = models.JSONField("单位名称修正", default=dict, blank=True)
    state = models.CharField("状态", max_length=20, choices=ImportState.choices, default=ImportState.PENDING)
    plan = models.ForeignKey(
        "plans.Plan", models.SET_NULL, null=True, blank=True, related_name="+", verbose_name="导入的方案"
    )
    result = models.JSONField("导入结果", default=dict, blank=True)

    class Meta:
        verbose_name = "待确认的方案导入"
        verbose_name_plural = "待确认的方案导入"
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.source_name}（{self.get_state_display()}）"
