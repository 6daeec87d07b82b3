"""Every write of the reporting domain, one function each: used by pages, API, CLI and
the Excel upload alike. Each checks permission, writes the change and its transition
row, and leaves in-app messages for whoever acts next."""

import datetime as dt
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

from . import permissions
from .choices import ReportState
from .models import Evidence, Milestone, Period, Report, ReportTransition, TargetValue
from .notify import notify
from .periods import span_for_key
from .policy import Schedule, ensure_period
from .values import parse_progress, parse_value
from .workdays import subtract_workdays


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
    return report


def _new_revision(actor: Actor, report: Report, state: str = ReportState.DRAFT) -> Report:
    """The next revision of a report, a copy of it (figures included) that becomes the
    current one; the report itself stays as it was, no longer current."""
    report.is_current = False
    report.save(update_fields=["is_current", "updated_at"])
    new = Report.objects.create(
        task=report.task,
        unit=report.unit,
        period=report.period,
        role=report.role,
        revision=report.revision + 1,
        due=report.due,
        state=state,
        progress=report.progress,
        progress_text=report.progress_text,
        problems=report.problems,
        next_steps=report.next_steps,
        coordination=report.coordination,
        submitted_at=report.submitted_at,
        created_by=actor.user,
    )
    TargetValue.objects.bulk_create(
        [TargetValue(report=new, target=v.target, value=v.value) for v in report.target_values.all()]
    )
    return new


@transaction.atomic
def revise_report(actor: Actor, report: Report, reason: str) -> Report:
    """Open a new revision of an accepted report; the accepted one stays as it was."""
    report = _locked(report)
    _check_reporter(actor, report.task, report.unit)
    if report.state != ReportState.ACCEPTED or not report.is_current:
        raise ReportingError("只有已审定的当前报告需要修订；未审定的报告可直接修改", "state")
    if not (reason or "").strip():
        raise ReportingError("修订时请写明原因", "reason")
    new = _new_revision(actor, report)
    ReportTransition.objects.create(
        report=new,
        from_state=ReportState.ACCEPTED,
        to_state=ReportState.DRAFT,
        actor=actor.user,
        created_at=clock.now(),
        reason=f"修订第{report.revision}版：{reason.strip()}",
    )
    record_change(
        actor,
        "修订报告",
        new,
        {"revision": [report.revision, new.revision], "state": [ReportState.ACCEPTED, ReportState.DRAFT]},
        action=AuditAction.CREATE,
        reason=reason.strip(),
    )
    return new


CORRECTABLE = {
    "progress": "完成进度",
    "progress_text": "本期进展",
    "problems": "存在问题",
    "next_steps": "下步打算",
    "coordination": "需协调事项",
    "target_values": "指标完成值",
}


@transaction.atomic
def correct_report(actor: Actor, report: Report, *, reason: str, **fields) -> Report:
    """更正: the task-force office (or the coordinator) corrects an accepted report. The
    accepted version is kept as it was; the corrected one becomes the next revision,
    accepted, and its history and the audit log say who changed which fields from what
    to what, and why. ``fields`` are those of ``CORRECTABLE``."""
    report = _locked(report)
    permissions.check_office(actor, report)
    if report.state != ReportState.ACCEPTED or not report.is_current:
        raise ReportingError("只有已审定的当前报告需要更正；未审定的报告请退回本单位修改", "state")
    reason = (reason or "").strip()
    if not reason:
        raise ReportingError("更正时请写明原因", "reason")
    unknown = sorted(set(fields) - set(CORRECTABLE))
    if unknown:
        raise ReportingError(f"不能更正这些内容：{'、'.join(unknown)}", unknown[0])
    before = _report_values(report)
    new = _new_revision(actor, report, ReportState.ACCEPTED)
    data = ReportData(
        progress=fields.get("progress", new.progress),
        progress_text=fields.get("progress_text", new.progress_text),
        problems=fields.get("problems", new.problems),
        next_steps=fields.get("next_steps", new.next_steps),
        coordination=fields.get("coordination", new.coordination),
        target_values=fields.get("target_values") or {},
    )
    _apply(new, new.task, data)
    changes = diff(before, _report_values(new))
    if not changes:
        raise ReportingError("更正后的内容与原报告相同，无需更正", "fields")
    new.accepted_at = clock.now()
    new.save(update_fields=["accepted_at", "updated_at"])
    said = "；".join(
        f"{CORRECTABLE.get(name, name)}：{old or '空'} → {new_value or '空'}"
        for name, (old, new_value) in changes.items()
    )
    ReportTransition.objects.create(
        report=new,
        from_state=ReportState.ACCEPTED,
        to_state=ReportState.ACCEPTED,
        actor=actor.user,
        created_at=clock.now(),
        reason=f"更正第{report.revision}版：{reason}（{said}）",
    )
    record_change(actor, "更正报告", new, changes, reason=reason, corrects=report.pk)
    return new


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


# ---------------------------------------------------------------- milestones


@transaction.atomic
def add_milestone(actor: Actor, task: Task, title: str, due_date: dt.date) -> Milestone:
    permissions.check_plan_task(actor, task)
    if not (title or "").strip():
        raise ReportingError("节点名称不能为空", "title")
    schedule = Schedule.of(task.plan)
    deadline = schedule.deadline(task.deadline)
    if due_date > deadline:
        raise ReportingError(f"节点日期 {due_date} 晚于任务完成时限 {deadline}", "due_date")
    milestone = Milestone.objects.create(
        task=task, title=title.strip(), due_date=due_date, order=task.milestones.count()
    )
    record_change(actor, "新增任务节点", milestone, diff({}, snapshot(milestone)), action=AuditAction.CREATE)
    return milestone


