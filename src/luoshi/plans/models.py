"""The plan and its three lists: plans (versioned), parts, sections, tasks, targets,
task forces; the organisations that own them (a tree: province → city → district → town),
each with its unit registry; and the links between an upper organisation's tasks and the
lower ones that carry them out (分解, 对标)."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse

from luoshi.core.models import TimeStamped

from .choices import (
    Cadence,
    ForceRole,
    ImportState,
    LinkKind,
    LinkState,
    OrgLevel,
    TargetOp,
    TaskRole,
    UnitKind,
)
from .deadlines import deadline_label


class OrganisationQuerySet(models.QuerySet):
    def below(self, org: "Organisation | int | None") -> "OrganisationQuerySet":
        """The organisation and every one under it (its tree path is a prefix of theirs)."""
        if org is None:
            return self.all()
        if not isinstance(org, Organisation):
            org = Organisation.objects.only("path").get(pk=org)
        return self.filter(path__startswith=org.path)


class Organisation(TimeStamped):
    """An organisation that runs plans with its own units, users and settings: a province,
    a city, a district or a town, in a tree. A user belongs to one organisation and sees it
    and those below it (read-only below, unless granted more). A single-organisation
    install has one, made by the migration, and never needs to name it."""

    name = models.CharField("名称", max_length=200)
    level = models.CharField("层级", max_length=20, choices=OrgLevel.choices, default=OrgLevel.DISTRICT)
    parent = models.ForeignKey(
        "self", models.PROTECT, null=True, blank=True, related_name="children", verbose_name="上级"
    )
    code = models.CharField("行政区划代码", max_length=12, blank=True)
    path = models.CharField(
        "树路径", max_length=255, blank=True, db_index=True, editable=False, help_text="/根编号/…/本级编号/"
    )
    settings = models.JSONField("设置", default=dict, blank=True)
    order = models.PositiveIntegerField("排序", default=0)

    objects = OrganisationQuerySet.as_manager()

    class Meta:
        verbose_name = "组织"
        verbose_name_plural = "组织"
        ordering = ["path"]
        constraints = [
            models.UniqueConstraint(
                fields=["parent", "name"],
                name="organisation_parent_name_unique",
                violation_error_message="同一上级下的组织名称不能重复",
            ),
        ]

    def __str__(self) -> str:
        return self.name

    def save(self, *args, **kwargs) -> None:
        super().save(*args, **kwargs)
        parent_path = self.parent.path if self.parent_id else "/"
        path = f"{parent_path}{self.pk}/"
        if path != self.path:
            self.path = path
            type(self).objects.filter(pk=self.pk).update(path=path)

    @property
    def depth(self) -> int:
        return self.path.count("/") - 1

    def ancestor_ids(self) -> list[int]:
        """Ids from the root down to this organisation, itself included."""
        return [int(x) for x in self.path.strip("/").split("/") if x]

    def is_below(self, other: "Organisation") -> bool:
        """This organisation is ``other`` or under it."""
        return self.path.startswith(other.path)


class OrganisationField(models.ForeignKey):
    """The organisation a row belongs to; a row saved without one (every single-organisation
    install, and code that has no organisation to name) gets ``default_organisation_id``
    when it is written, by ``save`` or ``bulk_create`` — not when it is made in memory,
    so building unsaved objects needs no database."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("to", "plans.Organisation")
        kwargs.setdefault("on_delete", models.PROTECT)
        super().__init__(*args, **kwargs)

    def pre_save(self, model_instance, add):
        if getattr(model_instance, self.attname) is None:
            setattr(model_instance, self.attname, default_organisation_id())
        return super().pre_save(model_instance, add)


def default_organisation_id() -> int:
    """The organisation a unit, plan or profile made without one belongs to: the first
    top-level organisation (on a single-organisation install, the only one), made on
    first use with the name of ``LUOSHI_ORG_NAME`` (default 本级)."""
    org = Organisation.objects.filter(parent__isnull=True).order_by("pk").only("pk").first()
    if org is None:
        org = Organisation.objects.create(name=getattr(settings, "LUOSHI_ORG_NAME", "") or "本级")
    return org.pk


