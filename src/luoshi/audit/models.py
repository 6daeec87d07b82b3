"""The audit log: one row per change, login and failed login (等保: who, when, what, from where)."""

from django.conf import settings
from django.db import models
from django.utils import timezone

from .choices import AuditAction


class AuditLog(models.Model):
    """One audited event. A change is one request that wrote (any non-GET by a signed-in
    user), with what the view said it did in ``summary``; logins come from auth signals."""

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
    ip = models.GenericIPAddressField("IP 地址", null=True, blank=True)
    user_agent = models.CharField("浏览器", max_length=300, blank=True)
    method = models.CharField("请求方法", max_length=10, blank=True)
    path = models.CharField("地址", max_length=500, blank=True)
    status_code = models.PositiveSmallIntegerField("响应状态", null=True, blank=True)
    action = models.CharField("操作", max_length=40, choices=AuditAction.choices, default=AuditAction.CHANGE)
    object_type = models.CharField("对象类型", max_length=100, blank=True)
    object_id = models.CharField("对象编号", max_length=64, blank=True)
    summary = models.JSONField("内容摘要", default=dict, blank=True)
    created_at = models.DateTimeField("创建时间", auto_now_add=True)
    updated_at = models.DateTimeField("更新时间", auto_now=True)

    class Meta:
        verbose_name = "审计日志"
        verbose_name_plural = "审计日志"
        ordering = ["-at", "-pk"]
        indexes = [
            models.Index(fields=["action", "username", "at"], name="audit_action_user_at"),
            models.Index(fields=["at"], name="audit_at"),
        ]

    def __str__(self) -> str:
        who = self.username or "匿名"
        return f"{self.at:%Y-%m-%d %H:%M:%S} {who} {self.get_action_display()} {self.path}"
