"""Reports after acceptance: a revision the unit opens (修订) and a correction the
task-force office makes (更正). Either keeps the accepted version as it was and makes the
next revision current, saying in its history who changed what and why."""

from django.db import transaction

from luoshi.accounts.permissions import Actor
from luoshi.audit.choices import AuditAction
from luoshi.audit.services import diff, record_change
from luoshi.core import clock

from . import kept, permissions
from .choices import ReportState
from .models import Report, ReportTransition, TargetValue
from .services import ReportData, ReportingError, _apply, _check_reporter, _locked, _report_values


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
    kept.report_written(new)
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
    kept.report_written(new)
    return new
