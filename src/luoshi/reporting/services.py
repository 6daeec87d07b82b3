"""Every write of the reporting domain, one function each: used by pages, API, CLI and
the Excel upload alike. Each checks permission, writes the change and its transition
row, and leaves in-app messages for whoever acts next."""

from dataclasses import dataclass, field

from django.core.exceptions import PermissionDenied
from django.db import DEFAULT_DB_ALIAS, IntegrityError, transaction
from django.db.models import Exists, OuterRef, Subquery
from django.http import Http404
from django.utils import timezone

from luoshi.accounts.choices import Role
from luoshi.accounts.permissions import Actor, users_of
from luoshi.audit.choices import AuditAction
from luoshi.audit.services import diff, plain, record_change, record_changes, snapshot
from luoshi.core import clock, evidence, jobs, limits
from luoshi.core.compiled import Compiled
from luoshi.core.evidence import EvidenceFile
from luoshi.core.together import Together
from luoshi.plans.choices import Cadence, TaskRole
from luoshi.plans.models import Target, Task, TaskUnit, Unit
from luoshi.plans.permissions import visible_tasks

from . import kept, permissions
from .choices import DeliveryState, ReportState
from .models import (
    CampaignCadence,
    Evidence,
    Period,
    ReminderDelivery,
    Report,
    ReportingPolicy,
    ReportTransition,
    TargetValue,
)
from .notify import notify, sum_up
from .periods import PeriodSpan, span_for_key
from .policy import SCHEDULE_ANNOTATIONS, Schedule, ensure_period, store_period
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

    @classmethod
    def of(cls, report: Report) -> "ReportData":
        """What a report holds, as filled in (its target values unchanged)."""
        return cls(
            progress=report.progress,
            progress_text=report.progress_text,
            problems=report.problems,
            next_steps=report.next_steps,
            coordination=report.coordination,
        )


# ---------------------------------------------------------------- lookups


def task_role(task: Task, unit: Unit) -> str | None:
    return TaskUnit.objects.filter(task=task, unit=unit).values_list("role", flat=True).first()


def reporting_role(task: Task, unit: Unit) -> str | None:
    """The role a unit reports a task in: lead, or — where the clause names no lead and
    every unit answers for the task — lead too; else cooperator (its contribution)."""
    if getattr(task, "role_unit_id", None) == unit.pk:  # read with the task (task_for_filing)
        role, has_lead = task.unit_role, task.has_lead
    else:
        role, has_lead = task_role(task, unit), None
    if role == TaskRole.COOPERATOR:
        if has_lead is None:
            has_lead = TaskUnit.objects.filter(task=task, role=TaskRole.LEAD).exists()
        if not has_lead:
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
    return ensure_period(_span_for(task, str(key_or_period), schedule or Schedule.of(task.plan)))


def _span_for(task: Task, key: str, schedule: Schedule) -> PeriodSpan:
    try:
        span = span_for_key(key)
    except ValueError as exc:
        raise ReportingError(str(exc), "period") from None
    cadence = schedule.task_cadence(task)
    if span.cadence != cadence:
        raise ReportingError(
            f"任务 {task.section.sid} 按{Cadence(cadence).label}调度，不能按 {span.label} 填报", "period"
        )
    start, deadline = schedule.start(task.start), schedule.deadline(task.deadline)
    if not schedule.reports_on(span, start, deadline):
        first = next(iter(schedule.task_spans(cadence, start, deadline)), None)
        raise ReportingError(
            f"任务 {task.section.sid} 不报送 {span.label}：实施期为 {start} 至 {deadline}，"
            f"自第一个完整周期{f'（{first.label}）' if first else ''}开始报送",
            "period",
        )
    return span


def current_report(task: Task, unit: Unit, period: Period) -> Report | None:
    return Report.objects.filter(task=task, unit=unit, period=period, is_current=True).first()


# ---------------------------------------------------------------- filing a report


