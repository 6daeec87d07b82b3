"""Major projects (重大项目): their figures, weekly updates (每周调度), biweekly
reconciliation with the finance side (双周对账) and the history of every change.
Money is in 万元, progress in %."""

from django.conf import settings
from django.db import models
from django.db.models import F, Q

from luoshi.core.models import History, TimeStamped
from luoshi.plans.models import OrganisationField, Part, Task, Unit

from .choices import ProjectAction, ReconField, ReconState, UpdateSource, UpdateState


def money(label: str, **kwargs):
    return models.DecimalField(f"{label}（万元）", max_digits=14, decimal_places=2, default=0, **kwargs)


class Figures(models.Model):
    """The figures reported on a project, shared by the project (its current figures) and
    each snapshot of them."""

    annual_completed_investment = money("年度完成投资")
    funds_applied = money("申报资金")
    funds_won = money("争取资金")
    funds_allocated = money("到位资金")
    funds_paid = money("支付资金")
    actual_start = models.DateField("实际开工日期", null=True, blank=True)
    actual_completion = models.DateField("实际竣工日期", null=True, blank=True)
    physical_progress = models.DecimalField("形象进度（%）", max_digits=5, decimal_places=2, default=0)

    class Meta:
        abstract = True


def figure_constraints(prefix: str) -> list:
    return [
        models.CheckConstraint(
            condition=Q(funds_paid__lte=F("funds_allocated")),
            name=f"{prefix}_paid_within_allocated",
            violation_error_message="支付资金不能大于到位资金",
        ),
        models.CheckConstraint(
            condition=Q(physical_progress__gte=0, physical_progress__lte=100),
            name=f"{prefix}_progress_range",
            violation_error_message="形象进度应在 0 到 100 之间",
        ),
        models.CheckConstraint(
            condition=Q(
                annual_completed_investment__gte=0,
                funds_applied__gte=0,
                funds_won__gte=0,
                funds_allocated__gte=0,
                funds_paid__gte=0,
            ),
            name=f"{prefix}_money_not_negative",
            violation_error_message="金额不能为负数",
        ),
        models.CheckConstraint(
            condition=Q(actual_start__isnull=True)
            | Q(actual_completion__isnull=True)
            | Q(actual_start__lte=F("actual_completion")),
            name=f"{prefix}_actual_start_before_completion",
            violation_error_message="实际开工日期不能晚于实际竣工日期",
        ),
    ]


