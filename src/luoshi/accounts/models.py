"""Users belong to units and have a role."""

from django.conf import settings
from django.db import models

from luoshi.plans.models import Unit

from .choices import Role


class Profile(models.Model):
    """What a user is in Luoshi: a role and the unit it belongs to. A task-force office
    runs the campaigns whose task force has its unit as office (工作专班办公室设在…), so
    the link survives every revision of the plan."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, models.CASCADE, related_name="profile", verbose_name="用户"
    )
    role = models.CharField("角色", max_length=20, choices=Role.choices)
    unit = models.ForeignKey(
        Unit, models.PROTECT, null=True, blank=True, related_name="profiles", verbose_name="所属单位"
    )
    phone = models.CharField("手机", max_length=20, blank=True)
    created_at = models.DateTimeField("创建时间", auto_now_add=True)
    updated_at = models.DateTimeField("更新时间", auto_now=True)

    class Meta:
        verbose_name = "用户角色"
        verbose_name_plural = "用户角色"
        ordering = ["role", "user__username"]

    def __str__(self) -> str:
        unit = f"（{self.unit.name}）" if self.unit else ""
        return f"{self.user.get_username()} · {self.get_role_display()}{unit}"
