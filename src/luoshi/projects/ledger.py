"""Project ledgers as spreadsheets: the project list (import and export, one layout, so
an exported ledger imports again), weekly updates, the finance side's confirmed figures,
and the exported workbook with the 四比四提高 rates and every reconciliation difference."""

import datetime as dt
from dataclasses import dataclass, field
from pathlib import Path

from luoshi.core.sheets import (
    ALERT_FILL,
    Field,
    SheetError,
    append,
    finish_sheet,
    new_sheet,
    parse_date,
    parse_decimal,
    put,
    read_rows,
    text_of,
    workbook,
)
from luoshi.plans.lookups import find_unit, latest_plans
from luoshi.plans.models import Part, Plan, Task, default_organisation_id

from .choices import ReconField
from .rates import RATE_LABELS, Rates
from .validation import DATE_FIELDS, LABELS, MONEY_FIELDS, PERCENT_FIELDS, REPORTED_FIELDS

FIGURE_COLUMNS = [
    Field("total_investment", ("总投资(万元)", "总投资"), width=12),
    Field("annual_planned_investment", ("年度计划投资(万元)", "年度计划投资"), width=16),
    Field("annual_completed_investment", ("年度完成投资(万元)", "年度完成投资", "完成投资"), width=16),
    Field("funds_applied", ("申报资金(万元)", "申报资金", "申报争取资金"), width=12),
    Field("funds_won", ("争取资金(万元)", "争取资金", "争取到位资金"), width=12),
    Field("funds_allocated", ("到位资金(万元)", "到位资金", "下达资金"), width=12),
    Field("funds_paid", ("支付资金(万元)", "支付资金", "已支付资金"), width=12),
    Field("planned_start", ("计划开工日期", "计划开工"), width=12),
    Field("actual_start", ("实际开工日期", "实际开工"), width=12),
    Field("planned_completion", ("计划竣工日期", "计划竣工"), width=12),
    Field("actual_completion", ("实际竣工日期", "实际竣工"), width=12),
    Field("physical_progress", ("形象进度(%)", "形象进度", "工程进度"), width=10),
]

PROJECT_COLUMNS = [
    Field("code", ("项目编号", "编号"), True, 12),
    Field("name", ("项目名称",), True, 30),
    Field("owner_unit", ("责任单位", "项目单位", "牵头单位"), True, 16),
    Field("part", ("所属攻坚", "攻坚"), width=12),
    Field("task", ("关联任务",), width=14),
    Field("year", ("年度",), width=8),
    *FIGURE_COLUMNS,
]

UPDATE_COLUMNS = [
    Field("code", ("项目编号", "编号"), True, 12),
    Field("name", ("项目名称",), width=30),
    *[c for c in FIGURE_COLUMNS if c.field in REPORTED_FIELDS],
    Field("progress_text", ("本周进展",), width=30),
    Field("problems", ("存在问题",), width=30),
]

RECON_COLUMNS = [
    Field("code", ("项目编号", "编号"), True, 12),
    Field("name", ("项目名称",), width=30),
    *[c for c in FIGURE_COLUMNS if c.field in ReconField.values],
]


@dataclass
class SheetRow:
    """A checked row: its number and the values it gives (blank cells left out)."""

    number: int
    values: dict = field(default_factory=dict)


def _cell_value(name: str, raw):
    if name in MONEY_FIELDS:
        return parse_decimal(raw)
    if name in PERCENT_FIELDS:
        return parse_decimal(raw, percent=True)
    if name in DATE_FIELDS:
        return parse_date(raw)
    if name == "year":
        text = text_of(raw)
        if not text:
            return None
        if not text.isdigit() or not 2000 <= int(text) <= 2100:
            raise ValueError(f"“{raw}”不是年份")
        return int(text)
    return text_of(raw)


def _read(data: bytes, name: str, columns: list[Field], resolve) -> list[SheetRow]:
    rows = read_rows(data, name, columns)
    errors, result, seen = [], [], {}
    for row in rows:
        before = len(errors)
        values = {}
        for column in columns:
            if column.field not in row.values:
                continue
            where = f"第{row.number}行 {row.cell(column.field)}（{column.title.split('(')[0]}）"
            try:
                value = _cell_value(column.field, row.values[column.field])
            except ValueError as exc:
                errors.append(f"{where}：{exc}")
                continue
            if value in (None, ""):
                if column.required:
                    errors.append(f"{where}：不能为空")
                continue
            try:
                values[column.field] = resolve(column.field, value)
            except ValueError as exc:
                errors.append(f"{where}：{exc}")
        code = values.get("code")
        if code and code in seen:
            errors.append(f"第{row.number}行：项目编号 {code} 与第{seen[code]}行重复")
        if code:
            seen.setdefault(code, row.number)
        if len(errors) == before:
            result.append(SheetRow(row.number, values))
    if errors:
        raise SheetError(errors)
    return result


def _resolver(org_id: int | None = None):
    """Names in a ledger, resolved in an organisation (its registry and plans; default the
    install's first)."""
    org_id = org_id or default_organisation_id()
    plans = latest_plans(Plan.objects.filter(organisation_id=org_id))

    def resolve(name, value):
        if name == "owner_unit":
            unit = find_unit(value, org_id)
            if unit is None:
                raise ValueError(f"找不到单位“{value}”（请用单位名录中的名称或别名）")
            return unit
        if name == "part":
            part = (
                Part.objects.filter(plan__in=plans, key=value).first()
                or Part.objects.filter(plan__in=plans, title=value).first()
            )
            if part is None:
                raise ValueError(f"找不到攻坚“{value}”（请写附件编号如“附件1”或攻坚方案标题）")
            return part
        if name == "task":
            task = Task.objects.filter(plan__in=plans, section__sid=value).first()
            if task is None:
                raise ValueError(f"找不到任务“{value}”（请写条目编号如“附件1/一/(二)”）")
            return task
        return value

    return resolve