class Project(TimeStamped, Figures):
    """A major project (重大项目) of an owner unit, optionally tied to a campaign or task.
    It belongs to its owner unit's organisation (kept with the unit by the services), and
    its code is unique there: two districts may each have a project 2025-001."""

    organisation = OrganisationField(related_name="projects", verbose_name="所属组织")
    code = models.CharField("项目编号", max_length=50)
    name = models.CharField("项目名称", max_length=300)
    year = models.PositiveIntegerField("年度")
    owner_unit = models.ForeignKey(Unit, models.PROTECT, related_name="projects", verbose_name="责任单位")
    part = models.ForeignKey(
        Part, models.PROTECT, null=True, blank=True, related_name="projects", verbose_name="所属攻坚"
    )
    task = models.ForeignKey(
        Task, models.PROTECT, null=True, blank=True, related_name="projects", verbose_name="关联任务"
    )
    total_investment = money("总投资")
    annual_planned_investment = money("年度计划投资")
    planned_start = models.DateField("计划开工日期", null=True, blank=True)
    planned_completion = models.DateField("计划竣工日期", null=True, blank=True)

    class Meta:
        verbose_name = "重大项目"
        verbose_name_plural = "重大项目"
        ordering = ["code"]
        constraints = [
            models.UniqueConstraint(
                fields=["organisation", "code"],
                name="project_organisation_code_unique",
                violation_error_message="同一组织内项目编号不能重复",
            ),
            *figure_constraints("project"),
            models.CheckConstraint(
                condition=Q(total_investment__gte=0, annual_planned_investment__gte=0),
                name="project_plan_money_not_negative",
                violation_error_message="投资额不能为负数",
            ),
            models.CheckConstraint(
                condition=Q(planned_start__isnull=True)
                | Q(planned_completion__isnull=True)
                | Q(planned_start__lte=F("planned_completion")),
                name="project_planned_start_before_completion",
                violation_error_message="计划开工日期不能晚于计划竣工日期",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.code} {self.name}"


class ProjectUpdate(TimeStamped, Figures):
    """A snapshot of a project's reported figures: one per week (每周调度), or the figures
    a ledger import brought. The figures of any past date are the last snapshot by then."""

    project = models.ForeignKey(Project, models.CASCADE, related_name="updates", verbose_name="项目")
    source = models.CharField("来源", max_length=20, choices=UpdateSource.choices)
    period_key = models.CharField("调度周", max_length=20, blank=True, help_text="如 2025-W19")
    reported_on = models.DateField("报送日期")
    progress_text = models.TextField("本周进展", blank=True)
    problems = models.TextField("存在问题", blank=True)
    state = models.CharField("状态", max_length=20, choices=UpdateState.choices, default=UpdateState.REPORTED)
    reporter = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="报送人",
    )

    class Meta:
        verbose_name = "项目调度"
        verbose_name_plural = "项目调度"
        ordering = ["project", "reported_on", "pk"]
        constraints = [
            *figure_constraints("update"),
            models.UniqueConstraint(
                fields=["project", "period_key"],
                condition=~Q(period_key=""),
                name="update_project_week_unique",
                violation_error_message="该项目本周已报送调度",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.project.code} {self.period_key or self.get_source_display()}"


class Reconciliation(TimeStamped):
    """双周对账: one project's reported figures against those the finance side confirms,
    for one fortnight; each compared figure is a line, every difference flagged."""

    project = models.ForeignKey(Project, models.CASCADE, related_name="reconciliations", verbose_name="项目")
    period_key = models.CharField("对账双周", max_length=20, help_text="如 2025-F10")
    period_start = models.DateField("开始日期")
    period_end = models.DateField("结束日期")
    state = models.CharField("结果", max_length=20, choices=ReconState.choices)
    note = models.TextField("说明", blank=True)
    confirmed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="对账人",
    )
    confirmed_at = models.DateTimeField("对账时间")

    class Meta:
        verbose_name = "双周对账"
        verbose_name_plural = "双周对账"
        ordering = ["period_start", "project"]
        constraints = [
            models.UniqueConstraint(
                fields=["project", "period_key"],
                name="reconciliation_project_period_unique",
                violation_error_message="该项目本双周已对账",
            )
        ]

    def __str__(self) -> str:
        return f"{self.project.code} {self.period_key}：{self.get_state_display()}"


class ReconciliationLine(models.Model):
    """One figure of a reconciliation: reported, confirmed, the difference, flagged."""

    reconciliation = models.ForeignKey(
        Reconciliation, models.CASCADE, related_name="lines", verbose_name="双周对账"
    )
    field = models.CharField("指标", max_length=40, choices=ReconField.choices)
    reported = models.DecimalField("报送数（万元）", max_digits=14, decimal_places=2)
    confirmed = models.DecimalField("财政确认数（万元）", max_digits=14, decimal_places=2)
    difference = models.DecimalField("差额（确认数−报送数）", max_digits=14, decimal_places=2)
    flagged = models.BooleanField("有差异", default=False)

    class Meta:
        verbose_name = "对账明细"
        verbose_name_plural = "对账明细"
        ordering = ["reconciliation", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["reconciliation", "field"],
                name="reconciliation_line_unique",
                violation_error_message="同一对账中一个指标只能有一行",
            )
        ]

    def __str__(self) -> str:
        return f"{self.get_field_display()}：报送 {self.reported}，确认 {self.confirmed}"


class ProjectChange(History):
    """Every change of a project: who, when, what (field: [before, after]) and why."""

    project = models.ForeignKey(Project, models.CASCADE, related_name="changes", verbose_name="项目")
    action = models.CharField("操作", max_length=20, choices=ProjectAction.choices)
    changes = models.JSONField("变动（字段：[原值, 新值]）", default=dict, blank=True)
    actor_name = models.CharField("操作人姓名", max_length=150)

    class Meta:
        verbose_name = "项目变动记录"
        verbose_name_plural = "项目变动记录"
        ordering = ["project", "created_at", "pk"]

    def __str__(self) -> str:
        return f"{self.project.code} {self.get_action_display()}"
