"""Rectification ledgers (整改台账) as spreadsheets: read a list of problems into checked
rows, and write items back out with their current states. An exported ledger imports
again: its 编号 column brings each row back to the item it came from."""

import datetime as dt
import hashlib
from dataclasses import dataclass, field
from pathlib import Path

from django.core.files.base import ContentFile
from django.db import transaction

from luoshi.accounts.permissions import Actor
from luoshi.core import clock
from luoshi.core.sheets import (
    ALERT_FILL,
    Field,
    SheetError,
    append,
    finish_sheet,
    new_sheet,
    parse_date,
    read_rows,
    split_names,
    text_of,
    workbook,
)
from luoshi.plans.lookups import find_unit
from luoshi.plans.models import Part, Unit

from . import permissions
from .choices import Action, ItemState, Level, Source
from .models import Ledger, LedgerUpload, SupervisionItem
from .services import SupervisionError, _locked, _new_item, _record, _title_from
from .status import deadline_status

IMPORT_COLUMNS = [
    Field("item_id", ("编号", "事项编号", "督办编号"), width=8),
    Field("number", ("序号",), width=6),
    Field("content", ("问题描述", "问题", "存在问题", "问题清单", "督办内容", "督办事项"), True, 40),
    Field("measures", ("整改措施", "整改举措", "办理措施"), width=36),
    Field("lead", ("责任单位", "牵头单位", "责任单位(牵头)", "牵头责任单位"), True, 16),
    Field("cooperating", ("配合单位", "协同单位"), width=16),
    Field("deadline", ("整改时限", "完成时限", "办理时限", "整改期限"), True, 12),
    Field("source", ("来源", "问题来源"), width=10),
    Field("level", ("督办级别", "级别"), width=10),
]

EXPORT_COLUMNS = [
    *IMPORT_COLUMNS,
    Field("state", ("当前状态",), width=12),
    Field("closed_on", ("办结日期",), width=12),
    Field("feedback", ("最新反馈",), width=40),
]

SOURCE_BY_LABEL = {label: value for value, label in Source.choices}
LEVEL_BY_LABEL = {label: value for value, label in Level.choices}


@dataclass
class LedgerRow:
    """One checked row of a ledger sheet."""

    number: int  # row number in the sheet
    item_id: int | None
    ledger_number: str
    content: str
    measures: str
    lead_unit: Unit
    cooperating_units: list[Unit] = field(default_factory=list)
    deadline: dt.date | None = None
    source: str = Source.RECTIFICATION
    level: str = Level.NORMAL


def read_ledger(data: bytes, name: str, org_id: int | None = None) -> list[LedgerRow]:
    """The rows of a ledger file, every cell checked, its units found in the registry of
    the organisation ``org_id`` (default the install's first); SheetError lists every bad
    cell."""
    rows = read_rows(data, name, IMPORT_COLUMNS)
    errors, result = [], []
    for row in rows:
        before = len(errors)
        values = row.values

        def bad(name, message, row=row):
            column = next(c for c in IMPORT_COLUMNS if c.field == name)
            errors.append(f"第{row.number}行 {row.cell(name)}（{column.title}）：{message}")

        item_id = None
        raw_id = text_of(values.get("item_id"))
        if raw_id:
            if raw_id.isdigit():
                item_id = int(raw_id)
            else:
                bad("item_id", f"编号“{raw_id}”应为数字（由导出的台账带出，新增行请留空）")
        content = text_of(values.get("content"))
        if not content:
            bad("content", "问题描述不能为空")
        lead_name = text_of(values.get("lead"))
        lead = find_unit(lead_name, org_id)
        if not lead_name:
            bad("lead", "责任单位不能为空")
        elif lead is None:
            bad("lead", f"找不到单位“{lead_name}”（请用单位名录中的名称或别名）")
        cooperating = []
        for unit_name in split_names(text_of(values.get("cooperating"))):
            unit = find_unit(unit_name, org_id)
            if unit is None:
                bad("cooperating", f"找不到单位“{unit_name}”")
            else:
                cooperating.append(unit)
        deadline = None
        try:
            deadline = parse_date(values.get("deadline"))
            if deadline is None:
                bad("deadline", "整改时限不能为空")
        except ValueError as exc:
            bad("deadline", str(exc))
        source = Source.RECTIFICATION
        raw_source = text_of(values.get("source"))
        if raw_source:
            source = SOURCE_BY_LABEL.get(raw_source) or (raw_source if raw_source in Source.values else None)
            if source is None:
                bad("source", f"来源“{raw_source}”无效，可选：{'、'.join(Source.labels)}")
        level = Level.NORMAL
        raw_level = text_of(values.get("level"))
        if raw_level:
            level = LEVEL_BY_LABEL.get(raw_level) or (raw_level if raw_level in Level.values else None)
            if level is None:
                bad("level", f"督办级别“{raw_level}”无效，可选：{'、'.join(Level.labels)}")
        if len(errors) == before:
            result.append(
                LedgerRow(
                    number=row.number,
                    item_id=item_id,
                    ledger_number=text_of(values.get("number"))[:20],
                    content=content,
                    measures=text_of(values.get("measures")),
                    lead_unit=lead,
                    cooperating_units=cooperating,
                    deadline=deadline,
                    source=source,
                    level=level,
                )
            )
    seen: dict[str, int] = {}
    for row in result:
        if row.ledger_number:
            if row.ledger_number in seen:
                errors.append(
                    f"第{row.number}行：序号 {row.ledger_number} 与第{seen[row.ledger_number]}行重复"
                )
            seen.setdefault(row.ledger_number, row.number)
    if errors:
        raise SheetError(errors)
    return result


