"""Every write of the major-projects domain, one function each: register and import
projects, weekly updates (每周调度), biweekly reconciliation (双周对账). The figures of any
date for the 四比四提高 rates, and the ledger workbook, are read in ``figures.py``. Each write checks permission, validates the figures
(Chinese message naming the field) and records who changed what, when and why."""

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

from django.db import transaction

from luoshi.accounts.permissions import Actor
from luoshi.audit.services import record_change
from luoshi.core import clock
from luoshi.core.sheets import SheetError
from luoshi.reporting.periods import Cadence, span_for_key

from . import permissions
from .choices import ProjectAction, ReconField, ReconState, UpdateSource, UpdateState
from .ledger import read_confirmed, read_projects, read_updates
from .models import Project, ProjectChange, ProjectUpdate, Reconciliation, ReconciliationLine
from .validation import LABELS, REPORTED_FIELDS, figure_errors

PLAN_FIELDS = [
    "name",
    "year",
    "owner_unit",
    "part",
    "task",
    "total_investment",
    "annual_planned_investment",
    "planned_start",
    "planned_completion",
]
ALL_FIELDS = PLAN_FIELDS + REPORTED_FIELDS


class ProjectError(ValueError):
    """A write refused for bad input; the message is Chinese and names the field."""

    def __init__(self, message: str, field: str | None = None):
        super().__init__(message)
        self.field = field


def _plain(value):
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, dt.date):
        return value.isoformat()
    if hasattr(value, "pk"):
        return str(value)
    return value


def _history(project: Project, action: str, actor: Actor, changes: dict, reason: str = "") -> ProjectChange:
    plain = {name: [_plain(old), _plain(new)] for name, (old, new) in changes.items()}
    label = dict(ProjectChange._meta.get_field("action").choices or []).get(action, action)
    record_change(actor, f"项目{label}", project, plain, reason=reason)
    return ProjectChange.objects.create(
        project=project,
        action=action,
        changes={name: [_plain(old), _plain(new)] for name, (old, new) in changes.items()},
        actor=actor.user,
        actor_name=actor.name,
        created_at=clock.now(),
        reason=reason,
    )


def _apply(project: Project, values: dict) -> dict:
    """Set ``values`` on the project; the changes as field → (before, after)."""
    changes = {}
    for name, value in values.items():
        old = getattr(project, name, None)
        if isinstance(old, Decimal) and value is not None:
            value = Decimal(value)
        if old != value:
            changes[name] = (old, value)
            setattr(project, name, value)
    if project.owner_unit_id is not None:  # a project belongs to its owner unit's organisation
        project.organisation_id = project.owner_unit.organisation_id
    return changes


def org_for(actor: Actor, org_id: int | None = None) -> int:
    """The organisation whose projects a code names: the one given, else the actor's (the
    install's first for the system)."""
    from luoshi.plans.models import default_organisation_id

    return org_id or actor.org_id or default_organisation_id()


def _by_code(projects, codes, org_id: int) -> dict[str, Project]:
    """The projects of ``projects`` in that organisation named by these codes."""
    return {p.code: p for p in projects.filter(organisation_id=org_id, code__in=list(codes))}


def _validate(project: Project, where: str = "") -> None:
    values = {name: getattr(project, name, None) for name in ALL_FIELDS + ["code"]}
    problems = figure_errors(values, clock.today())
    if problems:
        raise ProjectError(where + "；".join(message for _field, message in problems), problems[0][0])


def _snapshot(project: Project, source: str, actor: Actor, **extra) -> ProjectUpdate:
    return ProjectUpdate.objects.create(
        project=project,
        source=source,
        reported_on=clock.today(),
        reporter=actor.user,
        **{name: getattr(project, name) for name in REPORTED_FIELDS},
        **extra,
    )


# ---------------------------------------------------------------- registering


@dataclass
class ProjectImport:
    created: list[Project]
    updated: list[Project]
    unchanged: int


@transaction.atomic
def register_project(actor: Actor, *, code: str, name: str, owner_unit, **values) -> Project:
    """Register one project with its plan figures (and any reported ones)."""
    permissions.check_manage(actor, owner_unit.organisation_id if owner_unit is not None else None)
    code, name = (code or "").strip(), (name or "").strip()
    if not code:
        raise ProjectError("项目编号不能为空", "code")
    if not name:
        raise ProjectError("项目名称不能为空", "name")
    if owner_unit is None:
        raise ProjectError("请指定责任单位", "owner_unit")
    if Project.objects.filter(organisation_id=owner_unit.organisation_id, code=code).exists():
        raise ProjectError(f"项目编号 {code} 在“{owner_unit.organisation.name}”已存在", "code")
    unknown = set(values) - set(ALL_FIELDS)
    if unknown:
        raise ProjectError(f"未知的项目字段：{'、'.join(sorted(unknown))}", sorted(unknown)[0])
    values.setdefault("year", clock.today().year)
    project = Project(code=code, name=name, owner_unit=owner_unit, organisation_id=owner_unit.organisation_id)
    changes = _apply(project, values)
    _validate(project)
    project.save()
    _history(project, ProjectAction.CREATE, actor, changes)
    _snapshot(project, UpdateSource.IMPORT, actor)
    return project