@dataclass
class Filing:
    """What filing one unit's report on one task for one period needs, read up front:
    the task with the unit's role and the plan's schedule (one query,
    ``task_for_filing``), the stored period with the id of the unit's current report
    (one query, ``filing_for``)."""

    task: Task
    unit: Unit
    role: str | None
    schedule: Schedule
    period: Period
    report_id: int | None
    targets: list | None = None  # the task's targets, where already read (the page's form)
    locked: Report | None = None  # the report, read with its row locked in this transaction

    def task_targets(self) -> list:
        if self.targets is None:
            self.targets = list(task_targets(self.task))
        return self.targets


_TASK_UNITS = TaskUnit.objects.filter(task=OuterRef("pk")).order_by()
# built once (annotate resolves a copy): every filing reads them
_HAS_LEAD = Exists(_TASK_UNITS.filter(role=TaskRole.LEAD))
_HAS_TARGETS = Exists(Target.objects.filter(section_id=OuterRef("section_id")))


def task_for_filing(actor: Actor, pk, period_key=None) -> Task:
    """The task as ``plans.permissions.get_task_for`` reads it (404 alike for a missing
    task and one the actor may not see), with, in the same query, the role of the
    actor's unit, whether any unit leads it, whether it has targets, its schedule, and
    for ``period_key`` the stored period's id and the unit's current report in it.

    For a unit's reporter or head (whoever files) the statement is built once per
    process (``core.compiled``): building it costs the ORM far more than running it."""
    span = _span_or_none(period_key)
    if span is not None and type(pk) is int and actor.in_unit and actor.org_path and not actor.reads_all:
        task = _FILING_QUERY.first(
            ("in_unit",),
            pk=pk,
            unit_id=actor.unit_id,
            org_path=actor.org_path,
            cadence=str(span.cadence),
            key=span.key,
        )
    else:
        task = next(iter(_filing_query(actor, pk, span and span.cadence, span and span.key)), None)
    if task is None:
        raise Http404("没有这项任务，或无权查看")
    task.role_unit_id = actor.unit_id  # whose role unit_role is
    task.period_read = span.key if span is not None else None  # which period_pk is
    return task


def _filing_query(actor: Actor, pk, cadence: str | None, key: str | None):
    tasks = visible_tasks(actor).select_related("plan", "part", "section").filter(pk=pk)
    annotations = {
        "unit_role": Subquery(_TASK_UNITS.filter(unit_id=actor.unit_id).values("role")[:1]),
        "has_lead": _HAS_LEAD,
        "has_targets": _HAS_TARGETS,
    }
    if key is not None:
        of_period = {"period__cadence": cadence, "period__key": key}
        current = Report.objects.filter(
            task=OuterRef("pk"), unit_id=actor.unit_id, is_current=True, **of_period
        )
        annotations["period_pk"] = Subquery(Period.objects.filter(cadence=cadence, key=key).values("pk")[:1])
        annotations["current_report_pk"] = Subquery(current.order_by().values("pk")[:1])
    # one clone, no ordering: the pk names one task
    return tasks.annotate(**SCHEDULE_ANNOTATIONS, **annotations)[:1]


def _in_unit_filing_query(*, pk, unit_id, org_path, cadence, key):
    """``_filing_query`` of a unit's reporter (or head: the same statement) in the
    organisation at ``org_path``."""
    actor = Actor(user=True, role=Role.REPORTER, unit_id=unit_id, org_path=org_path)
    return _filing_query(actor, pk, cadence, key)


_FILING_QUERY = Compiled(_in_unit_filing_query)


def _span_or_none(key) -> PeriodSpan | None:
    if key is None:
        return None
    try:
        return span_for_key(str(key))
    except ValueError:
        return None


