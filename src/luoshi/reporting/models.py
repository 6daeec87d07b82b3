"""Reporting: policies and periods, reports with their workflow, target values, evidence,
milestones, reminders and in-app messages."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse

from luoshi.core.models import TimeStamped, Transition
from luoshi.plans.choices import Cadence, TaskRole
from luoshi.plans.models import (
    Organisation,
    OrganisationField,
    Target,
    Task,
    Unit,
    default_organisation_id,
)

from .choices import Channel, DeliveryState, ReminderKind, ReportState


class ReportingPolicy(TimeStamped):
    """How a plan is reported on: cadence, due date, approval and thresholds. Kept per plan
    series, so every revision of the plan keeps its policy (a series is an organisation's own)."""

    organisation = models.ForeignKey(
        Organisation,
        models.PROTECT,
        default=default_organisation_id,
        related_name="+",
        verbose_name="所属组织",
    )
    series = models.CharField("方案系列", max_length=300)
    cadence = models.CharField("调度周期", max_length=20, choices=Cadence.choices, default=Cadence.DEKAD)
    due_workdays = models.PositiveSmallIntegerField("报送期限（周期结束后第几个工作日）", default=1)
    head_approval = models.BooleanField("需单位负责人审核", default=True)
    lagging_threshold = models.DecimalField(
        "滞后阈值（落后序时进度百分点）", max_digits=5, decimal_places=1, default=10
    )
    serious_threshold = models.DecimalField(
        "严重滞后阈值（百分点）", max_digits=5, decimal_places=1, default=25
    )
    remind_days_before = models.PositiveSmallIntegerField("提前几个工作日提醒", default=1)
    escalate_head_after = models.PositiveSmallIntegerField("逾期几个工作日告知单位负责人", default=0)
    escalate_office_after = models.PositiveSmallIntegerField("逾期几个工作日告知专班办公室", default=1)
    webhook_url = models.URLField("总群机器人地址", blank=True)

    class Meta:
        verbose_name = "调度规则"
        verbose_name_plural = "调度规则"
        ordering = ["series"]
        constraints = [
            models.UniqueConstraint(
                fields=["organisation", "series"],
                name="reporting_policy_org_series_unique",
                violation_error_message="该方案已有报送规则",
            ),
            models.CheckConstraint(
                condition=Q(lagging_threshold__lte=models.F("serious_threshold")),
                name="policy_thresholds_ordered",
                violation_error_message="滞后阈值不能大于严重滞后阈值",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.series}：{self.get_cadence_display()}报，周期结束后第{self.due_workdays}个工作日前"


class CampaignCadence(TimeStamped):
    """A campaign (附件N) reported on another cadence than its plan."""

    organisation = models.ForeignKey(
        Organisation,
        models.PROTECT,
        default=default_organisation_id,
        related_name="+",
        verbose_name="所属组织",
    )
    series = models.CharField("方案系列", max_length=300)
    part_key = models.CharField("攻坚编号", max_length=20)
    cadence = models.CharField("调度周期", max_length=20, choices=Cadence.choices)

    class Meta:
        verbose_name = "攻坚调度周期"
        verbose_name_plural = "攻坚调度周期"
        ordering = ["series", "part_key"]
        constraints = [
            models.UniqueConstraint(
                fields=["organisation", "series", "part_key"],
                name="campaign_cadence_org_unique",
                violation_error_message="该攻坚已设置调度周期",
            )
        ]

    def __str__(self) -> str:
        return f"{self.part_key}：{self.get_cadence_display()}"


class Period(TimeStamped):
    """A reporting period (``2025年5月上旬``); shared by all plans of the same cadence."""

    cadence = models.CharField("周期类型", max_length=20, choices=Cadence.choices)
    key = models.CharField("编号", max_length=20)
    label = models.CharField("名称", max_length=50)
    start = models.DateField("开始日期")
    end = models.DateField("结束日期")

    class Meta:
        verbose_name = "调度周期"
        verbose_name_plural = "调度周期"
        ordering = ["start", "cadence"]
        constraints = [
            models.UniqueConstraint(
                fields=["cadence", "key"],
                name="period_cadence_key_unique",
                violation_error_message="周期已存在",
            ),
            models.CheckConstraint(
                condition=Q(start__lte=models.F("end")),
                name="period_start_before_end",
                violation_error_message="周期开始日期不能晚于结束日期",
            ),
        ]

    def __str__(self) -> str:
        return self.label


class Milestone(TimeStamped):
    """A dated step of a task (时间表、施工图), entered or reverse-scheduled (倒排工期)."""

    task = models.ForeignKey(Task, models.CASCADE, related_name="milestones", verbose_name="任务")
    title = models.CharField("节点", max_length=300)
    due_date = models.DateField("计划完成日期")
    done = models.BooleanField("已完成", default=False)
    done_on = models.DateField("实际完成日期", null=True, blank=True)
    order = models.PositiveIntegerField("顺序", default=0)

    class Meta:
        verbose_name = "节点"
        verbose_name_plural = "节点"
        ordering = ["task", "due_date", "order"]

    def __str__(self) -> str:
        return f"{self.due_date:%m月%d日} {self.title}"


class Report(TimeStamped):
    """One unit's report on one task for one period (进度报告).

    The lead unit reports the task; a cooperator files its own contribution. An accepted
    report changes only through a new revision, which becomes the current one.
    """

    task = models.ForeignKey(Task, models.PROTECT, related_name="reports", verbose_name="任务")
    unit = models.ForeignKey(Unit, models.PROTECT, related_name="reports", verbose_name="填报单位")
    period = models.ForeignKey(Period, models.PROTECT, related_name="reports", verbose_name="周期")
    role = models.CharField("角色", max_length=20, choices=TaskRole.choices)
    revision = models.PositiveSmallIntegerField("修订次数", default=1)
    is_current = models.BooleanField("当前版本", default=True)
    state = models.CharField("状态", max_length=20, choices=ReportState.choices, default=ReportState.DRAFT)
    due = models.DateField("报送期限")
    progress = models.DecimalField("完成进度（%）", max_digits=4, decimal_places=1, null=True, blank=True)
    progress_text = models.TextField("本期进展", blank=True)
    problems = models.TextField("存在问题", blank=True)
    next_steps = models.TextField("下步计划", blank=True)
    coordination = models.TextField("需协调事项", blank=True)
    submitted_at = models.DateTimeField("首次提交时间", null=True, blank=True)
    accepted_at = models.DateTimeField("审定时间", null=True, blank=True)
    return_reason = models.TextField("退回原因", blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="填报人",
    )

    class Meta:
        verbose_name = "进度报告"
        verbose_name_plural = "进度报告"
        ordering = ["period__start", "task_id", "unit_id", "revision"]
        indexes = [
            models.Index(fields=["task", "unit", "is_current"], name="report_task_unit_current"),
            models.Index(fields=["period", "unit"], name="report_period_unit"),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["task", "unit", "period", "revision"],
                name="report_revision_unique",
                violation_error_message="该报告的此修订版本已存在",
            ),
            models.UniqueConstraint(
                fields=["task", "unit", "period"],
                condition=Q(is_current=True),
                name="report_one_current",
                violation_error_message="该单位本周期已有此任务的报告",
            ),
            models.CheckConstraint(
                condition=Q(progress__isnull=True) | Q(progress__gte=0, progress__lte=100),
                name="report_progress_range",
                violation_error_message="完成进度应在 0 到 100 之间",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.unit.name} · {self.period.label} · {self.task.section.sid}"

    def get_absolute_url(self) -> str:
        return reverse("web:report", args=[self.pk])

    @property
    def is_reported(self) -> bool:
        return self.state in (ReportState.SUBMITTED, ReportState.APPROVED, ReportState.ACCEPTED)


class ReportTransition(Transition):
    """Every change of a report's state: who, when, from, to, why."""

    report = models.ForeignKey(Report, models.CASCADE, related_name="transitions", verbose_name="报告")
    from_state = models.CharField("原状态", max_length=20, choices=ReportState.choices, blank=True)
    to_state = models.CharField("新状态", max_length=20, choices=ReportState.choices)

    class Meta:
        verbose_name = "报告流转记录"
        verbose_name_plural = "报告流转记录"
        ordering = ["report", "created_at", "pk"]

    def __str__(self) -> str:
        return f"{self.get_from_state_display() or '新建'} → {self.get_to_state_display()}"


class TargetValue(TimeStamped):
    """The actual figure of a target reported with a report (e.g. 社会消费品零售总额增长 5.2 %)."""

    report = models.ForeignKey(Report, models.CASCADE, related_name="target_values", verbose_name="报告")
    target = models.ForeignKey(Target, models.PROTECT, related_name="values", verbose_name="指标")
    value = models.DecimalField("实际值", max_digits=20, decimal_places=4)

    class Meta:
        verbose_name = "指标实际值"
        verbose_name_plural = "指标实际值"
        ordering = ["report", "target__order"]
        constraints = [
            models.UniqueConstraint(
                fields=["report", "target"],
                name="targetvalue_unique",
                violation_error_message="同一报告中一个指标只能填一个值",
            )
        ]

    def __str__(self) -> str:
        return f"{self.target.subject}：{self.value}{self.target.unit}"


class Evidence(TimeStamped):
    """A file attached to a report as evidence (佐证材料)."""

    report = models.ForeignKey(Report, models.CASCADE, related_name="evidence", verbose_name="报告")
    file = models.FileField("文件", upload_to="evidence/%Y/%m/")
    name = models.CharField("文件名", max_length=255)
    size = models.PositiveBigIntegerField("大小（字节）")
    sha256 = models.CharField("SHA-256", max_length=64)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.SET_NULL, null=True, related_name="+", verbose_name="上传人"
    )

    class Meta:
        verbose_name = "佐证材料"
        verbose_name_plural = "佐证材料"
        ordering = ["report", "created_at"]

    def __str__(self) -> str:
        return self.name


class Reminder(TimeStamped):
    """One notice sent once (催报提醒, 督办催办 …): its ``key`` is unique, and the row is
    inserted and committed before anything is delivered, so two ``luoshi tick`` running at
    once never send the same notice twice. Each channel it went out on is a
    ``ReminderDelivery``; ``state`` sums them up."""

    key = models.CharField("去重键", max_length=300, unique=True)
    kind = models.CharField("类型", max_length=40, choices=ReminderKind.choices)
    # whose notice it is: the office (综合协调组) of this organisation settles its
    # deliveries in doubt; the unit's, the plan's, or the default organisation
    organisation = OrganisationField(null=True, blank=True, related_name="reminders", verbose_name="所属组织")
    unit = models.ForeignKey(
        Unit, models.SET_NULL, null=True, blank=True, related_name="reminders", verbose_name="单位"
    )
    period = models.ForeignKey(
        Period, models.SET_NULL, null=True, blank=True, related_name="reminders", verbose_name="周期"
    )
    subject = models.CharField("标题", max_length=300)
    body = models.TextField("内容")
    url = models.CharField("链接", max_length=300, blank=True)
    state = models.CharField(
        "发送状态", max_length=20, choices=DeliveryState.choices, default=DeliveryState.CLAIMED
    )
    error = models.TextField("错误", blank=True)
    sent_at = models.DateTimeField("发送时间", null=True, blank=True)

    class Meta:
        verbose_name = "提醒"
        verbose_name_plural = "提醒"
        ordering = ["-created_at", "-pk"]
        indexes = [models.Index(fields=["kind", "created_at"], name="reminder_kind_created")]

    def __str__(self) -> str:
        return f"{self.get_kind_display()}：{self.subject}"

    def get_absolute_url(self) -> str:
        """The page the reminder is about (a report, an item, the fill-in or review list)."""
        return self.url


class ReminderDelivery(TimeStamped):
    """One channel of a reminder: the in-app messages to its users, the email to its
    addresses, or the post to one group robot (webhook). ``slot`` names the channel within
    the notice (``inapp``, ``email``, ``webhook:<hash of the URL>``) and is unique with it,
    so a notice goes out on a channel once however many workers try. A worker claims the
    row (``claimed``, ``claimed_at``, ``claimed_by``), and marks it ``sending``
    (``sending_at``) just before the message leaves; a failure is tried again after
    ``next_try_at`` with the interval doubling (``attempts``, the last ``error`` in
    Chinese); a claim left by a killed worker before sending is taken up again once stale.
    A send whose outcome is unknown (the worker died while ``sending``, or the request went
    out and no answer came) is ``doubt`` (待核实): never resent by itself, the office
    resends it or records it delivered (``settled_by``, ``settled_at``)."""

    reminder = models.ForeignKey(Reminder, models.CASCADE, related_name="deliveries", verbose_name="提醒")
    channel = models.CharField("渠道", max_length=20, choices=Channel.choices)
    slot = models.CharField("渠道键", max_length=80, default="")
    recipient = models.CharField("接收方", max_length=1000)
    target = models.JSONField("发送目标", default=dict, blank=True)
    state = models.CharField(
        "发送状态", max_length=20, choices=DeliveryState.choices, default=DeliveryState.PENDING
    )
    attempts = models.PositiveIntegerField("已尝试次数", default=0)
    next_try_at = models.DateTimeField("下次尝试时间", null=True, blank=True)
    claimed_at = models.DateTimeField("领取时间", null=True, blank=True)
    claimed_by = models.CharField("领取进程", max_length=100, blank=True)
    sending_at = models.DateTimeField("开始发送时间", null=True, blank=True)
    error = models.TextField("错误", blank=True)
    sent_at = models.DateTimeField("发送时间", null=True, blank=True)
    settled_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="核实人",
    )
    settled_at = models.DateTimeField("核实时间", null=True, blank=True)

    class Meta:
        verbose_name = "提醒发送记录"
        verbose_name_plural = "提醒发送记录"
        ordering = ["reminder", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["reminder", "slot"],
                name="reminder_delivery_once",
                violation_error_message="同一提醒在同一渠道只发送一次",
            )
        ]
        indexes = [models.Index(fields=["state", "next_try_at"], name="delivery_due")]

    def __str__(self) -> str:
        return f"{self.get_channel_display()} → {self.recipient}：{self.get_state_display()}"