@transaction.atomic
def import_projects(actor: Actor, data: bytes, name: str, org_id: int | None = None) -> ProjectImport:
    """Import a project ledger into an organisation (default the actor's): a row per
    project, matched by 项目编号 within that organisation (new ones created, known ones
    updated with the cells given). Any bad cell or broken rule refuses the whole file,
    every problem listed by row and field."""
    org_id = org_for(actor, org_id)
    permissions.check_manage(actor, org_id)
    rows = read_projects(data, name, org_id)
    existing = _by_code(Project.objects.select_for_update(), [r.values["code"] for r in rows], org_id)
    errors, created, updated, unchanged = [], [], [], 0
    for row in rows:
        values = dict(row.values)
        code = values.pop("code")
        project = existing.get(code)
        is_new = project is None
        if not is_new and not actor.acts_in(project.owner_unit.organisation_id):
            errors.append(f"第{row.number}行：项目编号 {code} 属于其他组织的项目，不能修改")
            continue
        if is_new:
            project = Project(code=code, year=clock.today().year, organisation_id=org_id)
        changes = _apply(project, values)
        try:
            _validate(project, f"第{row.number}行（项目 {code}）：")
        except ProjectError as exc:
            errors.append(str(exc))
            continue
        if not changes and not is_new:
            unchanged += 1
            continue
        project.save()
        reason = f"项目台账 {name} 第{row.number}行"
        _history(project, ProjectAction.CREATE if is_new else ProjectAction.IMPORT, actor, changes, reason)
        if any(field in changes for field in REPORTED_FIELDS) or is_new:
            _snapshot(project, UpdateSource.IMPORT, actor)
        (created if is_new else updated).append(project)
    if errors:
        raise SheetError(errors)
    return ProjectImport(created, updated, unchanged)


# ---------------------------------------------------------------- weekly updates


def _week(key: str):
    try:
        span = span_for_key(key)
    except ValueError as exc:
        raise ProjectError(str(exc), "period") from None
    if span.cadence != Cadence.WEEK:
        raise ProjectError(f"每周调度应按周填报（如 2025-W19），{span.label}不是一周", "period")
    if span.start > clock.today():
        raise ProjectError(f"{span.label}尚未开始，不能提前报送", "period")
    return span


@transaction.atomic
def submit_update(
    actor: Actor,
    project: Project,
    week: str,
    figures: dict,
    *,
    progress_text: str = "",
    problems: str = "",
) -> ProjectUpdate:
    """每周调度: the owner unit reports the project's figures for a week; the project takes
    them on. Again in the same week: the week's update is replaced (both recorded)."""
    project = Project.objects.select_for_update().select_related("owner_unit").get(pk=project.pk)
    permissions.check_update(actor, project)
    span = _week(week)
    unknown = set(figures) - set(REPORTED_FIELDS)
    if unknown:
        raise ProjectError(
            f"每周调度不能修改：{'、'.join(LABELS.get(n, n) for n in sorted(unknown))}", sorted(unknown)[0]
        )
    changes = _apply(project, {name: value for name, value in figures.items() if value is not None})
    _validate(project)
    project.save()
    _history(project, ProjectAction.UPDATE, actor, changes, f"{span.label}每周调度")
    values = {name: getattr(project, name) for name in REPORTED_FIELDS}
    update, _created = ProjectUpdate.objects.update_or_create(
        project=project,
        period_key=span.key,
        defaults={
            **values,
            "source": UpdateSource.WEEKLY,
            "reported_on": clock.today(),
            "progress_text": (progress_text or "").strip(),
            "problems": (problems or "").strip(),
            "state": UpdateState.REPORTED,
            "reporter": actor.user,
        },
    )
    return update


@transaction.atomic
def import_updates(
    actor: Actor, data: bytes, name: str, week: str, org_id: int | None = None
) -> list[ProjectUpdate]:
    """A week's updates of many projects of an organisation (default the actor's) from one
    sheet (项目编号 + the figures); all or nothing."""
    rows = read_updates(data, name)
    _week(week)
    codes = [r.values["code"] for r in rows]
    projects = _by_code(permissions.visible_projects(actor), codes, org_for(actor, org_id))
    errors, updates = [], []
    for row in rows:
        values = dict(row.values)
        code = values.pop("code")
        values.pop("name", None)
        text, problems = values.pop("progress_text", ""), values.pop("problems", "")
        project = projects.get(code)
        if project is None:
            errors.append(f"第{row.number}行：项目编号 {code} 不存在或无权查看")
            continue
        try:
            with transaction.atomic():
                updates.append(
                    submit_update(actor, project, week, values, progress_text=text, problems=problems)
                )
        except ProjectError as exc:
            errors.append(f"第{row.number}行（项目 {code}）：{exc}")
    if errors:
        raise SheetError(errors)
    return updates


