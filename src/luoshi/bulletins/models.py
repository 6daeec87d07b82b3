"""Bulletins (月通报), dispatch sheets (旬调度) and quarterly reviews (季讲评) as documents
with a life: drafted from the numbers, edited, issued once under a number (第N期) and
from then on frozen with their file and its SHA-256. A correction is a new bulletin that
names the one it corrects."""

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.db.models.lookups import Exact

from luoshi.core.models import TimeStamped, Transition
from luoshi.plans.models import Part, Plan

from .choices import Action, Kind, State


class Bulletin(TimeStamped):
    """One bulletin of a plan, or of one campaign (攻坚) of it, for one period.

    ``data`` holds the gathered numbers (``gather.py``) the document is written from;
    the narrative fields are the parts an office edits. Issuing numbers it, renders the
    Word file, stores it with its SHA-256, and freezes everything.
    """

    plan = models.ForeignKey(Plan, models.PROTECT, related_name="bulletins", verbose_name="方案")
    campaign = models.ForeignKey(
        Part, models.PROTECT, null=True, blank=True, related_name="bulletins", verbose_name="攻坚"
    )
    kind = models.CharField("类型", max_length=20, choices=Kind.choices, default=Kind.MONTHLY)
    state = models.CharField("状态", max_length=20, choices=State.choices, default=State.DRAFT)
    period_key = models.CharField(
        "周期", max_length=20, help_text="月如 2025-05，旬如 2025-05-1，季如 2025Q2"
    )
    month = models.DateField("月份", help_text="周期所在月的第一天")
    as_of = models.DateField("统计截止日期")
    number = models.PositiveIntegerField("期号", null=True, blank=True)
    title = models.CharField("标题", max_length=300)
    overview = models.TextField("总体情况", blank=True)
    campaigns_text = models.TextField("各攻坚进展", blank=True)
    lagging_text = models.TextField("滞后事项", blank=True)
    reporting_text = models.TextField("报送情况", blank=True)
    targets_text = models.TextField("指标完成情况", blank=True)
    next_steps = models.TextField("下步工作", blank=True)
    data = models.JSONField("统计数据", default=dict, blank=True)
    file = models.FileField("印发文件", upload_to="bulletins/%Y/", blank=True)
    sha256 = models.CharField("文件 SHA-256", max_length=64, blank=True)
    corrects = models.ForeignKey(
        "self", models.PROTECT, null=True, blank=True, related_name="corrections", verbose_name="更正的通报"
    )
    issued_at = models.DateTimeField("印发时间", null=True, blank=True)
    issued_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="印发人",
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="起草人",
    )

    class Meta:
        verbose_name = "通报"
        verbose_name_plural = "通报"
        ordering = ["plan", "kind", "-month", "-number", "-pk"]
        indexes = [models.Index(fields=["plan", "kind", "state"], name="bulletin_plan_kind_state")]
        constraints = [
            models.UniqueConstraint(
                fields=["plan", "kind", "number"],
                condition=Q(campaign__isnull=True, number__isnull=False),
                name="bulletin_plan_number_unique",
                violation_error_message="该方案已有同一期号的通报",
            ),
            models.UniqueConstraint(
                fields=["plan", "campaign", "kind", "number"],
                condition=Q(campaign__isnull=False, number__isnull=False),
                name="bulletin_campaign_number_unique",
                violation_error_message="该攻坚已有同一期号的通报",
            ),
            models.CheckConstraint(
                condition=Q(state=State.DRAFT, number__isnull=True)
                | (Q(state=State.ISSUED, number__isnull=False, issued_at__isnull=False) & ~Q(sha256="")),
                name="bulletin_issued_numbered",
                violation_error_message="草稿没有期号；已印发的通报必须有期号、印发时间和文件指纹",
            ),
        ]

    def __str__(self) -> str:
        number = f"第{self.number}期 " if self.number else ""
        return f"{number}{self.title}"

    @property
    def is_issued(self) -> bool:
        return self.state == State.ISSUED


class BulletinTransition(Transition):
    """Every step of a bulletin: who, when, what, from which state to which."""

    bulletin = models.ForeignKey(Bulletin, models.CASCADE, related_name="transitions", verbose_name="通报")
    action = models.CharField("操作", max_length=20, choices=Action.choices)
    from_state = models.CharField("原状态", max_length=20, choices=State.choices, blank=True)
    to_state = models.CharField("新状态", max_length=20, choices=State.choices)
    actor_name = models.CharField("操作人姓名", max_length=150)

    class Meta:
        verbose_name = "通报流转记录"
        verbose_name_plural = "通报流转记录"
        ordering = ["bulletin", "created_at", "pk"]

    def __str__(self) -> str:
        return f"{self.get_action_display()}（{self.actor_name}）"


class ReviewWeights(TimeStamped):
    """How the quarterly review (季讲评) scores a unit: four weights summing to 100, set by
    the coordinator for a plan series."""

    series = models.CharField("方案系列", max_length=300, unique=True)
    timeliness = models.PositiveSmallIntegerField("报送及时性权重", default=30)
    progress = models.PositiveSmallIntegerField("序时进度权重", default=40)
    targets = models.PositiveSmallIntegerField("指标完成权重", default=20)
    supervision = models.PositiveSmallIntegerField("督办按时办结权重", default=10)

    class Meta:
        verbose_name = "讲评权重"
        verbose_name_plural = "讲评权重"
        ordering = ["series"]
        constraints = [
            models.CheckConstraint(
                condition=Exact(F("timeliness") + F("progress") + F("targets") + F("supervision"), 100),
                name="review_weights_sum_100",
                violation_error_message="四项权重之和应为 100",
            )
        ]

    def __str__(self) -> str:
        return (
            f"{self.series}：及时性 {self.timeliness}、进度 {self.progress}、"
            f"指标 {self.targets}、督办 {self.supervision}"
        )
