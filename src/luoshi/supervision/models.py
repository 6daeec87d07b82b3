"""Supervision items (督办事项) with their history and evidence, and rectification
ledgers (整改台账) that bring many items in from one spreadsheet."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse

from luoshi.core.models import TimeStamped, Transition
from luoshi.plans.models import Part, Task, Unit
from luoshi.reporting.models import Report

from .choices import Action, ItemState, Level, Source


class Ledger(TimeStamped):
    """A rectification ledger (整改台账): a list of problems imported from a spreadsheet,
    each row an item. Every uploaded file is kept (``LedgerUpload``) for the audit trail."""

    title = models.CharField("台账名称", max_length=300)
    source = models.CharField("来源", max_length=20, choices=Source.choices, default=Source.RECTIFICATION)
    part = models.ForeignKey(
        Part, models.PROTECT, null=True, blank=True, related_name="ledgers", verbose_name="攻坚"
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="建立人",
    )

    class Meta:
        verbose_name = "整改台账"
        verbose_name_plural = "整改台账"
        ordering = ["-created_at", "-pk"]

    def __str__(self) -> str:
        return self.title


class LedgerUpload(TimeStamped):
    """One spreadsheet imported into a ledger, kept as it came, with what it did."""

    ledger = models.ForeignKey(Ledger, models.CASCADE, related_name="uploads", verbose_name="整改台账")
    file = models.FileField("原始文件", upload_to="ledgers/%Y/")
    file_name = models.CharField("原始文件名", max_length=300)
    sha256 = models.CharField("SHA-256", max_length=64)
    created_count = models.PositiveIntegerField("新增事项数", default=0)
    updated_count = models.PositiveIntegerField("更新事项数", default=0)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="导入人",
    )

    class Meta:
        verbose_name = "台账导入记录"
        verbose_name_plural = "台账导入记录"
        ordering = ["ledger", "created_at", "pk"]

    def __str__(self) -> str:
        return f"{self.file_name}（新增{self.created_count}，更新{self.updated_count}）"


class SupervisionItem(TimeStamped):
    """A supervision item (督办事项): what must be done, by which unit, by when, at which
    level; run 交办 → 办理中 → 已反馈 → 核查中 → 已办结 and closed only by a verifier."""

    title = models.CharField("事项", max_length=300)
    content = models.TextField("督办内容")
    measures = models.TextField("整改措施", blank=True)
    source = models.CharField("来源", max_length=20, choices=Source.choices)
    level = models.CharField("督办级别", max_length=20, choices=Level.choices, default=Level.NORMAL)
    state = models.CharField("状态", max_length=20, choices=ItemState.choices, default=ItemState.ASSIGNED)
    lead_unit = models.ForeignKey(Unit, models.PROTECT, related_name="led_items", verbose_name="牵头单位")
    cooperating_units = models.ManyToManyField(
        Unit, blank=True, related_name="cooperating_items", verbose_name="配合单位"
    )
    deadline = models.DateField("办理时限")
    part = models.ForeignKey(
        Part, models.PROTECT, null=True, blank=True, related_name="supervision_items", verbose_name="攻坚"
    )
    task = models.ForeignKey(
        Task, models.PROTECT, null=True, blank=True, related_name="supervision_items", verbose_name="关联任务"
    )
    report = models.ForeignKey(
        Report,
        models.PROTECT,
        null=True,
        blank=True,
        related_name="supervision_items",
        verbose_name="关联报告",
    )
    parent = models.ForeignKey(
        "self",
        models.PROTECT,
        null=True,
        blank=True,
        related_name="instructions",
        verbose_name="关联督办事项",
    )
    ledger = models.ForeignKey(
        Ledger, models.PROTECT, null=True, blank=True, related_name="items", verbose_name="整改台账"
    )
    ledger_number = models.CharField("台账序号", max_length=20, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="交办人",
    )
    closed_at = models.DateTimeField("办结时间", null=True, blank=True)
    escalated_for = models.DateField(
        "已按此时限逾期升级", null=True, blank=True, help_text="逾期升级只做一次：记下升级时的办理时限"
    )

    class Meta:
        verbose_name = "督办事项"
        verbose_name_plural = "督办事项"
        ordering = ["deadline", "pk"]
        indexes = [models.Index(fields=["state", "deadline"], name="item_state_deadline")]
        constraints = [
            models.CheckConstraint(
                condition=~Q(state=ItemState.CLOSED) | Q(closed_at__isnull=False),
                name="item_closed_has_time",
                violation_error_message="已办结的督办事项必须有办结时间",
            ),
            models.UniqueConstraint(
                fields=["ledger", "ledger_number"],
                condition=Q(ledger__isnull=False) & ~Q(ledger_number=""),
                name="item_ledger_number_unique",
                violation_error_message="同一台账中序号不能重复",
            ),
        ]

    def __str__(self) -> str:
        return f"督办〔{self.pk}〕{self.title}"

    def get_absolute_url(self) -> str:
        return reverse("web:supervision_item", args=[self.pk])

    @property
    def is_open(self) -> bool:
        return self.state != ItemState.CLOSED


class ItemTransition(Transition):
    """One step of an item's history: who, when, what, from which state and level to
    which, and why; evidence files hang on the step they came with."""

    item = models.ForeignKey(
        SupervisionItem, models.CASCADE, related_name="transitions", verbose_name="督办事项"
    )
    action = models.CharField("操作", max_length=20, choices=Action.choices)
    from_state = models.CharField("原状态", max_length=20, choices=ItemState.choices, blank=True)
    to_state = models.CharField("新状态", max_length=20, choices=ItemState.choices)
    from_level = models.CharField("原级别", max_length=20, choices=Level.choices, blank=True)
    to_level = models.CharField("新级别", max_length=20, choices=Level.choices, blank=True)
    actor_name = models.CharField("操作人姓名", max_length=150)
    actor_unit = models.CharField("操作人单位", max_length=200, blank=True)

    class Meta:
        verbose_name = "督办流转记录"
        verbose_name_plural = "督办流转记录"
        ordering = ["item", "created_at", "pk"]

    def __str__(self) -> str:
        return f"{self.get_action_display()}：{self.get_from_state_display() or '新建'} → {self.get_to_state_display()}"


class ItemEvidence(TimeStamped):
    """A file sent with a step (佐证材料): feedback evidence, a verifier's check notes."""

    item = models.ForeignKey(
        SupervisionItem, models.CASCADE, related_name="evidence", verbose_name="督办事项"
    )
    transition = models.ForeignKey(
        ItemTransition, models.CASCADE, related_name="evidence", verbose_name="流转记录"
    )
    file = models.FileField("文件", upload_to="supervision/%Y/%m/")
    name = models.CharField("文件名", max_length=255)
    size = models.PositiveBigIntegerField("大小（字节）")
    sha256 = models.CharField("SHA-256", max_length=64)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="上传人",
    )

    class Meta:
        verbose_name = "督办佐证材料"
        verbose_name_plural = "督办佐证材料"
        ordering = ["item", "created_at", "pk"]

    def __str__(self) -> str:
        return self.name