def filing_for(task: Task, unit: Unit, key_or_period, *, targets=None) -> Filing:
    """The filing of the unit's report on the task for a period key (checked against the
    task's cadence and time span: ``ReportingError``) or a stored period."""
    schedule = Schedule.of_task(task)
    role = reporting_role(task, unit)
    if isinstance(key_or_period, Period):
        period = key_or_period
        report_id = (
            Report.objects.filter(task=task, unit=unit, period=period, is_current=True)
            .values_list("pk", flat=True)
            .first()
        )
    else:
        span = _span_for(task, str(key_or_period), schedule)
        if getattr(task, "period_read", None) == span.key and task.role_unit_id == unit.pk:
            # read with the task (task_for_filing): a stored period is what its span says
            if task.period_pk is None:  # not stored yet: stored now, in one statement
                period, report_id = store_period(span), None
            else:
                names = ["id", "cadence", "key", "label", "start", "end"]
                values = [task.period_pk, span.cadence, span.key, span.label, span.start, span.end]
                period, report_id = Period.from_db(DEFAULT_DB_ALIAS, names, values), task.current_report_pk
        else:
            period, report_id = _period_and_current(task, unit, span)
    if targets is None and getattr(task, "has_targets", None) is False:
        targets = []
    return Filing(task, unit, role, schedule, period, report_id, targets)


def _period_and_current(task: Task, unit: Unit, span: PeriodSpan) -> tuple[Period, int | None]:
    """The stored period of a span (created on first use) and the id of the unit's
    current report in it, in one query."""
    current = Report.objects.filter(period=OuterRef("pk"), task_id=task.pk, unit_id=unit.pk, is_current=True)
    found = (
        Period.objects.filter(cadence=span.cadence, key=span.key)
        .annotate(current_report_id=Subquery(current.order_by().values("pk")[:1]))
        .first()
    )
    if found is None:
        return store_period(span), None
    return found, found.current_report_id


def file_report(
    actor: Actor, filing: Filing, data: ReportData | None, *, submit: bool = False, handing_in: bool = False
) -> Report:
    """Save the unit's report — a new draft, or its open report changed — and with
    ``submit`` hand it in, in one transaction: the report, its target values, its
    transitions, the audit rows and the messages to whoever acts next. A new report
    submitted at once costs six queries here (report, transitions, three for the audit
    chain, messages) and one more for target values.

    Every submission goes through here: the page's form, the Excel upload, the API's
    save with ``submit`` and its submit (``submit_report``, ``handing_in``: a report handed
    in as it is — ``data`` None: what the report holds once its row is locked — refused as
    "不能重复提交" once it is no longer open).

    The returned report carries ``filed_values`` (target id → value) when they are all
    known without asking the database (a new report), else None."""
    try:
        return _file(actor, filing, data, submit, handing_in)
    except IntegrityError:
        if filing.report_id is not None:
            raise
        # the same report was created at the same moment elsewhere: change that one
        filing.report_id = (
            Report.objects.filter(task=filing.task, unit=filing.unit, period=filing.period, is_current=True)
            .values_list("pk", flat=True)
            .first()
        )
        if filing.report_id is None:
            raise
        return _file(actor, filing, data, submit, handing_in)


def _target_label(target) -> str:
    return f"指标：{target.subject or target.text}"[:80]


