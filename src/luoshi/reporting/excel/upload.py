"""The upload: check the whole filled template first (right template, key cells
untouched, every value valid, nothing already reported), and only then write every row
through ``file_report`` (the one submission service) in one transaction, or raise ``UploadError``
with every problem by sheet and cell and nothing written."""

import hashlib
from dataclasses import dataclass

from django.core.exceptions import PermissionDenied
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import transaction

from luoshi.accounts.permissions import Actor
from luoshi.core import clock, limits
from luoshi.core.sheets import Grid, cell_text, number_input
from luoshi.plans.choices import TaskRole
from luoshi.plans.models import Plan, Target, Task, TaskUnit, Unit

from ..choices import REPORTED_STATES, ReportState
from ..models import Period, Report
from ..periods import PeriodSpan, span_for_key
from ..permissions import is_reporter_of
from ..policy import Schedule, store_period
from ..services import Filing, ReportData, ReportingError, file_report, period_for, reporting_role
from ..values import parse_progress, parse_value
from .gather import is_due
from .layout import (
    MAX_VALUE,
    PROGRESS_COL,
    PROGRESS_TEXT_COL,
    TARGET_COLUMNS,
    TARGET_SHEET,
    TARGET_VALUE_COL,
    TASK_COLUMNS,
    TASK_INPUTS,
    TASK_SHEET,
)
from .meta import NOT_OURS, Meta, read_meta
from .results import Problem, RowOutcome, UploadError, UploadResult
from .shape import added_rows, added_task_row, open_upload, sheet_problems


def _text_input(value) -> str:
    if value is None:
        return ""
    if isinstance(value, str):
        return value.strip()
    return cell_text(value)


@dataclass
class _TaskEntry:
    row: int
    task: Task
    role: str
    data: ReportData
    targets: list  # the task's targets, as the template lists them


def _check_actor(actor: Actor, unit: Unit) -> None:
    if not is_reporter_of(actor, unit.pk):
        raise PermissionDenied("只能上传本单位的填报表")


def _row_cells(sheet: Grid, row: int, width: int) -> list:
    return [sheet.cell(row=row, column=column) for column in range(1, width + 1)]


def import_workbook(actor: Actor, data: bytes, *, submit: bool = True) -> UploadResult:
    """Check a filled template and write all its rows, or raise ``UploadError`` listing
    every problem with nothing written. ``submit`` hands the reports in; otherwise they
    stay drafts."""
    book = open_upload(data)
    meta = read_meta(book)
    plan, unit, span = _template_of(actor, meta)
    problems = sheet_problems(book, meta)
    upload = _Upload.of(book, meta, plan, unit, span, submit)
    problems += upload.added_rows()
    values, filled = upload.target_values(problems)
    entries = upload.task_entries(values, filled, problems)
    if problems:
        raise UploadError(problems)
    if not entries:
        message = "填报表中没有填写任何内容，未导入"
        if upload.skipped_reported:
            message += f"（{upload.skipped_reported} 项此前已报送）"
        raise UploadError([(TASK_SHEET, "", message)])
    result = UploadResult(
        plan=upload.latest,
        unit=unit,
        period=upload.period or Period(cadence=span.cadence, key=span.key, label=span.label),
        submitted=submit,
        skipped_empty=upload.skipped_empty,
        skipped_reported=upload.skipped_reported,
    )
    _write(actor, unit, span, entries, result, data, upload.schedule)
    return result


def _template_of(actor: Actor, meta: Meta) -> tuple[Plan, Unit, PeriodSpan]:
    """The plan, unit and period the template was made for; the actor must be of the unit
    and the period begun."""
    plan = Plan.objects.filter(pk=meta.plan_id).first()
    unit = Unit.objects.filter(pk=meta.unit_id).first()
    if plan is None or unit is None:
        raise UploadError([("", "", NOT_OURS.format(why="模板所属的方案或单位已不存在"))])
    try:
        span = span_for_key(meta.period_key)
    except ValueError:
        raise UploadError([("", "", NOT_OURS.format(why=f"周期 {meta.period_key} 无法识别"))]) from None
    _check_actor(actor, unit)
    if span.start > clock.today():
        raise UploadError([("", "", f"{span.label} 尚未开始，不能提前填报")])
    return plan, unit, span


