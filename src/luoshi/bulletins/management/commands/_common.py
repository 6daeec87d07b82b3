"""Small helpers shared by the bulletin commands."""

from pathlib import Path

from django.core.exceptions import PermissionDenied
from django.core.management.base import CommandError

from luoshi.plans.lookups import get_plan
from luoshi.plans.models import Plan
from luoshi.plans.validation import PlanError
from luoshi.reporting.workdays import CalendarYearUnknown

from ...lookups import BulletinError

# errors a bulletin service raises for bad input, shown as one Chinese line
INPUT_ERRORS = (BulletinError, PermissionDenied, CalendarYearUnknown, PlanError)


def plan_arg(ref: str | None) -> Plan:
    try:
        return get_plan(ref)
    except PlanError as exc:
        raise CommandError(str(exc)) from None


def output_arg(path: str, suffix: str) -> Path:
    if not path.lower().endswith(suffix):
        raise CommandError(f"输出文件 {path} 应以 {suffix} 结尾")
    return Path(path)


def write(path: Path, content: bytes) -> None:
    try:
        path.write_bytes(content)
    except OSError as exc:
        raise CommandError(f"无法写入 {path}：{exc.strerror}") from None