@transaction.atomic
def _file(
    actor: Actor, filing: Filing, data: ReportData | None, submit: bool, handing_in: bool = False
) -> Report:
    task, unit, period = filing.task, filing.unit, filing.period
    permissions.check_reporter(actor, unit.pk)
    if filing.role is None:
        raise ReportingError(
            f"{unit.name} 不是任务 {task.section.sid} 的牵头或配合单位，不能填报此任务", "unit"
        )
    created = filing.report_id is None
    history: list[tuple[str, str]] = []
    if created:
        if period.start > clock.today():
            raise ReportingError(f"{period.label} 尚未开始，不能提前填报", "period")
        report = Report(
            task=task,
            unit=unit,
            period=period,
            role=filing.role,
            due=filing.schedule.due(span_for_key(period.key)),
            created_by=actor.user,
            state=ReportState.DRAFT,
        )
        before: dict = {}
        history.append(("", ReportState.DRAFT))
    else:
        report = filing.locked or _locked(Report(pk=filing.report_id))
        if report.state not in permissions.OPEN_STATES and handing_in:
            raise ReportingError(f"该报告{report.get_state_display()}，不能重复提交", "state")
        if report.state == ReportState.ACCEPTED:
            raise ReportingError("该报告已审定，如需更改请先发起修订", "state")
        if report.state not in permissions.OPEN_STATES:
            raise ReportingError(f"该报告{report.get_state_display()}，不能再修改", "state")
        if data is None:  # handed in as it is (read with its row locked)
            data = ReportData.of(report)
        # the target values are read (for the audit's before and after) only when some are
        # filled in: else they stay as they are, on both sides alike
        before = _report_values(report, targets=bool(data.target_values))
    if data is None:
        raise ReportingError("没有要提交的报告", "state")
    _apply_fields(report, data)
    values, cleared = _target_values(filing, data)
    after = snapshot(report, REPORT_FIELDS)
    after.update({k: v for k, v in before.items() if k.startswith("指标：")})
    for target in cleared:
        after.pop(_target_label(target), None)
    after.update({_target_label(target): plain(value) for target, value in values.items()})
    changes = diff(before, after)
    entries = []
    if created or changes:
        action = AuditAction.CREATE if created else AuditAction.CHANGE
        entries.append(("填写报告", report, changes, action))
    if submit:
        _require_complete(report)
        if report.submitted_at is None:
            report.submitted_at = clock.now()
        entries.append(
            (
                STATE_OPERATIONS[ReportState.SUBMITTED],
                report,
                {"state": [report.state, ReportState.SUBMITTED]},
                AuditAction.CHANGE,
            )
        )
        history.append((report.state, ReportState.SUBMITTED))
        report.state, report.return_reason = ReportState.SUBMITTED, ""
    report.save()
    if created:
        TargetValue.objects.bulk_create(
            [TargetValue(report=report, target=t, value=v) for t, v in values.items()]
        )
        report.filed_values = {t.pk: v for t, v in values.items()}
    else:
        if cleared:
            TargetValue.objects.filter(report=report, target__in=cleared).delete()
        for target, value in values.items():
            TargetValue.objects.update_or_create(report=report, target=target, defaults={"value": value})
        report.filed_values = None
    # what follows is written together (core.together: on PostgreSQL one statement): the
    # transitions, the kept row, the audit rows with the chain head, the messages
    together = Together()
    now = clock.now()
    together.insert(
        ReportTransition,
        [
            ReportTransition(report=report, from_state=old, to_state=new, actor=actor.user, created_at=now)
            for old, new in history
        ],
    )
    if report.submitted_at is not None:  # handed in now, or a revision of one handed in
        kept.report_written(report, together)  # reads the reports handed in (one query)
    record_changes(actor, entries, together)  # locks the chain head (one query)
    if submit:
        _notify_submitted(report, filing.schedule, together)
    together.run()
    return report


REPORT_TEXTS = {
    "progress_text": "本期进展",
    "problems": "存在问题",
    "next_steps": "下步计划",
    "coordination": "需协调事项",
}


def check_texts(data: ReportData) -> None:
    """Every text of a report within ``LUOSHI_REPORT_TEXT_MAX`` and free of control
    characters (which PostgreSQL cannot store)."""
    for name, label in REPORT_TEXTS.items():
        try:
            limits.check_text(getattr(data, name), label, max_length=0)
        except limits.LimitError as exc:
            raise ReportingError(str(exc), name) from None


def _apply_fields(report: Report, data: ReportData) -> None:
    check_texts(data)
    if data.progress not in (None, ""):
        try:
            report.progress = parse_progress(data.progress)
        except ValueError as exc:
            raise ReportingError(f"完成进度：{exc}", "progress") from None
    elif report.role == TaskRole.LEAD:
        report.progress = None
    for name in ("progress_text", "problems", "next_steps", "coordination"):
        setattr(report, name, (getattr(data, name) or "").strip())


def _apply(report: Report, task: Task, data: ReportData) -> None:
    """Write what was filled in onto a report (a revision's correction)."""
    _apply_fields(report, data)
    report.save()
    if data.target_values:
        values, cleared = _target_values(
            Filing(task, report.unit, report.role, None, report.period, report.pk), data
        )
        if cleared:
            TargetValue.objects.filter(report=report, target__in=cleared).delete()
        for target, value in values.items():
            TargetValue.objects.update_or_create(report=report, target=target, defaults={"value": value})