class Unit(TimeStamped):
    """A responsible unit (单位): department, street/town, company, stationed unit, or a
    group phrase such as ``区直有关单位``. One registry per organisation, shared by its
    plans. A unit may stand for a lower organisation (the city's ``西洞庭管理区`` is the
    district's organisation): a city task it leads is broken down into that district."""

    organisation = OrganisationField(related_name="units", verbose_name="所属组织")
    represents = models.ForeignKey(
        Organisation,
        models.PROTECT,
        null=True,
        blank=True,
        related_name="represented_by",
        verbose_name="代表下级组织",
        help_text="本单位在上级方案中代表的下级组织（区县、乡镇），其任务分解到该组织",
    )
    name = models.CharField("规范名称", max_length=200)
    kind = models.CharField("类型", max_length=20, choices=UnitKind.choices, default=UnitKind.DEPARTMENT)
    short_name = models.CharField("简称", max_length=50, blank=True)
    email = models.EmailField("联系邮箱", blank=True)
    webhook_url = models.URLField(
        "工作群机器人地址", blank=True, help_text="企业微信或钉钉群机器人的 Webhook 地址，用于催报提醒"
    )
    order = models.PositiveIntegerField("排序", default=0)

    class Meta:
        verbose_name = "单位"
        verbose_name_plural = "单位"
        ordering = ["order", "name"]
        constraints = [
            models.UniqueConstraint(
                fields=["organisation", "name"],
                name="unit_organisation_name_unique",
                violation_error_message="同一组织内单位名称不能重复",
            ),
        ]

    def __str__(self) -> str:
        return self.name


class UnitAlias(TimeStamped):
    """Another spelling of a unit's name (``区住建(交通)局`` for ``区住建局(交通局)``)."""

    organisation = OrganisationField(related_name="unit_aliases", verbose_name="所属组织")
    unit = models.ForeignKey(Unit, models.CASCADE, related_name="aliases", verbose_name="单位")
    name = models.CharField("别名", max_length=200)

    class Meta:
        verbose_name = "单位别名"
        verbose_name_plural = "单位别名"
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(
                fields=["organisation", "name"],
                name="unitalias_organisation_name_unique",
                violation_error_message="同一组织内单位别名不能重复",
            ),
        ]

    def save(self, *args, **kwargs) -> None:
        if self.unit_id:  # an alias lives in its unit's organisation
            self.organisation_id = self.unit.organisation_id
        super().save(*args, **kwargs)

    def __str__(self) -> str:
        return f"{self.name} → {self.unit.name}"


class GroupMapping(TimeStamped):
    """What the clerk decided for a group phrase of a plan (``区直有关单位``,
    ``各乡镇(街道)``): the concrete units it stands for, or none (the group is kept on the
    task without a reporting duty). Remembered for every later import of any plan."""

    organisation = OrganisationField(related_name="group_mappings", verbose_name="所属组织")
    name = models.CharField("群体名称", max_length=200)
    units = models.ManyToManyField(Unit, blank=True, related_name="group_mappings", verbose_name="对应单位")

    class Meta:
        verbose_name = "单位群体对应"
        verbose_name_plural = "单位群体对应"
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(
                fields=["organisation", "name"],
                name="groupmapping_organisation_name_unique",
                violation_error_message="同一组织内群体名称不能重复",
            ),
        ]

    def __str__(self) -> str:
        return self.name


class Plan(TimeStamped):
    """One imported version of a plan document (方案). Versions of one plan share a
    ``series``; the newest version is the one every list acts on by default."""

    organisation = OrganisationField(related_name="plans", verbose_name="所属组织")
    series = models.CharField("方案系列", max_length=300, db_index=True)
    version = models.PositiveIntegerField("版本", default=1)
    title = models.CharField("标题", max_length=300)
    issuer = models.CharField("发文机关", max_length=200, blank=True)
    doc_number = models.CharField("发文字号", max_length=100, blank=True)
    date = models.DateField("成文日期", null=True, blank=True)
    year = models.PositiveIntegerField("年度")
    source_name = models.CharField("来源文件名", max_length=300, blank=True)
    source_file = models.FileField("来源文件", upload_to="plans/%Y/", blank=True, max_length=500)
    source_sha256 = models.CharField("来源文件 SHA-256", max_length=64, blank=True)
    content_hash = models.CharField("内容指纹", max_length=64, db_index=True)
    diff = models.JSONField("与上一版本的差异", default=dict, blank=True)

    class Meta:
        verbose_name = "方案"
        verbose_name_plural = "方案"
        ordering = ["-year", "series", "-version"]
        constraints = [
            models.UniqueConstraint(
                fields=["organisation", "series", "version"],
                name="plan_org_series_version_unique",
                violation_error_message="同一方案的版本号不能重复",
            )
        ]

    def __str__(self) -> str:
        return f"{self.title}（第{self.version}版）" if self.version > 1 else self.title


