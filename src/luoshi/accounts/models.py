"""Users belong to units and have a role."""

from django.conf import settings
from django.db import models

from luoshi.plans.models import OrganisationField, Unit

from .choices import Role, TokenScope


class Profile(models.Model):
    """What a user is in Luoshi: a role, the organisation and the unit it belongs to. A
    task-force office runs the campaigns whose task force has its unit as office
    (工作专班办公室设在…), so the link survives every revision of the plan. A user sees
    its organisation and those below it; below, read-only unless ``manages_below``.
    ``must_change_password``: the password was set by someone else (the account made for
    the user, or reset by an administrator), so the user must choose one before anything
    else (``web.middleware.PasswordChangeMiddleware``)."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, models.CASCADE, related_name="profile", verbose_name="用户"
    )
    role = models.CharField("角色", max_length=20, choices=Role.choices)
    organisation = OrganisationField(related_name="profiles", verbose_name="所属组织")
    manages_below = models.BooleanField(
        "可办理下级组织事项", default=False, help_text="不勾选时，对下级组织只能查看"
    )
    unit = models.ForeignKey(
        Unit, models.PROTECT, null=True, blank=True, related_name="profiles", verbose_name="所属单位"
    )
    phone = models.CharField("手机", max_length=20, blank=True)
    must_change_password = models.BooleanField(
        "须修改密码",
        default=False,
        help_text="账号由他人建立或密码被管理员重置后勾选：该用户下次登录须先修改密码，改后自动取消",
    )
    created_at = models.DateTimeField("创建时间", auto_now_add=True)
    updated_at = models.DateTimeField("更新时间", auto_now=True)

    class Meta:
        verbose_name = "用户角色"
        verbose_name_plural = "用户角色"
        ordering = ["role", "user__username"]

    def __str__(self) -> str:
        unit = f"（{self.unit.name}）" if self.unit else ""
        return f"{self.user.get_username()} · {self.get_role_display()}{unit}"

    def save(self, *args, **kwargs) -> None:
        if self.unit_id:  # a user of a unit belongs to the unit's organisation
            self.organisation_id = (
                Unit.objects.filter(pk=self.unit_id).values_list("organisation_id", flat=True).get()
            )
        super().save(*args, **kwargs)


class ApiToken(models.Model):
    """A personal API token: a user's key to the JSON API (``Authorization: Bearer …``),
    acting with exactly that user's rights, read-only or read-write, until it expires or
    is revoked. The secret is shown once; only its SHA-256 is kept, found by its public
    ``key`` (the part before the secret) and compared in constant time."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.CASCADE, related_name="api_tokens", verbose_name="用户"
    )
    name = models.CharField("名称", max_length=100)
    key = models.CharField("令牌标识", max_length=16, help_text="令牌开头的公开部分")
    digest = models.CharField("校验值", max_length=64, help_text="整个令牌的 SHA-256")
    scope = models.CharField("权限范围", max_length=10, choices=TokenScope.choices)
    expires_at = models.DateTimeField("到期时间")
    last_used_at = models.DateTimeField("最近使用", null=True, blank=True)
    revoked_at = models.DateTimeField("吊销时间", null=True, blank=True)
    created_at = models.DateTimeField("创建时间", auto_now_add=True)
    updated_at = models.DateTimeField("更新时间", auto_now=True)

    class Meta:
        verbose_name = "接口令牌"
        verbose_name_plural = "接口令牌"
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["key"], name="api_token_key_unique", violation_error_message="令牌标识不能重复"
            ),
            models.CheckConstraint(
                condition=models.Q(scope__in=["read", "write"]),
                name="api_token_scope_valid",
                violation_error_message="权限范围只能是只读或读写",
            ),
        ]

    def __str__(self) -> str:
        return f"接口令牌 {self.pk}（{self.user.get_username()} · {self.name} · {self.get_scope_display()}）"

    def state(self, now) -> str:
        """有效, 已过期 or 已吊销 at ``now``."""
        if self.revoked_at is not None:
            return "已吊销"
        if self.expires_at <= now:
            return "已过期"
        return "有效"
