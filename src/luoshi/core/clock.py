"""One clock for the whole application.

Today is ``timezone.localdate()`` (Asia/Shanghai), unless a fixed date is set: the
``LUOSHI_TODAY`` environment variable, or the date ``luoshi demo`` keeps in the data
directory so its pages and commands play the plan's year as of a date in it. The fixed
date is read once, when the process starts (``settings.LUOSHI_TODAY``): asking the clock
never touches the database.
"""

import contextlib
import contextvars
import datetime as dt
import os
from pathlib import Path

from django.conf import settings
from django.utils import timezone

TODAY_FILE = "today"  # in the data directory: the demo's fixed today
_frozen: contextvars.ContextVar[dt.datetime | None] = contextvars.ContextVar(
    "luoshi_frozen_now", default=None
)
_fixed: list[dt.date | None] = []  # this process's fixed date (or None), once read


@contextlib.contextmanager
def frozen(moment: dt.datetime):
    """Within the block, now() is ``moment`` and today() its date (for playing a year of
    reports in the demo, or a test that needs an exact time)."""
    token = _frozen.set(moment)
    try:
        yield moment
    finally:
        _frozen.reset(token)


def read_fixed_today(data_dir: Path) -> dt.date | None:
    """``LUOSHI_TODAY``, else the date kept in ``data_dir`` by the demo; None if neither.

    Raises ValueError (with a Chinese message) on a value that is not YYYY-MM-DD.
    """
    value = os.environ.get("LUOSHI_TODAY", "").strip()
    source = "环境变量 LUOSHI_TODAY"
    if not value:
        try:
            value = (data_dir / TODAY_FILE).read_text(encoding="utf-8").strip()
        except FileNotFoundError:
            return None
        source = f"文件 {data_dir / TODAY_FILE}"
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        raise ValueError(f"{source} 中的固定日期 {value!r} 无效，应为 YYYY-MM-DD") from None


def fixed_today(*, reread: bool = False) -> dt.date | None:
    """The fixed date of this process, or None (then today is the real date); ``reread``
    looks again at the environment and the data directory."""
    if reread:
        _fixed[:] = [read_fixed_today(settings.DATA_DIR)]
    elif not _fixed:
        _fixed.append(settings.LUOSHI_TODAY)
    return _fixed[0]


def store_fixed_today(day: dt.date) -> dt.date | None:
    """Keep ``day`` in the data directory as the fixed today of this process and of every
    later one (the demo's date); returns the date now in force (``LUOSHI_TODAY`` wins)."""
    settings.DATA_DIR.mkdir(parents=True, exist_ok=True)
    (settings.DATA_DIR / TODAY_FILE).write_text(day.isoformat(), encoding="utf-8")
    return fixed_today(reread=True)


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
