"""The abstract bases every app's models stand on: time stamps, histories, transitions."""

from django.conf import settings
from django.db import models


class TimeStamped(models.Model):
    """When a row was made and last changed; the base of every model with a history."""

    created_at = models.DateTimeField("创建时间", auto_now_add=True)
    updated_at = models.DateTimeField("更新时间", auto_now=True)

    class Meta:
        abstract = True


class History(models.Model):
    """A row of a history (STYLE 9): who did it, when, and why. ``created_at`` is set by
    the service from the clock (a replayed history keeps its own times)."""

    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="操作人",
    )
    created_at = models.DateTimeField("时间")
    reason = models.TextField("说明", blank=True)

    class Meta:
        abstract = True


class Transition(History):
    """A change of state: from which to which. A subclass restates the two fields with
    its own state choices."""

    from_state = models.CharField("原状态", max_length=20, blank=True)
    to_state = models.CharField("新状态", max_length=20)

    class Meta:
        abstract = True