def _target_values(filing: Filing, data: ReportData) -> tuple[dict, list]:
    """The target values filled in (target → value) and the targets cleared, checked;
    the task's targets are read only when a value names one."""
    values: dict = {}
    cleared: list = []
    if not data.target_values:
        return values, cleared
    targets = {t.pk: t for t in filing.task_targets()}
    for target_id, raw in data.target_values.items():
        target = targets.get(int(target_id))
        if target is None:
            raise ReportingError(f"指标 {target_id} 不属于任务 {filing.task.section.sid}", "target_values")
        if raw in (None, ""):
            cleared.append(target)
            continue
        try:
            values[target] = parse_value(raw, target.unit)
        except ValueError as exc:
            raise ReportingError(
                f"指标“{target.subject or target.text}”：{exc}", f"target_{target.pk}"
            ) from None
    return values, cleared


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


def _report_values(report: Report, *, targets: bool = True) -> dict:
    values = snapshot(report, REPORT_FIELDS)
    if not targets:
        return values
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
    """The report read again and locked: its own row only, not the task, plan, unit and
    period read with it (rows every report shares: locking them made writers queue, and
    deadlock with writers holding the audit chain's head)."""
    return (
        Report.objects.select_for_update(of=("self",))
        .select_related("task__plan", "task__section", "unit", "period")
        .get(pk=report.pk)
    )


def save_draft(actor: Actor, task: Task, unit: Unit, period, data: ReportData) -> Report:
    """Create or update the unit's draft for the task and period."""
    return file_report(actor, filing_for(task, unit, period), data)


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


def submit_report(actor: Actor, report: Report) -> Report:
    """Reporter hands the report in, as it is: to the unit head, or straight to the office.
    Through the one submission service (``file_report``); a report read by
    ``report_for_submission`` is used as read (its row locked in the caller's
    transaction), any other is read again and locked."""
    return file_report(actor, filing_of(report), None, submit=True, handing_in=True)


def filing_of(report: Report) -> Filing:
    """The filing of an existing report (its task, unit, period and id)."""
    task, unit = report.task, report.unit
    locked = report if getattr(report, "locked_for_filing", False) else None
    return Filing(
        task, unit, reporting_role(task, unit), Schedule.of_task(task), report.period, report.pk, None, locked
    )


def report_for_submission(actor: Actor, pk) -> Report:
    """The report as ``permissions.get_report_for(write=True)`` reads it (404, 403 alike),
    with its row locked (inside the caller's transaction) and, in the same query, what
    handing it in needs: the role of its unit on the task, whether any unit leads it,
    and the plan's policy with the campaign's cadence (``Schedule.of_task``)."""
    units = TaskUnit.objects.filter(task=OuterRef("task_id")).order_by()
    policy = ReportingPolicy.objects.filter(
        organisation_id=OuterRef("task__plan__organisation_id"), series=OuterRef("task__plan__series")
    ).order_by()
    campaign = CampaignCadence.objects.filter(
        organisation_id=OuterRef("task__plan__organisation_id"),
        series=OuterRef("task__plan__series"),
        part_key=OuterRef("task__part__key"),
    ).order_by()
    report = (
        permissions.visible_reports(actor)
        .select_related("task__plan", "task__part", "task__section", "unit", "period")
        .select_for_update(of=("self",))
        .annotate(
            unit_role=Subquery(units.filter(unit_id=OuterRef("unit_id")).values("role")[:1]),
            has_lead=Exists(units.filter(role=TaskRole.LEAD)),
            policy_cadence=Subquery(policy.values("cadence")[:1]),
            policy_due_workdays=Subquery(policy.values("due_workdays")[:1]),
            policy_head_approval=Subquery(policy.values("head_approval")[:1]),
            campaign_cadence=Subquery(campaign.values("cadence")[:1]),
        )
        .filter(pk=pk)
        .first()
    )
    if report is None:
        raise Http404("没有这份报告，或无权查看")
    if not permissions.can_edit_report(actor, report):
        raise PermissionDenied("只能修改本单位尚未提交的报告")
    task = report.task
    task.role_unit_id, task.unit_role, task.has_lead = report.unit_id, report.unit_role, report.has_lead
    for name in ("policy_cadence", "policy_due_workdays", "policy_head_approval", "campaign_cadence"):
        setattr(task, name, getattr(report, name))
    report.locked_for_filing = True
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


