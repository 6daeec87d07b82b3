"""Every write of the reporting domain, one function each: used by pages, API, CLI and
the Excel upload alike. Each checks permission, writes the change and its transition
row, and leaves in-app messages for whoever acts next."""

from dataclasses import dataclass, field

from django.db import IntegrityError, transaction

from luoshi.accounts.choices import Role
from luoshi.accounts.permissions import Actor, users_of
from luoshi.audit.choices import AuditAction
from luoshi.audit.services import diff, plain, record_change, snapshot
from luoshi.core import clock, evidence
from luoshi.core.evidence import EvidenceFile
from luoshi.plans.choices import Cadence, TaskRole
from luoshi.plans.models import Target, Task, TaskUnit, Unit

from . import kept, permissions
from .choices import ReportState
from .models import Evidence, Period, Report, ReportTransition, TargetValue
from .notify import notify
from .periods import span_for_key
from .policy import Schedule, ensure_period
from .values import parse_progress, parse_value


class ReportingError(ValueError):
    """A report that cannot be written as asked; the message is Chinese and names the field."""

    def __init__(self, message: str, field: str | None = None):
        super().__init__(message)
        self.field = field


@dataclass
class ReportData:
    """What a reporter fills in; raw values, validated by ``save_draft``."""

    progress: object = None
    progress_text: str = ""
    problems: str = ""
    next_steps: str = ""
    coordination: str = ""
    target_values: dict = field(default_factory=dict)  # target id → raw value ("" clears)


# ---------------------------------------------------------------- lookups


def task_role(task: Task, unit: Unit) -> str | None:
    return TaskUnit.objects.filter(task=task, unit=unit).values_list("role", flat=True).first()


def reporting_role(task: Task, unit: Unit) -> str | None:
    """The role a unit reports a task in: lead, or — where the clause names no lead and
    every unit answers for the task — lead too; else cooperator (its contribution)."""
    role = task_role(task, unit)
    if role == TaskRole.COOPERATOR and not TaskUnit.objects.filter(task=task, role=TaskRole.LEAD).exists():
        return TaskRole.LEAD
    return role


def task_targets(task: Task):
    """The targets a task reports figures for: those stated in its own section."""
    return Target.objects.filter(section_id=task.section_id).order_by("order")


def period_for(task: Task, key_or_period, schedule: Schedule | None = None) -> Period:
    """The stored period of a task for a period key (``2025-05-1``), checked against the
    task's cadence and time span."""
    if isinstance(key_or_period, Period):
        return key_or_period
    schedule = schedule or Schedule.of(task.plan)
    try:
        span = span_for_key(str(key_or_period))
    except ValueError as exc:
        raise ReportingError(str(exc), "period") from None
    cadence = schedule.task_cadence(task)
    if span.cadence != cadence:
        raise ReportingError(
            f"任务 {task.section.sid} 按{Cadence(cadence).label}调度，不能按 {span.label} 填报", "period"
        )
    start, deadline = schedule.start(task.start), schedule.deadline(task.deadline)
    if span.end <= start or span.start > deadline:
        raise ReportingError(
            f"{span.label} 不在任务 {task.section.sid} 的实施期内（{start} 至 {deadline}）", "period"
        )
    return ensure_period(span)


def current_report(task: Task, unit: Unit, period: Period) -> Report | None:
    return Report.objects.filter(task=task, unit=unit, period=period, is_current=True).first()


# ---------------------------------------------------------------- permission checks


def _check_reporter(actor: Actor, task: Task, unit: Unit) -> str:
    """The permission to report for the unit (``permissions.check_reporter``) and the role
    the unit reports the task in."""
    permissions.check_reporter(actor, unit.pk)
    role = reporting_role(task, unit)
    if role is None:
        raise ReportingError(
            f"{unit.name} 不是任务 {task.section.sid} 的牵头或配合单位，不能填报此任务", "unit"
        )
    return role


# ---------------------------------------------------------------- writes


STATE_OPERATIONS = {
    ReportState.SUBMITTED: "提交报告",
    ReportState.APPROVED: "单位审核报告",
    ReportState.RETURNED: "退回报告",
    ReportState.ACCEPTED: "审定报告",
}
REPORT_FIELDS = ("progress", "progress_text", "problems", "next_steps", "coordination", "state")


