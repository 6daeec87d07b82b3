"""What a project's figures may be. Plain Python: a dict of field → value in, a list of
(field, Chinese message naming it) out."""

import datetime as dt
from decimal import Decimal

MONEY_FIELDS = [
    "total_investment",
    "annual_planned_investment",
    "annual_completed_investment",
    "funds_applied",
    "funds_won",
    "funds_allocated",
    "funds_paid",
]
DATE_FIELDS = ["planned_start", "actual_start", "planned_completion", "actual_completion"]
PERCENT_FIELDS = ["physical_progress"]

# figures a weekly update (每周调度) reports; the rest is set when a project is registered
REPORTED_FIELDS = [
    "annual_completed_investment",
    "funds_applied",
    "funds_won",
    "funds_allocated",
    "funds_paid",
    "actual_start",
    "actual_completion",
    "physical_progress",
]

LABELS = {
    "code": "项目编号",
    "name": "项目名称",
    "year": "年度",
    "owner_unit": "责任单位",
    "part": "所属攻坚",
    "task": "关联任务",
    "total_investment": "总投资",
    "annual_planned_investment": "年度计划投资",
    "annual_completed_investment": "年度完成投资",
    "funds_applied": "申报资金",
    "funds_won": "争取资金",
    "funds_allocated": "到位资金",
    "funds_paid": "支付资金",
    "planned_start": "计划开工日期",
    "actual_start": "实际开工日期",
    "planned_completion": "计划竣工日期",
    "actual_completion": "实际竣工日期",
    "physical_progress": "形象进度",
}


def figure_errors(values: dict, today: dt.date | None = None) -> list[tuple[str, str]]:
    """Every rule the figures break: money not negative, paid ≤ allocated, won ≤ applied
    is not required (funds may come unasked), a start not after a completion, progress
    0–100, no actual date in the future."""
    errors = []
    for name in MONEY_FIELDS:
        value = values.get(name)
        if value is not None and Decimal(value) < 0:
            errors.append((name, f"{LABELS[name]}不能为负数（{value}）"))
    paid, allocated = values.get("funds_paid"), values.get("funds_allocated")
    if paid is not None and allocated is not None and Decimal(paid) > Decimal(allocated):
        errors.append(("funds_paid", f"支付资金（{paid}万元）不能大于到位资金（{allocated}万元）"))
    for start, end in (("planned_start", "planned_completion"), ("actual_start", "actual_completion")):
        first, last = values.get(start), values.get(end)
        if first and last and first > last:
            errors.append((start, f"{LABELS[start]}（{first}）不能晚于{LABELS[end]}（{last}）"))
    if values.get("actual_completion") and not values.get("actual_start"):
        errors.append(("actual_start", "已填实际竣工日期，请同时填写实际开工日期"))
    for name in ("actual_start", "actual_completion"):
        day = values.get(name)
        if today and day and day > today:
            errors.append((name, f"{LABELS[name]}（{day}）不能晚于今天"))
    progress = values.get("physical_progress")
    if progress is not None and not (0 <= Decimal(progress) <= 100):
        errors.append(("physical_progress", f"形象进度应在 0 到 100 之间（{progress}）"))
    return errors
