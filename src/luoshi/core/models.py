"""System-wide settings kept in the database."""

from django.db import models


class TimeStamped(models.Model):
    """When a row was made and last changed; the base of every model with a history."""

    created_at = models.DateTimeField("创建时间", auto_now_add=True)
    updated_at = models.DateTimeField("更新时间", auto_now=True)

    class Meta:
        abstract = True


class Setting(models.Model):
    """A named system setting, e.g. the demo's fixed “today”."""

    key = models.CharField("名称", max_length=100, unique=True)
    value = models.CharField("值", max_length=500, blank=True)
    created_at = models.DateTimeField("创建时间", auto_now_add=True)
    updated_at = models.DateTimeField("更新时间", auto_now=True)

    class Meta:
        verbose_name = "系统设置"
        verbose_name_plural = "系统设置"
        ordering = ["key"]

    def __str__(self) -> str:
        return f"{self.key} = {self.value}"