class PlanDocument(models.Model):
    """The Plan JSON a version was imported from, kept apart so that loading a plan (often,
    through related rows) never drags the whole document along."""

    plan = models.OneToOneField(Plan, models.CASCADE, related_name="document", verbose_name="方案")
    data = models.JSONField("方案 JSON", default=dict)

    class Meta:
        verbose_name = "方案 JSON"
        verbose_name_plural = "方案 JSON"
        ordering = ["plan"]

    def __str__(self) -> str:
        return f"{self.plan} 的方案 JSON"


class Part(TimeStamped):
    """The main text (正文) or an attachment (附件N); each 攻坚 plan is a campaign."""

    plan = models.ForeignKey(Plan, models.CASCADE, related_name="parts", verbose_name="方案")
    key = models.CharField("编号", max_length=20)
    title = models.CharField("标题", max_length=300)
    order = models.PositiveIntegerField("顺序", default=0)

    class Meta:
        verbose_name = "部分（攻坚）"
        verbose_name_plural = "部分（攻坚）"
        ordering = ["plan", "order"]
        constraints = [
            models.UniqueConstraint(
                fields=["plan", "key"],
                name="part_plan_key_unique",
                violation_error_message="方案中部分编号重复",
            )
        ]

    def __str__(self) -> str:
        return f"{self.key} {self.title}"


class Section(TimeStamped):
    """A numbered item of the plan (``一、`` ``(一)`` ``1.`` ``(1)``), as a tree."""

    plan = models.ForeignKey(Plan, models.CASCADE, related_name="sections", verbose_name="方案")
    part = models.ForeignKey(Part, models.CASCADE, related_name="sections", verbose_name="部分")
    parent = models.ForeignKey(
        "self", models.CASCADE, null=True, blank=True, related_name="children", verbose_name="上级条目"
    )
    sid = models.CharField("条目编号", max_length=200)
    number = models.CharField("序号", max_length=20)
    title = models.CharField("标题", max_length=500, blank=True)
    text = models.TextField("内容", blank=True)
    order = models.PositiveIntegerField("顺序", default=0)

    class Meta:
        verbose_name = "条目"
        verbose_name_plural = "条目"
        ordering = ["plan", "order"]
        constraints = [
            models.UniqueConstraint(
                fields=["plan", "sid"],
                name="section_plan_sid_unique",
                violation_error_message="方案中条目编号重复",
            )
        ]

    def __str__(self) -> str:
        return f"{self.sid} {self.title}".strip()

    @property
    def heading(self) -> str:
        """The title, else the start of the text."""
        return self.title or self.text.split("\n")[0][:60]


class Task(TimeStamped):
    """A task (任务): a section that carries a responsibility clause.

    A task keeps its identity across versions of its plan: importing a revision moves an
    unchanged or edited task to the new version (``plan`` and ``section`` follow it), so
    everything reported on it stays attached. A task removed by a revision stays with the
    last version that had it.
    """

    plan = models.ForeignKey(Plan, models.PROTECT, related_name="tasks", verbose_name="方案")
    part = models.ForeignKey(Part, models.PROTECT, related_name="tasks", verbose_name="攻坚")
    section = models.ForeignKey(Section, models.PROTECT, related_name="tasks", verbose_name="条目")
    title = models.CharField("任务", max_length=500)
    text = models.TextField("内容", blank=True)
    deadline = models.DateField("完成时限", null=True, blank=True)
    start = models.DateField("开始日期", null=True, blank=True, help_text="空则从方案成文日期起算")
    cadence = models.CharField(
        "调度周期",
        max_length=20,
        choices=Cadence.choices,
        blank=True,
        help_text="空则沿用攻坚或方案的调度周期",
    )
    units = models.ManyToManyField(Unit, through="TaskUnit", related_name="tasks", verbose_name="责任单位")

    class Meta:
        verbose_name = "任务"
        verbose_name_plural = "任务"
        ordering = ["plan", "section__order"]

    def __str__(self) -> str:
        return f"{self.section.sid} {self.title}"

    @property
    def deadline_label(self) -> str:
        """完成时限 as the document states it (长期坚持, 2025年6月底前), else 年底前."""
        return deadline_label(self.text, self.deadline, self.plan.year)

    def get_absolute_url(self) -> str:
        return reverse("web:task", args=[self.pk])

    def clean(self) -> None:
        """A task broken down from an upper plan keeps the upper task's title, text and
        deadline (``breakdown.check_unlocked``)."""
        from .breakdown import check_unlocked

        check_unlocked(self)

    def leads(self) -> list[Unit]:
        return [tu.unit for tu in self.task_units.all() if tu.role == TaskRole.LEAD]

    def cooperators(self) -> list[Unit]:
        return [tu.unit for tu in self.task_units.all() if tu.role == TaskRole.COOPERATOR]