def _report_values(report: Report) -> dict:
    values = snapshot(report, REPORT_FIELDS)
    for value in report.target_values.select_related("target"):
        values[f"指标：{value.target.subject or value.target.text}"[:80]] = plain(value.value)
    return values


def _transition(report: Report, to_state: str, actor: Actor, reason: str = "") -> None:
    record_change(
        actor,
        STATE_OPERATIONS.get(to_state, "报告状态变更"),
        report,
        {"state": [report.state, to_state]},
        reason=reason,
    )
    ReportTransition.objects.create(
        report=report,
        from_state=report.state,
        to_state=to_state,
        actor=actor.user,
        created_at=clock.now(),
        reason=reason,
    )
    report.state = to_state


def _locked(report: Report) -> Report:
    return (
        Report.objects.select_for_update()
        .select_related("task__plan", "task__section", "unit", "period")
        .get(pk=report.pk)
    )


@transaction.atomic
def save_draft(actor: Actor, task: Task, unit: Unit, period, data: ReportData) -> Report:
    """Create or update the unit's draft for the task and period."""
    role = _check_reporter(actor, task, unit)
    schedule = Schedule.of(task.plan)
    period = period_for(task, period, schedule)
    if period.start > clock.today():
        raise ReportingError(f"{period.label} 尚未开始，不能提前填报", "period")
    report = current_report(task, unit, period)
    created = report is None
    if created:
        report = _create_report(actor, task, unit, period, role, schedule)
    report = _locked(report)
    if report.state == ReportState.ACCEPTED:
        raise ReportingError("该报告已审定，如需更改请先发起修订", "state")
    if report.state not in permissions.OPEN_STATES:
        raise ReportingError(f"该报告{report.get_state_display()}，不能再修改", "state")
    before = {} if created else _report_values(report)
    _apply(report, task, data)
    if report.submitted_at is not None:  # a revision of a report handed in counts as it is
        kept.report_written(report)
    changes = diff(before, _report_values(report))
    if created or changes:
        action = AuditAction.CREATE if created else AuditAction.CHANGE
        record_change(actor, "填写报告", report, changes, action=action)
    return report


def _create_report(actor, task, unit, period, role, schedule) -> Report:
    due = schedule.due(span_for_key(period.key))
    try:
        with transaction.atomic():
            report = Report.objects.create(
                task=task,
                unit=unit,
                period=period,
                role=role,
                due=due,
                created_by=actor.user,
                state=ReportState.DRAFT,
            )
            ReportTransition.objects.create(
                report=report,
                from_state="",
                to_state=ReportState.DRAFT,
                actor=actor.user,
                created_at=clock.now(),
            )
            return report
    except IntegrityError:  # the same report was created at the same moment elsewhere
        return Report.objects.get(task=task, unit=unit, period=period, is_current=True)


def _apply(report: Report, task: Task, data: ReportData) -> None:
    if data.progress not in (None, ""):
        try:
            report.progress = parse_progress(data.progress)
        except ValueError as exc:
            raise ReportingError(f"完成进度：{exc}", "progress") from None
    elif report.role == TaskRole.LEAD:
        report.progress = None
    for name in ("progress_text", "problems", "next_steps", "coordination"):
        setattr(report, name, (getattr(data, name) or "").strip())
    report.save()
    if data.target_values:
        targets = {t.pk: t for t in task_targets(task)}
        for target_id, raw in data.target_values.items():
            target = targets.get(int(target_id))
            if target is None:
                raise ReportingError(f"指标 {target_id} 不属于任务 {task.section.sid}", "target_values")
            if raw in (None, ""):
                TargetValue.objects.filter(report=report, target=target).delete()
                continue
            try:
                value = parse_value(raw, target.unit)
            except ValueError as exc:
                raise ReportingError(
                    f"指标“{target.subject or target.text}”：{exc}", f"target_{target.pk}"
                ) from None
            TargetValue.objects.update_or_create(report=report, target=target, defaults={"value": value})


def _require_complete(report: Report) -> None:
    missing = []
    if report.role == TaskRole.LEAD and report.progress is None:
        missing.append("完成进度")
    if not report.progress_text:
        missing.append("本期进展")
    if missing:
        raise ReportingError(
            f"提交前请填写：{'、'.join(missing)}", "progress_text" if not report.progress_text else "progress"
        )


