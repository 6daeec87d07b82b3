"""The audit log: one row per change, login and failed login (等保: who, when, what, from
where), append-only and hash-chained."""

from django.conf import settings
from django.db import models
from django.utils import timezone

from .chain import CURRENT_RULE
from .choices import AuditAction


class AppendOnlyError(Exception):
    """An attempt to change or remove an audit row through the ORM."""


class AuditLogQuerySet(models.QuerySet):
    def update(self, **kwargs):
        raise AppendOnlyError("审计日志只能追加，不能修改")

    def delete(self):
        raise AppendOnlyError("审计日志只能追加，不能删除")


class AuditLog(models.Model):
    """One audited event: a write (what object, which fields from what to what), a login,
    a refused request. Rows are only ever added, through ``audit.services.record``; each
    carries its place in the chain (``sequence``), the previous row's hash and its own."""

    sequence = models.BigIntegerField("序号", unique=True)
    at = models.DateTimeField("时间", default=timezone.now)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        models.SET_NULL,
        null=True,
        blank=True,
        related_name="audit_logs",
        verbose_name="用户",
    )
    username = models.CharField("用户名", max_length=150, blank=True)
    organisation = models.ForeignKey(
        "plans.Organisation",
        models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="所属组织",
        help_text="操作者所属的组织（系统与无角色的管理员为空）；审计人员只看本级及下级组织的记录",
    )
    address = models.CharField(
        "来源地址", max_length=200, blank=True, help_text="IP 地址；命令行为 cli:系统用户"
    )
    ip = models.GenericIPAddressField("IP 地址", null=True, blank=True)
    user_agent = models.CharField("浏览器", max_length=300, blank=True)
    method = models.CharField("请求方法", max_length=10, blank=True)
    path = models.CharField("地址", max_length=500, blank=True)
    status_code = models.PositiveSmallIntegerField("响应状态", null=True, blank=True)
    action = models.CharField(
        "操作类别", max_length=40, choices=AuditAction.choices, default=AuditAction.CHANGE
    )
    operation = models.CharField("操作", max_length=100, blank=True)
    object_type = models.CharField("对象类型", max_length=100, blank=True)
    object_id = models.CharField("对象编号", max_length=64, blank=True)
    object_repr = models.CharField("对象", max_length=300, blank=True)
    changes = models.JSONField("变更内容", default=dict, blank=True, help_text="字段 → [原值, 新值]")
    summary = models.JSONField("内容摘要", default=dict, blank=True)
    hash_version = models.PositiveSmallIntegerField(
        "校验规则",
        default=CURRENT_RULE,
        help_text="1：不含所属组织（此前写入的记录）；2：含所属组织与本规则编号（docs/audit.md）",
    )
    prev_hash = models.CharField("上一条校验值", max_length=64, blank=True)
    hash = models.CharField("校验值", max_length=64)

    objects = AuditLogQuerySet.as_manager()

    class Meta:
        verbose_name = "审计日志"
        verbose_name_plural = "审计日志"
        ordering = ["-sequence"]
        indexes = [
            models.Index(fields=["action", "username", "at"], name="audit_action_user_at"),
            models.Index(fields=["at"], name="audit_at"),
            models.Index(fields=["object_type", "object_id"], name="audit_object"),
        ]

    def __str__(self) -> str:
        who = self.username or "匿名"
        what = self.operation or self.get_action_display()
        return f"第{self.sequence}条 {timezone.localtime(self.at):%Y-%m-%d %H:%M:%S} {who} {what} {self.object_repr}"

    def save(self, *args, **kwargs):
        if not self._state.adding:
            raise AppendOnlyError("审计日志只能追加，不能修改")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise AppendOnlyError("审计日志只能追加，不能删除")


class ChainHead(models.Model):
    """The end of the audit chain: the last row's number and hash. Writers lock this one
    row (``select_for_update``) so two of them never chain onto the same row, and a row
    removed from the end still shows."""

    sequence = models.BigIntegerField("末条序号", default=0)
    hash = models.CharField("末条校验值", max_length=64, blank=True)
    created_at = models.DateTimeField("创建时间", auto_now_add=True)
    updated_at = models.DateTimeField("更新时间", auto_now=True)

    class Meta:
        verbose_name = "审计链头"
        verbose_name_plural = "审计链头"
        ordering = ["pk"]

    def __str__(self) -> str:
        return f"第{self.sequence}条 {self.hash[:12]}"