class TaskUnit(TimeStamped):
    """A unit's role on a task: lead (牵头) or cooperator (配合)."""

    task = models.ForeignKey(Task, models.CASCADE, related_name="task_units", verbose_name="任务")
    unit = models.ForeignKey(Unit, models.PROTECT, related_name="task_roles", verbose_name="单位")
    role = models.CharField("角色", max_length=20, choices=TaskRole.choices)
    order = models.PositiveIntegerField("顺序", default=0)

    class Meta:
        verbose_name = "任务责任单位"
        verbose_name_plural = "任务责任单位"
        ordering = ["task", "role", "order"]
        constraints = [
            models.UniqueConstraint(
                fields=["task", "unit"],
                name="taskunit_task_unit_unique",
                violation_error_message="同一单位在一项任务中只能有一个角色",
            )
        ]

    def __str__(self) -> str:
        return f"{self.unit.name}（{self.get_role_display()}）"


class TaskLink(TimeStamped):
    """An upper organisation's task carried out by a lower one's (层层分解): made by
    breakdown (分解: the city task names the district, the district gets a linked task to
    assign) or by alignment (对标: a district plan imported on its own, its tasks matched
    to the city's, suggested by text similarity and confirmed by a person). Confirmed links
    drive the roll-up: the lower task's progress is the upper task's part from that
    organisation. ``via_unit`` is the upper plan's unit standing for the lower organisation."""

    upper = models.ForeignKey(Task, models.CASCADE, related_name="lower_links", verbose_name="上级任务")
    lower = models.ForeignKey(Task, models.CASCADE, related_name="upper_links", verbose_name="下级任务")
    kind = models.CharField("关联方式", max_length=20, choices=LinkKind.choices)
    state = models.CharField("状态", max_length=20, choices=LinkState.choices, default=LinkState.SUGGESTED)
    via_unit = models.ForeignKey(
        Unit,
        models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="上级方案中的责任单位",
    )
    score = models.FloatField("相似度", null=True, blank=True)
    rank = models.PositiveSmallIntegerField("建议名次", null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="确认人",
    )
    decided_at = models.DateTimeField("确认时间", null=True, blank=True)

    class Meta:
        verbose_name = "上下级任务关联"
        verbose_name_plural = "上下级任务关联"
        ordering = ["upper", "lower"]
        constraints = [
            models.UniqueConstraint(
                fields=["upper", "lower"],
                name="tasklink_upper_lower_unique",
                violation_error_message="同一对上下级任务只能关联一次",
            ),
            models.CheckConstraint(
                condition=~Q(upper=models.F("lower")),
                name="tasklink_not_self",
                violation_error_message="任务不能与自身关联",
            ),
        ]
        indexes = [models.Index(fields=["lower", "state"], name="tasklink_lower_state")]

    def __str__(self) -> str:
        return f"{self.upper} → {self.lower}（{self.get_kind_display()}·{self.get_state_display()}）"