@dataclass
class _Upload:
    """A template being checked: its sheets and what its rows refer to."""

    meta: Meta
    plan: Plan
    latest: Plan
    unit: Unit
    span: PeriodSpan
    period: Period | None
    submit: bool
    task_sheet: Grid
    target_sheet: Grid
    tasks: dict[int, Task]
    targets: dict[int, Target]
    roles: dict[int, str]
    schedule: Schedule
    current: dict[int, Report]  # task id → the unit's current report of the period
    skipped_empty: int = 0
    skipped_reported: int = 0

    @classmethod
    def of(cls, book, meta: Meta, plan: Plan, unit: Unit, span: PeriodSpan, submit: bool) -> "_Upload":
        latest = (
            Plan.objects.filter(organisation_id=plan.organisation_id, series=plan.series)
            .order_by("-version")
            .first()
        )
        task_ids = {task_id for task_id, _ in meta.task_rows.values()}
        tasks = {
            t.pk: t
            for t in Task.objects.filter(
                pk__in=task_ids, plan__organisation_id=plan.organisation_id, plan__series=plan.series
            ).select_related("section", "part", "plan")
        }
        target_ids = {target_id for target_id, _ in meta.target_rows.values()}
        period = Period.objects.filter(cadence=span.cadence, key=span.key).first()
        current = (
            Report.objects.filter(task_id__in=tasks, unit=unit, period=period, is_current=True)
            if period is not None and tasks
            else Report.objects.none()
        )
        return cls(
            meta=meta,
            plan=plan,
            latest=latest,
            unit=unit,
            span=span,
            period=period,
            submit=submit,
            task_sheet=book[TASK_SHEET],
            target_sheet=book[TARGET_SHEET],
            tasks=tasks,
            targets={t.pk: t for t in Target.objects.filter(pk__in=target_ids)},
            roles=dict(TaskUnit.objects.filter(unit=unit, task_id__in=tasks).values_list("task_id", "role")),
            schedule=Schedule.of(latest),
            current={r.task_id: r for r in current},  # one query for every row
        )

    def added_rows(self) -> list[Problem]:
        """Rows nobody was given: typed in by hand."""
        problems = [
            added_task_row(self.task_sheet, row, self.unit, self.plan)
            for row in added_rows(self.task_sheet, self.meta, set(self.meta.task_rows), len(TASK_COLUMNS))
        ]
        for row in added_rows(self.target_sheet, self.meta, set(self.meta.target_rows), len(TARGET_COLUMNS)):
            problems.append(
                (
                    TARGET_SHEET,
                    f"A{row}",
                    f"第 {row} 行不是模板中的指标行：请勿在模板中增加行，如需补充请重新下载模板",
                )
            )
        return problems

    def target_values(self, problems: list[Problem]) -> tuple[dict[int, dict[int, str]], set[int]]:
        """The target values typed in, by task, and the tasks with any value typed."""
        values_by_task: dict[int, dict[int, str]] = {}
        filled_by_task: set[int] = set()
        for row, (target_id, task_id) in sorted(self.meta.target_rows.items()):
            cell = self.target_sheet.cell(row=row, column=TARGET_VALUE_COL)
            raw = number_input(cell)
            target = self.targets.get(target_id)
            if target is None:
                problems.append((TARGET_SHEET, f"A{row}", "此指标已从方案中删除：请重新下载模板"))
                continue
            if raw is not None:
                filled_by_task.add(task_id)
                try:
                    value = parse_value(raw, target.unit)
                    if abs(value) >= MAX_VALUE:
                        raise ValueError(f"数值 {raw} 过大")
                except ValueError as exc:
                    problems.append((TARGET_SHEET, cell.coordinate, _value_message("实际值", exc)))
                    continue
            values_by_task.setdefault(task_id, {})[target_id] = raw or ""
        return values_by_task, filled_by_task

    def task_entries(self, values: dict[int, dict[int, str]], filled: set[int], problems: list[Problem]):
        """A ``_TaskEntry`` per filled task row that may be written; problems for the others."""
        entries: list[_TaskEntry] = []
        for row, (task_id, built_state) in sorted(self.meta.task_rows.items()):
            if built_state:  # reported when the template was made: shown, locked, not imported
                self.skipped_reported += 1
                continue
            cells = _row_cells(self.task_sheet, row, len(TASK_COLUMNS))
            inputs = [cells[i - 1].value for i in TASK_INPUTS]
            if not any(v not in (None, "") for v in inputs) and task_id not in filled:
                self.skipped_empty += 1
                continue
            refusal = self._refusal(row, task_id)
            if refusal:
                problems.append(refusal)
                continue
            task = self.tasks[task_id]
            data = self._data(cells, self.roles[task_id], values.get(task_id, {}), problems)
            targets = [
                self.targets[target_id]
                for _row, (target_id, of_task) in sorted(self.meta.target_rows.items())
                if of_task == task_id and target_id in self.targets
            ]
            entries.append(_TaskEntry(row, task, self.roles[task_id], data, targets))
        return entries

    def _refusal(self, row: int, task_id: int) -> Problem | None:
        """Why a filled task row cannot be reported on, if it cannot."""
        task, unit, span = self.tasks.get(task_id), self.unit, self.span
        if task is None:
            return (TASK_SHEET, f"A{row}", "此任务已从方案中删除：请重新下载模板")
        sid = task.section.sid
        if task.plan_id != self.latest.pk:
            return (TASK_SHEET, f"A{row}", f"任务 {sid} 已不在方案的最新版本中：请重新下载模板")
        if task_id not in self.roles:
            return (TASK_SHEET, f"A{row}", f"{unit.name} 不是任务 {sid} 的牵头或配合单位，不能填报此任务")
        if not is_due(self.schedule, task, span):
            try:
                period_for(task, span.key, self.schedule)
                message = f"任务 {sid} 在 {span.label} 不需填报"
            except ReportingError as exc:
                message = str(exc)
            return (TASK_SHEET, f"E{row}", f"{message}：请重新下载模板")
        report = self.current.get(task_id)
        if report is not None and report.state in REPORTED_STATES:
            if report.state == ReportState.ACCEPTED:
                why = "已审定，如需更改请先在系统中发起修订"
            else:
                why = f"{report.get_state_display()}，不能重复报送；如需更改，请先请审核人退回"
            return (TASK_SHEET, f"A{row}", f"{unit.name} 对任务 {sid} 的 {span.label} 报告{why}")
        return None

    def _data(self, cells: list, role: str, values: dict[int, str], problems: list[Problem]) -> ReportData:
        """The report a row gives, its progress and required texts checked."""
        progress_cell = cells[PROGRESS_COL - 1]
        progress = number_input(progress_cell)
        if progress is not None:
            try:
                parse_progress(progress)
            except ValueError as exc:
                problems.append((TASK_SHEET, progress_cell.coordinate, _value_message("完成进度", exc)))
        texts = {}
        for index, spec in enumerate(TASK_COLUMNS, start=1):
            if spec.field and spec.field != "progress":
                texts[spec.field] = _text_input(cells[index - 1].value)
                try:
                    limits.check_text(texts[spec.field], spec.title, max_length=0)
                except limits.LimitError as exc:
                    problems.append((TASK_SHEET, cells[index - 1].coordinate, str(exc)))
        if self.submit:
            if role == TaskRole.LEAD and progress is None:
                problems.append(
                    (
                        TASK_SHEET,
                        progress_cell.coordinate,
                        "牵头单位提交报告须填写完成进度（0 到 100 的数字）",
                    )
                )
            if not texts["progress_text"]:
                problems.append(
                    (TASK_SHEET, cells[PROGRESS_TEXT_COL - 1].coordinate, "提交报告须填写本期进展")
                )
        return ReportData(progress=progress, target_values=values, **texts)