def ledger_rows(items) -> list[list]:
    """The export rows of ``items``, in order."""
    today = clock.today()
    items = list(
        items.select_related("lead_unit").prefetch_related("cooperating_units", "transitions")
        if hasattr(items, "select_related")
        else items
    )
    rows = []
    for item in items:
        feedback = [t for t in item.transitions.all() if t.action == Action.FEEDBACK]
        latest = max(feedback, key=lambda t: (t.created_at, t.pk)) if feedback else None
        rows.append(
            [
                item.pk,
                item.ledger_number,
                item.content,
                item.measures,
                item.lead_unit.name,
                "、".join(unit.name for unit in item.cooperating_units.all()),
                item.deadline,
                item.get_source_display(),
                item.get_level_display(),
                item.get_state_display(),
                clock_date(item.closed_at),
                latest.reason if latest else "",
                deadline_status(item, today),
            ]
        )
    return rows


def clock_date(moment: dt.datetime | None) -> dt.date | None:
    if moment is None:
        return None
    from django.utils import timezone

    return timezone.localtime(moment).date()


def write_ledger(items, title: str, path: str | Path | None = None):
    """An xlsx of ``items`` with their states; overdue open items' deadlines in red.
    Returns the workbook (saved to ``path`` when given)."""
    book = workbook()
    sheet = new_sheet(book, "整改台账", title, EXPORT_COLUMNS)
    deadline_col = [c.field for c in EXPORT_COLUMNS].index("deadline") + 1
    for row in ledger_rows(items):
        status = row.pop()
        append(sheet, row)
        sheet.cell(row=sheet.max_row, column=deadline_col).number_format = "yyyy-mm-dd"
        closed = sheet.cell(row=sheet.max_row, column=len(EXPORT_COLUMNS) - 1)
        closed.number_format = "yyyy-mm-dd"
        if status == "overdue":
            sheet.cell(row=sheet.max_row, column=deadline_col).fill = ALERT_FILL
    finish_sheet(sheet, EXPORT_COLUMNS)
    if path is not None:
        book.save(path)
    return book


def items_of_ledger(ledger) -> "list[SupervisionItem]":
    return ledger.items.order_by("pk")


# ---------------------------------------------------------------- importing (the write)


EDITABLE = {
    "title": "事项",
    "content": "督办内容",
    "measures": "整改措施",
    "deadline": "办理时限",
    "lead_unit": "牵头单位",
    "source": "来源",
    "level": "督办级别",
    "ledger_number": "台账序号",
}


def _edit(actor: Actor, item: SupervisionItem, changes: dict, cooperating=None, reason: str = "") -> bool:
    """Apply field changes to a locked item and record what changed; False if nothing did."""
    changed = []
    fields = {}
    for name, value in changes.items():
        old = getattr(item, name)
        if old != value:
            changed.append(f"{EDITABLE[name]}：{_show(old)} → {_show(value)}")
            fields[name] = [_show(old), _show(value)]
            setattr(item, name, value)
    if cooperating is not None:
        old_units = list(item.cooperating_units.order_by("pk"))
        new_units = sorted(
            {u.pk: u for u in cooperating if u.pk != item.lead_unit_id}.values(), key=lambda u: u.pk
        )
        if [u.pk for u in old_units] != [u.pk for u in new_units]:
            changed.append(
                f"配合单位：{'、'.join(u.name for u in old_units) or '无'} → {'、'.join(u.name for u in new_units) or '无'}"
            )
            fields["cooperating_units"] = [[u.name for u in old_units], [u.name for u in new_units]]
            item.cooperating_units.set(new_units)
            item._unit_ids = None
    if not changed:
        return False
    if item.state == ItemState.CLOSED:
        raise SupervisionError(f"督办事项〔{item.pk}〕已销号，不能再修改（{changed[0]}）", "state")
    item.save()
    comment = "；".join(changed) + (f"（{reason}）" if reason else "")
    _record(item, Action.EDIT, actor, from_state=item.state, comment=comment, changes=fields)
    return True