class Target(TimeStamped):
    """A quantitative target (指标): ``社会消费品零售总额增长6%以上`` is ``>= 6 %``.

    Like tasks, targets keep their identity across plan versions.
    """

    plan = models.ForeignKey(Plan, models.PROTECT, related_name="targets", verbose_name="方案")
    part = models.ForeignKey(Part, models.PROTECT, related_name="targets", verbose_name="部分")
    section = models.ForeignKey(Section, models.PROTECT, related_name="targets", verbose_name="条目")
    subject = models.CharField("指标", max_length=300, blank=True)
    op = models.CharField("比较", max_length=2, choices=TargetOp.choices)
    value = models.DecimalField("目标值", max_digits=20, decimal_places=6)
    unit = models.CharField("计量单位", max_length=50, blank=True)
    text = models.TextField("原文", blank=True)
    order = models.PositiveIntegerField("顺序", default=0)

    class Meta:
        verbose_name = "指标"
        verbose_name_plural = "指标"
        ordering = ["plan", "order"]

    def __str__(self) -> str:
        return f"{self.subject or self.text} {self.op} {self.value_display}{self.unit}"

    @property
    def value_display(self) -> str:
        return format(self.value.normalize(), "f") if self.value is not None else ""


class TaskForce(TimeStamped):
    """A campaign task force (工作专班) with its convenors, members and office."""

    plan = models.ForeignKey(Plan, models.CASCADE, related_name="task_forces", verbose_name="方案")
    part = models.ForeignKey(Part, models.CASCADE, related_name="task_forces", verbose_name="攻坚")
    name = models.CharField("名称", max_length=300)
    office = models.ForeignKey(
        Unit, models.PROTECT, null=True, blank=True, related_name="offices_of", verbose_name="专班办公室"
    )

    class Meta:
        verbose_name = "工作专班"
        verbose_name_plural = "工作专班"
        ordering = ["plan", "part__order"]

    def __str__(self) -> str:
        return self.name


class TaskForceSeat(TimeStamped):
    """One seat of a task force: a convenor or deputy (a position, as written) or a member unit."""

    task_force = models.ForeignKey(TaskForce, models.CASCADE, related_name="seats", verbose_name="工作专班")
    role = models.CharField("角色", max_length=20, choices=ForceRole.choices)
    name = models.CharField("名称", max_length=200)
    unit = models.ForeignKey(
        Unit, models.PROTECT, null=True, blank=True, related_name="seats", verbose_name="单位"
    )
    order = models.PositiveIntegerField("顺序", default=0)

    class Meta:
        verbose_name = "专班成员"
        verbose_name_plural = "专班成员"
        ordering = ["task_force", "role", "order"]
        constraints = [
            models.CheckConstraint(
                condition=~Q(role=ForceRole.MEMBER) | Q(unit__isnull=False),
                name="seat_member_has_unit",
                violation_error_message="成员单位必须对应单位名录中的单位",
            )
        ]

    def __str__(self) -> str:
        return f"{self.get_role_display()}：{self.name}"


class PendingImport(TimeStamped):
    """A plan document uploaded in the browser and parsed, waiting for review: the
    parse, the clerk's unit-name fixes, and after confirmation the import's diff."""

    organisation = models.ForeignKey(
        Organisation,
        models.PROTECT,
        default=default_organisation_id,
        related_name="pending_imports",
        verbose_name="导入到组织",
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.SET_NULL, null=True, related_name="+", verbose_name="上传人"
    )
    source_name = models.CharField("文件名", max_length=300)
    source_file = models.FileField("原文件", upload_to="imports/%Y/%m/")
    plan_data = models.JSONField("解析结果", default=dict)
    renames = models.JSONField("单位名称修正", default=dict, blank=True)
    groups = models.JSONField(
        "单位群体对应",
        default=dict,
        blank=True,
        help_text="群体名称 → 对应单位名称列表（空列表：不承担报送）",
    )
    target_fixes = models.JSONField("指标更正", default=dict, blank=True, help_text="指标序号 → 更正后的字段")
    state = models.CharField("状态", max_length=20, choices=ImportState.choices, default=ImportState.PENDING)
    plan = models.ForeignKey(
        Plan, models.SET_NULL, null=True, blank=True, related_name="+", verbose_name="导入的方案"
    )
    result = models.JSONField("导入结果", default=dict, blank=True)

    class Meta:
        verbose_name = "待确认的方案导入"
        verbose_name_plural = "待确认的方案导入"
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.source_name}（{self.get_state_display()}）"
