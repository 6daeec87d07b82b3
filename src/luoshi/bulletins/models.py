"""Bulletins (月通报), dispatch sheets (旬调度) and quarterly reviews (季讲评) as documents
with a life: drafted from the numbers, edited, issued once under a number (第N期) and
from then on frozen with their file and its SHA-256. A correction is a new bulletin that
names the one it corrects."""

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.db.models.lookups import Exact

from luoshi.core.models import TimeStamped, Transition
from luoshi.plans.models import Organisation, Part, Plan, default_organisation_id

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
    year = models.PositiveSmallIntegerField("年度", help_text="期号按方案和年度编排")
    overview = models.TextField("总体情况", blank=True)
    campaigns_text = models.TextField("进展较好", blank=True)
    lagging_text = models.TextField("存在问题", blank=True)
    next_steps = models.TextField("下步工作要求", blank=True)
    data = models.JSONField("统计数据", default=dict, blank=True)
    file = models.FileField("印发文件", upload_to="bulletins/%Y/", blank=True)
    sha256 = models.CharField("文件 SHA-256", max_length=64, blank=True)
    content_hash = models.CharField(
        "内容指纹", max_length=64, blank=True, help_text="期号、标题、文字和统计数字的 SHA-256，写入文件属性"
    )
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
                fields=["plan", "kind", "year", "number"],
                condition=Q(campaign__isnull=True, number__isnull=False),
                name="bulletin_plan_year_number_unique",
                violation_error_message="该方案本年度已有同一期号的通报",
            ),
            models.UniqueConstraint(
                fields=["plan", "campaign", "kind", "year", "number"],
                condition=Q(campaign__isnull=False, number__isnull=False),
                name="bulletin_campaign_year_number_unique",
                violation_error_message="该攻坚本年度已有同一期号的通报",
            ),
            models.UniqueConstraint(
                fields=["plan", "kind", "period_key"],
                condition=Q(campaign__isnull=True, state=State.ISSUED, corrects__isnull=True),
                name="bulletin_plan_period_issued_once",
                violation_error_message="该方案同一周期的通报已印发，只能发更正",
            ),
            models.UniqueConstraint(
                fields=["plan", "campaign", "kind", "period_key"],
                condition=Q(campaign__isnull=False, state=State.ISSUED, corrects__isnull=True),
                name="bulletin_campaign_period_issued_once",
                violation_error_message="该攻坚同一周期的通报已印发，只能发更正",
            ),
            models.UniqueConstraint(
                fields=["corrects"],
                condition=Q(state=State.ISSUED),
                name="bulletin_corrected_once",
                violation_error_message="该通报已有印发的更正",
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

    organisation = models.ForeignKey(
        Organisation,
        models.PROTECT,
        default=default_organisation_id,
        related_name="+",
        verbose_name="所属组织",
    )
    series = models.CharField("方案系列", max_length=300)
    timeliness = models.PositiveSmallIntegerField("报送及时性权重", default=30)
    progress = models.PositiveSmallIntegerField("序时进度权重", default=40)
    targets = models.PositiveSmallIntegerField("指标完成权重", default=20)
    supervision = models.PositiveSmallIntegerField("督办按时办结权重", default=10)

    class Meta:
        verbose_name = "讲评权重"
        verbose_name_plural = "讲评权重"
        ordering = ["series"]
        constraints = [
            models.UniqueConstraint(
                fields=["organisation", "series"],
                name="review_weights_org_series_unique",
                violation_error_message="该方案已设置讲评权重",
            ),
            models.CheckConstraint(
                condition=Exact(F("timeliness") + F("progress") + F("targets") + F("supervision"), 100),
                name="review_weights_sum_100",
                violation_error_message="四项权重之和应为 100",
            ),
        ]

    def __str__(self) -> str:
        return (
            f"{self.series}：及时性 {self.timeliness}、进度 {self.progress}、"
            f"指标 {self.targets}、督办 {self.supervision}"
        )


class BulletinSetup(TimeStamped):
    """How a plan series' monthly bulletins are addressed and judged: 主送, 抄送, 印发机关,
    the office that signs them, and the rules for 表扬 and 通报批评 (stated in the text)."""

    organisation = models.ForeignKey(
        Organisation,
        models.PROTECT,
        default=default_organisation_id,
        related_name="+",
        verbose_name="所属组织",
    )
    series = models.CharField("方案系列", max_length=300)
    recipients = models.CharField("主送", max_length=300, default="各攻坚专班、各责任单位")
    office = models.CharField("发文机关署名", max_length=100, blank=True, help_text="空白时用方案的发文机关")
    copy_to = models.CharField("抄送", max_length=300, default="各攻坚牵头领导")
    printer = models.CharField("印发机关", max_length=100, blank=True, help_text="空白时同发文机关署名")
    praise_on_time = models.BooleanField("表扬须本月全部按时报送", default=True)
    praise_on_schedule = models.BooleanField("表扬须牵头任务均达到序时进度", default=True)
    criticize_late_times = models.PositiveSmallIntegerField(
        "逾期或未报送达到几次予以通报批评", default=2, help_text="0 表示不按报送次数批评"
    )
    criticize_serious_without_reason = models.BooleanField("严重滞后且未说明原因予以通报批评", default=True)

    class Meta:
        verbose_name = "通报设置"
        verbose_name_plural = "通报设置"
        ordering = ["series"]
        constraints = [
            models.UniqueConstraint(
                fields=["organisation", "series"],
                name="bulletin_setup_org_series_unique",
                violation_error_message="该方案已有通报设置",
            ),
            models.CheckConstraint(
                condition=~Q(recipients=""),
                name="bulletin_setup_recipients",
                violation_error_message="主送不能为空",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.series}：主送{self.recipients}"