# ---------------------------------------------------------------- reconciliation


def snapshot_on(project: Project, day: dt.date) -> ProjectUpdate | None:
    """The figures of ``project`` as reported by ``day``: its last snapshot by then."""
    return project.updates.filter(reported_on__lte=day).order_by("-reported_on", "-pk").first()


@transaction.atomic
def reconcile(
    actor: Actor, project: Project, fortnight: str, confirmed: dict, note: str = ""
) -> Reconciliation:
    """双周对账: compare the figures reported by the fortnight's end with those the finance
    side confirms; every difference is a flagged line, and the fortnight's weekly updates
    are marked 对账一致 or 对账有差异. Again for the same fortnight: replaced."""
    permissions.check_manage(actor, project.owner_unit.organisation_id)
    try:
        span = span_for_key(fortnight)
    except ValueError as exc:
        raise ProjectError(str(exc), "period") from None
    if span.cadence != Cadence.FORTNIGHT:
        raise ProjectError(f"双周对账应按双周（如 2025-F10），{span.label}不是双周", "period")
    unknown = set(confirmed) - set(ReconField.values)
    if unknown:
        raise ProjectError(
            f"对账不比较：{'、'.join(LABELS.get(n, n) for n in sorted(unknown))}", sorted(unknown)[0]
        )
    figures = {name: value for name, value in confirmed.items() if value is not None}
    if not figures:
        raise ProjectError("请至少给出一项财政确认数", "confirmed")
    for name, value in figures.items():
        if Decimal(value) < 0:
            raise ProjectError(f"{LABELS[name]}的确认数不能为负数（{value}）", name)
    reported = snapshot_on(project, span.end)
    if reported is None:
        raise ProjectError(f"项目 {project.code} 在{span.label}结束前没有报送数据，无从对账", "period")
    lines = []
    for name in ReconField.values:
        if name not in figures:
            continue
        mine, theirs = getattr(reported, name), Decimal(figures[name]).quantize(Decimal("0.01"))
        lines.append(
            ReconciliationLine(
                field=name, reported=mine, confirmed=theirs, difference=theirs - mine, flagged=theirs != mine
            )
        )
    flagged = [line for line in lines if line.flagged]
    state = ReconState.DIFFERS if flagged else ReconState.MATCHED
    recon, _created = Reconciliation.objects.update_or_create(
        project=project,
        period_key=span.key,
        defaults={
            "period_start": span.start,
            "period_end": span.end,
            "state": state,
            "note": (note or "").strip(),
            "confirmed_by": actor.user,
            "confirmed_at": clock.now(),
        },
    )
    recon.lines.all().delete()
    for line in lines:
        line.reconciliation = recon
    ReconciliationLine.objects.bulk_create(lines)
    project.updates.filter(
        source=UpdateSource.WEEKLY, reported_on__gte=span.start, reported_on__lte=span.end
    ).update(state=UpdateState.DISCREPANT if flagged else UpdateState.RECONCILED, updated_at=clock.now())
    _history(
        project,
        ProjectAction.RECONCILE,
        actor,
        {line.field: (line.reported, line.confirmed) for line in flagged},
        f"{span.label}双周对账：" + ("一致" if not flagged else f"{len(flagged)}项有差异"),
    )
    return recon


@transaction.atomic
def import_reconciliation(
    actor: Actor, data: bytes, name: str, fortnight: str, org_id: int | None = None
) -> list[Reconciliation]:
    """The finance side's confirmed figures of many projects of an organisation (default
    the actor's) from one sheet; all or nothing."""
    org_id = org_for(actor, org_id)
    permissions.check_manage(actor, org_id)
    rows = read_confirmed(data, name)
    codes = [r.values["code"] for r in rows]
    projects = _by_code(permissions.visible_projects(actor), codes, org_id)
    errors, result = [], []
    for row in rows:
        values = dict(row.values)
        code = values.pop("code")
        values.pop("name", None)
        project = projects.get(code)
        if project is None:
            errors.append(f"第{row.number}行：项目编号 {code} 不存在或无权查看")
            continue
        try:
            with transaction.atomic():
                result.append(reconcile(actor, project, fortnight, values))
        except ProjectError as exc:
            errors.append(f"第{row.number}行（项目 {code}）：{exc}")
    if errors:
        raise SheetError(errors)
    return result


def move_unit_rows(keep, other) -> None:
    """Merge hook: projects of a merged unit move to the unit kept."""
    Project.objects.filter(owner_unit=other).update(owner_unit=keep, organisation_id=keep.organisation_id)