class Message(models.Model):
    """An in-app message to a user (站内消息)."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.CASCADE, related_name="messages", verbose_name="接收人"
    )
    subject = models.CharField("标题", max_length=300)
    body = models.TextField("内容", blank=True)
    url = models.CharField("链接", max_length=300, blank=True)
    created_at = models.DateTimeField("时间", auto_now_add=True)
    read_at = models.DateTimeField("阅读时间", null=True, blank=True)

    class Meta:
        verbose_name = "站内消息"
        verbose_name_plural = "站内消息"
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return self.subject


class Standing(TimeStamped):
    """Where a unit stands on a task (a kept row): its latest report handed in and the
    last three periods it handed in. ``reporting.kept`` keeps it up to date in the same
    transaction as every write of reports, so today's status, completeness and board read
    one indexed row per task and unit instead of a year of reports; what depends on the
    date (序时进度, the period due) is worked out when read. No row: nothing handed in."""

    task = models.ForeignKey(Task, models.CASCADE, related_name="standings", verbose_name="任务")
    unit = models.ForeignKey(Unit, models.CASCADE, related_name="standings", verbose_name="单位")
    # the latest report handed in: the current revision of the period that ends last
    period = models.ForeignKey(
        Period, models.PROTECT, null=True, blank=True, related_name="+", verbose_name="最近报送周期"
    )
    progress = models.DecimalField("完成进度（%）", max_digits=4, decimal_places=1, null=True, blank=True)
    done = models.BooleanField("已完成并审定", default=False)
    problems = models.TextField("存在问题", blank=True)
    # the last three periods handed in, latest first, each with the day first handed in
    p1 = models.IntegerField("周期1", null=True, blank=True)
    d1 = models.DateField("报送日1", null=True, blank=True)
    p2 = models.IntegerField("周期2", null=True, blank=True)
    d2 = models.DateField("报送日2", null=True, blank=True)
    p3 = models.IntegerField("周期3", null=True, blank=True)
    d3 = models.DateField("报送日3", null=True, blank=True)
    oldest_end = models.DateField("周期3结束日", null=True, blank=True)
    # the last day any of the above happened (handed in, accepted, period begun): the row
    # answers for any date from this day on
    stamp = models.DateField("最后变动日", null=True, blank=True)

    class Meta:
        verbose_name = "任务单位报送现状"
        verbose_name_plural = "任务单位报送现状"
        ordering = ["task", "unit"]
        indexes = [
            models.Index(fields=["stamp"], name="standing_stamp"),
            models.Index(fields=["updated_at"], name="standing_updated"),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["task", "unit"],
                name="standing_task_unit_unique",
                violation_error_message="已有该任务单位的报送现状",
            )
        ]

    def __str__(self) -> str:
        return f"{self.task_id} · {self.unit_id}"


class OrgVersion(models.Model):
    """What the database has noted of one organisation's rows of one table (``versions``):
    its changes so far and how many rows it has, the log folded in. Written by
    ``versions.fold`` and ``versions.install`` only; ids are plain numbers, not keys, so
    that no write waits on another's row."""

    organisation_id = models.BigIntegerField("组织")
    part = models.CharField("数据表", max_length=40)
    changes = models.BigIntegerField("变动次数", default=0)
    row_count = models.BigIntegerField("行数", default=0)

    class Meta:
        verbose_name = "组织数据版本"
        verbose_name_plural = "组织数据版本"
        ordering = ["organisation_id", "part"]
        constraints = [
            models.UniqueConstraint(
                fields=["organisation_id", "part"],
                name="orgversion_unique",
                violation_error_message="该组织该数据表已有版本",
            )
        ]

    def __str__(self) -> str:
        return f"{self.organisation_id} · {self.part}: {self.changes}"


class VersionLog(models.Model):
    """One statement's (PostgreSQL) or one row's (SQLite) write to a versioned table, noted
    by a database trigger in the writer's transaction: the organisation, the table, the
    changes and the rows added (negative: taken away). Folded into ``OrgVersion``."""

    organisation_id = models.BigIntegerField("组织")
    part = models.CharField("数据表", max_length=40)
    changes = models.BigIntegerField("变动次数")
    delta = models.BigIntegerField("行数增减")

    class Meta:
        verbose_name = "数据版本日志"
        verbose_name_plural = "数据版本日志"
        ordering = ["id"]
        indexes = [models.Index(fields=["organisation_id"], name="versionlog_organisation")]

    def __str__(self) -> str:
        return f"{self.organisation_id} · {self.part}: +{self.changes}"
