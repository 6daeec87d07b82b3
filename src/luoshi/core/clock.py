"""One clock for the whole application.

Today is ``timezone.localdate()`` (Asia/Shanghai), unless a fixed date is set: the
``LUOSHI_TODAY`` environment variable, or the ``today`` setting the demo stores so its
pages and commands play the plan's year as of a date in it.
"""

import contextlib
import contextvars
import datetime as dt
import os

from django.utils import timezone

TODAY_KEY = "today"
_frozen: contextvars.ContextVar[dt.datetime | None] = contextvars.ContextVar(
    "luoshi_frozen_now", default=None
)


@contextlib.contextmanager
def frozen(moment: dt.datetime):
    """Within the block, now() is ``moment`` and today() its date (for playing a year of
    reports in the demo, or a test that needs an exact time)."""
    token = _frozen.set(moment)
    try:
        yield moment
    finally:
        _frozen.reset(token)


def fixed_today() -> dt.date | None:
    value = os.environ.get("LUOSHI_TODAY")
    if not value:
        from .models import Setting

        value = Setting.objects.filter(key=TODAY_KEY).values_list("value", flat=True).first()
    if not value:
        return None
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        raise ValueError(f"固定日期 {value!r} 无效，应为 YYYY-MM-DD") from None


def today() -> dt.date:
    """The date every status, reminder and page treats as today."""
    moment = _frozen.get()
    if moment is not None:
        return timezone.localtime(moment).date()
    return fixed_today() or timezone.localdate()


def now() -> dt.datetime:
    """The current time; on a fixed date, that date at the current time of day."""
    moment = _frozen.get()
    if moment is not None:
        return moment
    current = timezone.localtime()
    fixed = fixed_today()
    if fixed is None:
        return current
    return current.replace(year=fixed.year, month=fixed.month, day=fixed.day)


def set_fixed_today(day: dt.date | None) -> None:
    from .models import Setting

    if day is None:
        Setting.objects.filter(key=TODAY_KEY).delete()
    else:
        Setting.objects.update_or_create(key=TODAY_KEY, defaults={"value": day.isoformat()})