def _value_message(label: str, exc: ValueError) -> str:
    """``完成进度“约80%”不是数字…``, ``完成进度应在 0 到 100 之间…``, ``实际值：不能为负数…``."""
    message = str(exc)
    if message.startswith(label):
        return message
    return f"{label}{message}" if message.startswith("“") else f"{label}：{message}"


@transaction.atomic
def _write(
    actor: Actor,
    unit: Unit,
    span: PeriodSpan,
    entries: list[_TaskEntry],
    result,
    data: bytes,
    schedule: Schedule,
):
    """Every row through the reporting services, all or nothing. What every row's filing
    needs is read once for them all, in this transaction: the stored period, the unit's
    current reports in it, which tasks have a lead; the schedule and the targets come
    with the upload."""
    problems: list[Problem] = []
    tasks = [entry.task.pk for entry in entries]
    period = Period.objects.filter(cadence=span.cadence, key=span.key).first() or store_period(span)
    current = dict(
        Report.objects.filter(task_id__in=tasks, unit=unit, period=period, is_current=True).values_list(
            "task_id", "pk"
        )
    )
    led = set(
        TaskUnit.objects.filter(task_id__in=tasks, role=TaskRole.LEAD).values_list("task_id", flat=True)
    )
    for entry in entries:
        task = entry.task
        # the unit's role as read with the task (services.reporting_role asks nothing more)
        task.role_unit_id, task.unit_role, task.has_lead = unit.pk, entry.role, task.pk in led
        try:
            role = reporting_role(task, unit)
            filing = Filing(task, unit, role, schedule, period, current.get(task.pk), entry.targets)
            report = file_report(actor, filing, entry.data, submit=result.submitted)
        except ReportingError as exc:
            problems.append((TASK_SHEET, f"A{entry.row}", f"任务 {entry.task.section.sid}：{exc}"))
            continue
        values = report.filed_values
        result.rows.append(
            RowOutcome(
                row=entry.row,
                task_id=entry.task.pk,
                sid=entry.task.section.sid,
                title=entry.task.title,
                role=entry.role,
                report_id=report.pk,
                state=report.state,
                progress=report.progress,
                values=len(values) if values is not None else report.target_values.count(),
            )
        )
        result.period = report.period
    if problems:
        raise UploadError(problems)
    digest = hashlib.sha256(data).hexdigest()
    result.stored_as = f"uploads/reports/{span.key}/{unit.pk}-{digest[:16]}.xlsx"
    transaction.on_commit(lambda: _keep(result.stored_as, data))


def _keep(name: str, data: bytes) -> None:
    """The uploaded file, kept for the audit trail (named by its content, stored once)."""
    if not default_storage.exists(name):
        default_storage.save(name, ContentFile(data))
