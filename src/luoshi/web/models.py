"""What the pages keep of their own: what the public page publishes."""

from django.db import models

from luoshi.core.models import TimeStamped
from luoshi.plans.models import Organisation, default_organisation_id


class Publication(TimeStamped):
    """A plan series published on the public page (公开): its campaigns' progress beside
    the share of the year gone by, status counts and targets with attainment. Report texts
    (problems, coordination needs, return reasons, notes) are never published. A series
    is an organisation's own: each district publishes its plans."""

    organisation = models.ForeignKey(
        Organisation,
        models.PROTECT,
        default=default_organisation_id,
        related_name="publications",
        verbose_name="所属组织",
    )
    series = models.CharField("方案系列", max_length=300)
    published = models.BooleanField("公开", default=False)
    heading = models.CharField("公开标题", max_length=300, blank=True, help_text="空则用方案标题")
    intro = models.TextField("公开说明", blank=True)

    class Meta:
        verbose_name = "公开设置"
        verbose_name_plural = "公开设置"
        ordering = ["series"]
        constraints = [
            models.UniqueConstraint(
                fields=["organisation", "series"],
                name="publication_org_series_unique",
                violation_error_message="该方案已有公开设置",
            )
        ]

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