def read_projects(data: bytes, name: str, org_id: int | None = None) -> list[SheetRow]:
    """The rows of a project ledger, every cell checked (units, campaigns, tasks found)."""
    return _read(data, name, PROJECT_COLUMNS, _resolver(org_id))


def read_updates(data: bytes, name: str) -> list[SheetRow]:
    """The rows of a weekly update sheet: 项目编号 and the figures that changed."""
    return _read(data, name, UPDATE_COLUMNS, lambda _name, value: value)


def read_confirmed(data: bytes, name: str) -> list[SheetRow]:
    """The rows of the finance side's confirmed figures for a reconciliation."""
    return _read(data, name, RECON_COLUMNS, lambda _name, value: value)


# ---------------------------------------------------------------- export


def _rate(value) -> str:
    return "—" if value is None else f"{value}%"


RATE_COLUMNS = [
    Field("group", ("范围",), width=24),
    Field("projects", ("项目数",), width=8),
    Field("funding_rate", ("争资占比率",), width=12),
    Field("start_rate", ("项目开工率",), width=12),
    Field("payment_rate", ("资金支付率",), width=12),
    Field("completion_rate", ("实物完成率",), width=12),
    Field("detail", ("计算依据",), width=60),
]

DIFF_COLUMNS = [
    Field("code", ("项目编号",), width=12),
    Field("name", ("项目名称",), width=30),
    Field("period", ("对账双周",), width=12),
    Field("field", ("指标",), width=18),
    Field("reported", ("报送数",), width=12),
    Field("confirmed", ("财政确认数",), width=12),
    Field("difference", ("差额",), width=12),
]


def _detail(r: Rates) -> str:
    return (
        f"争取{r.funds_won}/申报{r.funds_applied}万元；开工{r.started}/应开工{r.planned_starts}个；"
        f"支付{r.funds_paid}/到位{r.funds_allocated}万元；完成投资{r.annual_completed_investment}/"
        f"年度计划{r.annual_planned_investment}万元"
    )


def write_ledger(
    projects, overall: Rates, by_unit: dict, by_campaign: dict, lines, as_of: dt.date, path=None
):
    """The project ledger workbook: 项目台账 (importable again), 四比四提高 and 对账差异."""
    book = workbook()
    sheet = new_sheet(book, "项目台账", f"重大项目台账（截至{as_of:%Y年%m月%d日}）", PROJECT_COLUMNS)
    for project in projects:
        row = []
        for column in PROJECT_COLUMNS:
            value = getattr(project, column.field)
            if column.field == "owner_unit":
                value = value.name
            elif column.field == "part":
                value = value.key if value else ""
            elif column.field == "task":
                value = value.section.sid if value else ""
            row.append(value)
        append(sheet, row)
        for index, column in enumerate(PROJECT_COLUMNS, start=1):
            if column.field in DATE_FIELDS:
                sheet.cell(row=sheet.max_row, column=index).number_format = "yyyy-mm-dd"
    finish_sheet(sheet, PROJECT_COLUMNS)

    sheet = new_sheet(book, "四比四提高", f"四比四提高（截至{as_of:%Y年%m月%d日}）", RATE_COLUMNS)
    groups = [("全部项目", overall)]
    groups += [(f"责任单位：{name}", r) for name, r in by_unit.items()]
    groups += [(f"攻坚：{name}", r) for name, r in by_campaign.items()]
    for name, r in groups:
        append(
            sheet,
            [
                name,
                r.projects,
                _rate(r.funding_rate),
                _rate(r.start_rate),
                _rate(r.payment_rate),
                _rate(r.completion_rate),
                _detail(r),
            ],
        )
    finish_sheet(sheet, RATE_COLUMNS)
    note = sheet.max_row + 2
    formulas = {
        "funding_rate": "争取资金 ÷ 申报资金（只计申报了资金的项目）",
        "start_rate": "截至统计日已开工的项目数 ÷ 计划于统计日前开工的项目数",
        "payment_rate": "支付资金 ÷ 到位资金",
        "completion_rate": "年度完成投资 ÷ 年度计划投资",
    }
    for offset, (key, text) in enumerate(formulas.items()):
        put(sheet, note + offset, 1, f"{RATE_LABELS[key]} = {text}")

    sheet = new_sheet(book, "对账差异", "双周对账差异", DIFF_COLUMNS)
    for line in lines:
        append(
            sheet,
            [
                line.reconciliation.project.code,
                line.reconciliation.project.name,
                line.reconciliation.period_key,
                line.get_field_display(),
                line.reported,
                line.confirmed,
                line.difference,
            ],
        )
        sheet.cell(row=sheet.max_row, column=len(DIFF_COLUMNS)).fill = ALERT_FILL
    finish_sheet(sheet, DIFF_COLUMNS)
    if path is not None:
        book.save(Path(path))
    return book


__all__ = ["LABELS", "read_confirmed", "read_projects", "read_updates", "write_ledger"]