@transaction.atomic
def reverse_schedule(actor: Actor, task: Task, titles: list[str]) -> list[Milestone]:
    """倒排工期: the last step on the deadline, the others spread evenly back to the start,
    each moved back to a working day. Replaces the task's milestones not yet done."""
    permissions.check_plan_task(actor, task)
    titles = [t.strip() for t in titles if t and t.strip()]
    if not titles:
        raise ReportingError("请至少列出一个节点", "titles")
    schedule = Schedule.of(task.plan)
    start, deadline = schedule.start(task.start), schedule.deadline(task.deadline)
    span = (deadline - start).days
    if span < len(titles):
        raise ReportingError(f"实施期只有 {span} 天，排不下 {len(titles)} 个节点", "titles")
    dropped = [str(m) for m in task.milestones.filter(done=False)]
    task.milestones.filter(done=False).delete()
    milestones = []
    for index, title in enumerate(titles, start=1):
        day = start + dt.timedelta(days=round(span * index / len(titles)))
        day = subtract_workdays(day + dt.timedelta(days=1), 1)  # the working day on or before
        milestones.append(Milestone(task=task, title=title, due_date=day, order=index))
    milestones = Milestone.objects.bulk_create(milestones)
    record_change(
        actor,
        "倒排工期",
        task,
        {"milestones": [dropped, [f"{m.title} {m.due_date}" for m in milestones]]},
    )
    return milestones


@transaction.atomic
def complete_milestone(actor: Actor, milestone: Milestone, done_on: dt.date | None = None) -> Milestone:
    permissions.check_plan_task(actor, milestone.task)
    before = snapshot(milestone, ("done", "done_on"))
    milestone.done = True
    milestone.done_on = done_on or clock.today()
    milestone.save()
    record_change(actor, "完成任务节点", milestone, diff(before, snapshot(milestone, ("done", "done_on"))))
    return milestone


# ---------------------------------------------------------------- messages


def _notify_unit(unit: Unit, role: str, subject: str, report: Report, body: str = "") -> None:
    notify(users_of([unit.pk], [role]), subject, report, body)


def _notify_office(report: Report, subject: str) -> None:
    """The offices of the report's campaign, in one query however many there are."""
    office_ids = report.task.part.task_forces.exclude(office=None).values_list("office_id", flat=True)
    notify(users_of(set(office_ids), [Role.OFFICE]), subject, report)


# ---------------------------------------------------------------- unit merge

_STATE_RANK = {
    ReportState.ACCEPTED: 3,
    ReportState.APPROVED: 2,
    ReportState.SUBMITTED: 1,
    ReportState.DRAFT: 0,
    ReportState.RETURNED: 0,
}


def move_unit_reports(keep: Unit, other: Unit) -> tuple[int, list[str]]:
    """Merge rule: a merged unit's reports move to the unit kept. Where both reported on
    the same task and period, the report further along the review (已审定 first; the kept
    unit's on a tie) stays current and the other becomes an earlier revision of it, so
    nothing reported is lost; the current one's history says so."""
    moved = 0
    clashes = 0
    groups = Report.objects.filter(unit=other).values_list("task_id", "period_id").distinct()
    for task_id, period_id in list(groups):
        theirs = list(Report.objects.filter(unit=other, task_id=task_id, period_id=period_id))
        ours = list(Report.objects.filter(unit=keep, task_id=task_id, period_id=period_id))
        moved += len(theirs)
        if ours:
            clashes += 1
            _settle_clash(keep, other, ours, theirs)
        Report.objects.filter(pk__in=[r.pk for r in theirs]).update(unit=keep)
    notes = []
    if clashes:
        notes.append(
            f"{clashes} 个任务期次两个单位都有报告：审核进度更靠后的（同样时为“{keep.name}”的）"
            "作为当前版本，另一份作为历史版本保留在其修订记录中"
        )
    return moved, notes


def _settle_clash(keep: Unit, other: Unit, ours: list[Report], theirs: list[Report]) -> None:
    current_ours = next((r for r in ours if r.is_current), max(ours, key=lambda r: r.revision))
    current_theirs = next((r for r in theirs if r.is_current), max(theirs, key=lambda r: r.revision))
    theirs_win = _STATE_RANK[current_theirs.state] > _STATE_RANK[current_ours.state]
    winner, loser = (theirs, ours) if theirs_win else (ours, theirs)
    current = current_theirs if theirs_win else current_ours
    # the loser's revisions come first, the winner's follow, so the current one is the last
    offset = max(r.revision for r in loser)
    for report in sorted(winner, key=lambda r: -r.revision):
        report.revision += offset
        report.save(update_fields=["revision", "updated_at"])
    for report in loser:
        if report.is_current:
            report.is_current = False
            report.save(update_fields=["is_current", "updated_at"])
    first = min(r.revision for r in winner)
    ReportTransition.objects.create(
        report=current,
        from_state=current.state,
        to_state=current.state,
        actor=None,
        created_at=clock.now(),
        reason=(
            f"单位合并：“{other.name}”并入“{keep.name}”，"
            f"{'“' + keep.name + '”' if theirs_win else '“' + other.name + '”'}原有报告作为第1至{first - 1}版保留"
        ),
    )
