"""The very hidden sheet ``_meta``: plan, unit, period, the template version, the text
of every locked cell and a SHA-256 over all of it, written with the template and read
back (and checked) on upload."""

import datetime as dt
import hashlib
import json
from dataclasses import dataclass

from openpyxl import Workbook

from luoshi.core.sheets import (
    cell_text,
    put,
)

from .layout import META_SHEET, TEMPLATE_KIND, TEMPLATE_VERSION
from .results import UploadError

META_LABELS = {
    "kind": "模板",
    "version": "版本",
    "plan": "方案编号",
    "unit": "单位编号",
    "period": "周期",
    "generated": "生成时间",
}
META_TABLE_ROW = 10  # header of the entries table


def meta_header(plan_id: int, unit_id: int, period_key: str, generated: dt.datetime) -> dict[str, str]:
    return {
        "kind": TEMPLATE_KIND,
        "version": TEMPLATE_VERSION,
        "plan": str(plan_id),
        "unit": str(unit_id),
        "period": period_key,
        "generated": generated.isoformat(timespec="seconds"),
    }


def _digest(header: dict[str, str], entries: list[tuple[str, ...]]) -> str:
    payload = json.dumps([header, [list(e) for e in entries]], ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(payload.encode("utf-8")).hexdigest()


def write_meta(book: Workbook, header: dict[str, str], entries: list[tuple[str, ...]]) -> None:
    sheet = book.create_sheet(META_SHEET)
    for row, (name, label) in enumerate(META_LABELS.items(), start=1):
        put(sheet, row, 1, label)
        put(sheet, row, 2, name)
        put(sheet, row, 3, header[name])
    put(sheet, len(META_LABELS) + 1, 1, "校验码")
    put(sheet, len(META_LABELS) + 1, 2, "sha256")
    put(sheet, len(META_LABELS) + 1, 3, _digest(header, entries))
    for column, title in enumerate(("类别", "工作表", "单元格", "内容", "附注"), start=1):
        put(sheet, META_TABLE_ROW, column, title)
    for row, entry in enumerate(entries, start=META_TABLE_ROW + 1):
        for column, value in enumerate(entry, start=1):
            # every value as text, so what is read back is what was hashed
            put(sheet, row, column, value).number_format = "@"
    sheet.sheet_state = "veryHidden"
    sheet.protection.sheet = True


@dataclass
class Meta:
    plan_id: int
    unit_id: int
    period_key: str
    task_rows: dict[int, tuple[int, str]]  # sheet row → (task id, state when built if reported)
    target_rows: dict[int, tuple[int, int]]  # sheet row → (target id, task id)
    keys: list[tuple[str, str, str]]


NOT_OURS = "这不是落实系统下载的填报模板（{why}）：请在系统中重新下载本单位本期的模板，填好后原样上传"


def read_meta(book) -> Meta:
    if META_SHEET not in book.sheetnames:
        raise UploadError([("", "", NOT_OURS.format(why="缺少模板信息"))])
    sheet = book[META_SHEET]
    header = {}
    for row in range(1, len(META_LABELS) + 1):
        name = cell_text(sheet.cell(row=row, column=2).value)
        header[name] = cell_text(sheet.cell(row=row, column=3).value)
    if header.get("kind") != TEMPLATE_KIND:
        raise UploadError([("", "", NOT_OURS.format(why="模板信息无法识别"))])
    if header.get("version") != TEMPLATE_VERSION:
        raise UploadError(
            [
                (
                    "",
                    "",
                    f"模板版本为 {header.get('version') or '未知'}，系统现用版本 {TEMPLATE_VERSION}："
                    "请在系统中重新下载模板后填写",
                )
            ]
        )
    stored = cell_text(sheet.cell(row=len(META_LABELS) + 1, column=3).value)
    entries = []
    for values in sheet.iter_rows(min_row=META_TABLE_ROW + 1, max_col=5, values_only=True):
        if all(v is None for v in values):
            continue
        entries.append(tuple(cell_text(v) for v in values))
    if _digest({k: header.get(k, "") for k in META_LABELS}, entries) != stored:
        raise UploadError([("", "", NOT_OURS.format(why="模板信息已被改动"))])
    task_rows, target_rows, keys = {}, {}, []
    try:
        for kind, sheet_name, cell, text, extra in entries:
            if kind == "task":
                task_rows[int(cell)] = (int(text), extra)
            elif kind == "target":
                target_rows[int(cell)] = (int(text), int(extra))
            else:
                keys.append((sheet_name, cell, text))
        return Meta(int(header["plan"]), int(header["unit"]), header["period"], task_rows, target_rows, keys)
    except (KeyError, ValueError):
        raise UploadError([("", "", NOT_OURS.format(why="模板信息不完整"))]) from None
