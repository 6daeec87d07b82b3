"""What a reported figure may be, by the target's unit of measure. Plain Python."""

import re
from decimal import Decimal, InvalidOperation

PERCENT_UNITS = {"%", "％", "‰", "个百分点"}
COUNT_UNITS = set("个家人户台项次件所座名套条处批场支辆张宗位间栋艘架头只本部篇期")
MONEY_UNITS = {"元", "千元", "万元", "亿元", "美元", "万美元", "亿美元", "元/月", "元/人", "元/月·人"}


def measure_kind(unit: str) -> str:
    """percent, count, money or amount (any other non-negative quantity)."""
    unit = (unit or "").strip()
    if unit in PERCENT_UNITS:
        return "percent"
    if unit in MONEY_UNITS or unit.endswith("元"):
        return "money"
    if unit in COUNT_UNITS:
        return "count"
    return "amount"


def parse_value(raw, unit: str) -> Decimal:
    """The number a user typed for a target in ``unit``; ``ValueError`` with a Chinese reason.

    A % takes 0–1000; a count a non-negative whole number; money and other quantities a
    non-negative number.
    """
    if isinstance(raw, bool):
        raise ValueError("应填写数字")
    if isinstance(raw, (int, float, Decimal)):
        text = str(raw)
    else:
        text = str(raw or "").strip().replace(",", "").replace("，", "")
        if unit and text.endswith(unit):
            text = text[: -len(unit)].strip()
        text = text.rstrip("%％")
    if text == "":
        raise ValueError("未填写")
    if not re.fullmatch(r"[-+]?\d+(\.\d+)?", text):
        raise ValueError(f"“{raw}”不是数字，请只填写数字（如 80 或 12.5）")
    try:
        value = Decimal(text)
    except InvalidOperation:
        raise ValueError(f"“{raw}”不是数字") from None
    kind = measure_kind(unit)
    if kind == "percent":
        if not 0 <= value <= 1000:
            raise ValueError(f"百分比应在 0 到 1000 之间，填写的是 {text}")
    elif value < 0:
        raise ValueError(f"不能为负数，填写的是 {text}")
    if kind == "count" and value != value.to_integral_value():
        raise ValueError(f"以“{unit}”计的数量应为整数，填写的是 {text}")
    return value


def parse_progress(raw) -> Decimal:
    """完成进度: a number from 0 to 100 (a trailing % allowed)."""
    try:
        value = parse_value(raw, "%")
    except ValueError as exc:
        raise ValueError(
            str(exc).replace("百分比应在 0 到 1000 之间", "完成进度应在 0 到 100 之间")
        ) from None
    if value > 100:
        raise ValueError(f"完成进度应在 0 到 100 之间，填写的是 {value}")
    return value.quantize(Decimal("0.1"))
