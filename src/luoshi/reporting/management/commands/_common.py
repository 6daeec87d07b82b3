"""Small helpers shared by the reporting commands."""

import datetime as dt

from django.core.management.base import CommandError

from luoshi.core import clock
from luoshi.plans.lookups import find_unit, get_plan
from luoshi.plans.models import Plan, Unit
from luoshi.plans.validation import PlanError


def plan_arg(ref: str | None, org_id: int | None = None) -> Plan:
    try:
        return get_plan(ref, org_id)
    except PlanError as exc:
        raise CommandError(str(exc)) from None


def date_arg(value: str | None, name: str = "--as-of") -> dt.date:
    if not value:
        return clock.today()
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        raise CommandError(f"{name} 的日期 {value!r} 无效，应为 YYYY-MM-DD") from None


def unit_arg(name: str) -> Unit:
    unit = find_unit(name)
    if unit is None:
        raise CommandError(f"单位名录中没有“{name}”（luoshi units 列出全部单位）")
    return unit


def table(rows: list[list[str]], headers: list[str]) -> str:
    """A plain text table; CJK characters count double in width."""

    def width(text: str) -> int:
        return sum(2 if ord(ch) > 0x2E80 else 1 for ch in text)

    widths = [max([width(h)] + [width(r[i]) for r in rows]) for i, h in enumerate(headers)]
    lines = []
    for row in [headers, *rows]:
        lines.append("  ".join(cell + " " * (widths[i] - width(cell)) for i, cell in enumerate(row)).rstrip())
    return "\n".join(lines)