def _show(value) -> str:
    if isinstance(value, Unit):
        return value.name
    if isinstance(value, dt.date):
        return value.isoformat()
    if value in Level.values:
        return Level(value).label
    if value in Source.values:
        return Source(value).label
    text = str(value or "")
    return text if len(text) <= 30 else text[:29] + "…"


@dataclass
class LedgerImport:
    """What a ledger import did."""

    ledger: Ledger
    upload: LedgerUpload
    created: list[SupervisionItem]
    updated: list[SupervisionItem]
    unchanged: int


@transaction.atomic
def import_ledger(
    actor: Actor,
    data: bytes,
    name: str,
    *,
    ledger: Ledger | None = None,
    title: str = "",
    part: Part | None = None,
    org_id: int | None = None,
) -> LedgerImport:
    """Import a ledger sheet: each row becomes an item (source 整改问题 unless its 来源 says
    otherwise) or, with its 编号 or 序号, updates the item it came from. Any bad cell
    refuses the whole file (SheetError lists them all); nothing is half-written. Its units
    are those of the organisation ``org_id``; by default the campaign's, else the actor's
    (the install's first for the system)."""
    campaign = ledger.part if ledger else part
    if org_id is None and campaign is not None:
        org_id = Part.objects.filter(pk=campaign.pk).values_list("plan__organisation_id", flat=True).first()
    rows = read_ledger(data, name, org_id or actor.org_id)
    permissions.check(actor, Action.CREATE, part_id=campaign.pk if campaign else None)
    ids = [row.item_id for row in rows if row.item_id]
    existing = {
        item.pk: item
        for item in permissions.visible_items(actor).filter(pk__in=ids).select_for_update(of=("self",))
    }
    errors = [
        f"第{row.number}行：编号 {row.item_id} 的督办事项不存在或无权查看"
        for row in rows
        if row.item_id and row.item_id not in existing
    ]
    if ledger is None and existing:
        ledger_ids = {item.ledger_id for item in existing.values()}
        if len(ledger_ids) == 1 and None not in ledger_ids:
            ledger = Ledger.objects.get(pk=ledger_ids.pop())
    for row in rows:
        item = existing.get(row.item_id)
        if item is not None and (ledger is None or item.ledger_id != ledger.pk):
            where = f"台账“{ledger.title}”" if ledger else "同一个台账"
            errors.append(f"第{row.number}行：编号 {row.item_id} 的督办事项不属于{where}")
    if errors:
        raise SheetError(errors)
    if ledger is None:
        ledger = Ledger.objects.create(
            title=(title or "").strip() or Path(name).stem, part=part, created_by=actor.user
        )
    by_number = {
        item.ledger_number: item
        for item in ledger.items.exclude(ledger_number="").select_for_update()
        if item.ledger_number
    }
    created, updated, unchanged = [], [], 0
    for row in rows:
        item = existing.get(row.item_id) or (by_number.get(row.ledger_number) if row.ledger_number else None)
        try:
            if item is None:
                created.append(
                    _new_item(
                        actor,
                        content=row.content,
                        measures=row.measures,
                        lead_unit=row.lead_unit,
                        cooperating_units=row.cooperating_units,
                        deadline=row.deadline,
                        source=row.source,
                        level=row.level,
                        part=ledger.part,
                        ledger=ledger,
                        ledger_number=row.ledger_number,
                        comment=f"由整改台账“{ledger.title}”第{row.number}行导入",
                    )
                )
                continue
            item = _locked(item)
            changes = {
                "content": row.content,
                "measures": row.measures,
                "lead_unit": row.lead_unit,
                "deadline": row.deadline,
                "source": row.source,
                "level": row.level,
                "ledger_number": row.ledger_number,
            }
            if item.content != row.content:
                changes["title"] = _title_from(row.content)
            if _edit(actor, item, changes, row.cooperating_units, f"整改台账 {name} 第{row.number}行"):
                updated.append(item)
            else:
                unchanged += 1
        except SupervisionError as exc:
            errors.append(f"第{row.number}行：{exc}")
    if errors:
        raise SheetError(errors)
    upload = LedgerUpload(
        ledger=ledger,
        file_name=name[:300],
        sha256=hashlib.sha256(data).hexdigest(),
        created_count=len(created),
        updated_count=len(updated),
        uploaded_by=actor.user,
    )
    upload.file.save(Path(name).name or "ledger.xlsx", ContentFile(data), save=False)
    upload.save()
    return LedgerImport(ledger, upload, created, updated, unchanged)