def _notify_submitted(report: Report, schedule: Schedule, together: Together | None = None) -> None:
    """A submitted report goes to the unit head, or straight to the office."""
    if schedule.policy.head_approval:
        subject = f"待审核：{report.unit.name}{report.period.label}报告"
        _notify_unit(report.unit, Role.HEAD, subject, report, together=together)
    else:
        _notify_office(report, f"待审定：{report.unit.name}{report.period.label}报告", together)


def _notify_unit(
    unit: Unit, role: str, subject: str, report: Report, body: str = "", together: Together | None = None
) -> None:
    notify(users_of([unit.pk], [role]), subject, report, body, together)


def _notify_office(report: Report, subject: str, together: Together | None = None) -> None:
    """The offices of the report's campaign, in one query however many there are."""
    office_ids = report.task.part.task_forces.exclude(office=None).values_list("office_id", flat=True)
    notify(users_of(office_ids, [Role.OFFICE]), subject, report, together=together)


# ---------------------------------------------------------------- deliveries in doubt


def _doubtful(actor: Actor, delivery: ReminderDelivery) -> ReminderDelivery:
    """The delivery read again and locked, checked: the actor settles its organisation's
    doubts, and it is in doubt still (a second click, or the worker's late answer)."""
    delivery = (
        ReminderDelivery.objects.select_for_update(of=("self",))
        .select_related("reminder")
        .get(pk=delivery.pk)
    )
    permissions.check_settle_delivery(actor, delivery)
    if delivery.state != DeliveryState.DOUBT:
        raise ReportingError(
            f"这条提醒（{delivery.get_channel_display()} → {delivery.recipient}）"
            f"{delivery.get_state_display()}，不在待核实状态，无需再处理",
            "state",
        )
    return delivery


def resend_delivery(actor: Actor, delivery: ReminderDelivery) -> ReminderDelivery:
    """重发 a delivery in doubt (the office found it did not arrive): back in the queue at
    once, the same row, so the same ``X-Luoshi-Delivery`` key and ``Message-ID``; a
    worker (or the next ``luoshi tick``) sends it."""
    from .tasks import deliver_notice

    with transaction.atomic():
        delivery = _doubtful(actor, delivery)
        now = _machine_now()
        record_change(actor, "重发提醒", delivery, {"state": [delivery.state, DeliveryState.PENDING]})
        delivery.state, delivery.next_try_at = DeliveryState.PENDING, now
        delivery.claimed_at, delivery.claimed_by, delivery.sending_at = None, "", None
        delivery.error = f"{actor.name} 核实后重发（{_cn_time(now)}）"
        delivery.save()
        jobs.enqueue(deliver_notice, delivery.reminder_id)
        sum_up(delivery.reminder_id)
    return delivery


def confirm_delivery(actor: Actor, delivery: ReminderDelivery) -> ReminderDelivery:
    """已送达: the office found a delivery in doubt arrived; recorded with who and when."""
    with transaction.atomic():
        delivery = _doubtful(actor, delivery)
        now = _machine_now()
        record_change(actor, "核实提醒已送达", delivery, {"state": [delivery.state, DeliveryState.SENT]})
        delivery.state, delivery.sent_at, delivery.next_try_at = DeliveryState.SENT, now, None
        delivery.settled_by, delivery.settled_at = actor.user, now
        delivery.error = f"{actor.name} 核实已送达（{_cn_time(now)}）"
        delivery.save()
        sum_up(delivery.reminder_id)
    return delivery


def _machine_now():
    """The machine's time, as the deliveries keep it (they time sends, not deadlines)."""
    return timezone.now()


def _cn_time(moment) -> str:
    return f"{timezone.localtime(moment):%m月%d日 %H:%M}"