@transaction.atomic
def submit_report(actor: Actor, report: Report) -> Report:
    """Reporter hands the report in: to the unit head, or straight to the office."""
    report = _locked(report)
    _check_reporter(actor, report.task, report.unit)
    if report.state not in permissions.OPEN_STATES:
        raise ReportingError(f"该报告{report.get_state_display()}，不能重复提交", "state")
    _require_complete(report)
    if report.submitted_at is None:
        report.submitted_at = clock.now()
    _transition(report, ReportState.SUBMITTED, actor)
    report.return_reason = ""
    report.save()
    kept.report_written(report)
    schedule = Schedule.of(report.task.plan)
    if schedule.policy.head_approval:
        _notify_unit(report.unit, Role.HEAD, f"待审核：{report.unit.name}{report.period.label}报告", report)
    else:
        _notify_office(report, f"待审定：{report.unit.name}{report.period.label}报告")
    return report


@transaction.atomic
def approve_report(actor: Actor, report: Report) -> Report:
    """The unit head approves a submitted report and sends it on to the office."""
    report = _locked(report)
    permissions.check_head(actor, report)
    if report.state != ReportState.SUBMITTED:
        raise ReportingError(f"只有已提交的报告可以审核，该报告{report.get_state_display()}", "state")
    _transition(report, ReportState.APPROVED, actor)
    report.save()
    kept.report_written(report)
    _notify_office(report, f"待审定：{report.unit.name}{report.period.label}报告")
    return report


@transaction.atomic
def return_report(actor: Actor, report: Report, reason: str) -> Report:
    """The unit head or the office sends a report back to its reporter, saying why."""
    report = _locked(report)
    reason = (reason or "").strip()
    if not reason:
        raise ReportingError("退回时请写明原因", "reason")
    if permissions.returns_as_head(actor, report):
        permissions.check_head(actor, report)
    else:
        permissions.check_office(actor, report)
        if report.state not in _ready_for_office(report):
            raise ReportingError(f"该报告{report.get_state_display()}，不能由专班办公室退回", "state")
    _transition(report, ReportState.RETURNED, actor, reason)
    report.return_reason = reason
    report.save()
    kept.report_written(report)
    _notify_unit(
        report.unit,
        Role.REPORTER,
        f"已退回：{report.task.section.sid} {report.period.label}报告",
        report,
        reason,
    )
    return report


def _ready_for_office(report: Report) -> tuple[str, ...]:
    return permissions.ready_for_office(permissions.head_approval_of(report.task.plan))


@transaction.atomic
def accept_report(actor: Actor, report: Report) -> Report:
    """The task-force office accepts a report (after the head's approval where required)."""
    report = _locked(report)
    permissions.check_office(actor, report)
    if report.state not in _ready_for_office(report):
        waiting = "单位负责人审核" if report.state == ReportState.SUBMITTED else "提交"
        raise ReportingError(f"该报告{report.get_state_display()}，需先经{waiting}才能审定", "state")
    _transition(report, ReportState.ACCEPTED, actor)
    report.accepted_at = clock.now()
    report.save()
    kept.report_written(report)
    return report


@transaction.atomic
def add_evidence(actor: Actor, report: Report, name: str, content: bytes) -> Evidence:
    """Attach an evidence file to a report the unit can still edit."""
    report = _locked(report)
    _check_reporter(actor, report.task, report.unit)
    if report.state not in permissions.OPEN_STATES:
        raise ReportingError(f"该报告{report.get_state_display()}，不能再添加佐证材料", "evidence")
    upload = EvidenceFile(name, content)
    try:
        evidence.check([upload])
    except evidence.EvidenceError as exc:
        raise ReportingError(str(exc), "evidence") from None
    kept = evidence.store(Evidence(report=report), upload, actor.user)
    record_change(
        actor,
        "上传佐证材料",
        kept,
        {"file": [None, kept.file.name]},
        action=AuditAction.CREATE,
        report=report.pk,
        sha256=kept.sha256,
        size=kept.size,
    )
    return kept


# ---------------------------------------------------------------- messages


def _notify_unit(unit: Unit, role: str, subject: str, report: Report, body: str = "") -> None:
    notify(users_of([unit.pk], [role]), subject, report, body)


def _notify_office(report: Report, subject: str) -> None:
    """The offices of the report's campaign, in one query however many there are."""
    office_ids = report.task.part.task_forces.exclude(office=None).values_list("office_id", flat=True)
    notify(users_of(set(office_ids), [Role.OFFICE]), subject, report)
