"""Breakdown (层层分解): a task of an upper organisation's plan whose units include lower
organisations — a unit that stands for one (``Unit.represents``: the city plan's
``西洞庭管理区``), or a group phrase (``各区县``) the clerk mapped to such units — gets a
linked task in each of them.

Each lower organisation keeps one breakdown plan per upper plan series
(``《…》分解任务``), its campaigns mirroring the upper plan's. The linked task's title,
text and deadline are the upper task's and locked (``check_unlocked``): they follow the
upper task when the upper plan is revised, and ``break_down`` run again only brings them
up to date. The lower organisation's coordinator then assigns its own units
(``assign_units``), which report on it as on any task; the upper task's part from that
organisation is read by ``reporting.rollup``.

``break_down`` runs after every import of a plan of an organisation that has
organisations below it, and on demand (``luoshi breakdown PLAN``, the API).
"""

from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from luoshi.accounts.choices import Role
from luoshi.accounts.permissions import Actor
from luoshi.audit.choices import AuditAction
from luoshi.audit.services import record_change

from .choices import LinkKind, LinkState, TaskRole, UnitKind
from .models import GroupMapping, Organisation, Part, Plan, Section, Target, Task, TaskLink, TaskUnit, Unit
from .permissions import check_assign_units, check_break_down
from .validation import PlanError

SERIES_PREFIX = "分解"
LOCKED = {"title": "任务", "text": "内容", "deadline": "完成时限"}


@dataclass
class BreakdownResult:
    """What one breakdown did, per lower organisation: its plan, the tasks it received,
    those brought up to date, and the links of tasks the upper plan no longer gives it."""

    plan: Plan
    plans: dict[str, Plan] = field(default_factory=dict)  # organisation name → its breakdown plan
    created: dict[str, list[str]] = field(default_factory=dict)  # organisation → section ids
    updated: dict[str, list[str]] = field(default_factory=dict)
    unchanged: int = 0
    dropped: dict[str, list[str]] = field(default_factory=dict)

    @property
    def changed(self) -> bool:
        return any(self.created.values()) or any(self.updated.values())

    def message(self) -> str:
        if not self.plans:
            return f"{self.plan}：没有分解到下级组织的任务"
        lines = []
        for name, lower in self.plans.items():
            line = f"{name}：{lower.title}，新分解 {len(self.created.get(name, []))} 项"
            line += f"，更新 {len(self.updated.get(name, []))} 项"
            if self.dropped.get(name):
                line += f"，上级方案已不再分解 {len(self.dropped[name])} 项（{'、'.join(self.dropped[name])}，保留原任务）"
            lines.append(line)
        return "\n".join(lines)

    def as_json(self) -> dict:
        return {
            "plan": self.plan.pk,
            "organisations": [
                {
                    "organisation": name,
                    "plan": lower.pk,
                    "title": lower.title,
                    "created": self.created.get(name, []),
                    "updated": self.updated.get(name, []),
                    "dropped": self.dropped.get(name, []),
                }
                for name, lower in self.plans.items()
            ],
            "unchanged": self.unchanged,
        }


class _Link:
    """What a notice links to: the lower organisation's breakdown plan's task list."""

    def __init__(self, url: str):
        self.url = url

    def get_absolute_url(self) -> str:
        return self.url


def upper_link(task: Task) -> TaskLink | None:
    """The 分解 link that brought this task down from an upper plan (None: the task is the
    lower organisation's own)."""
    return (
        TaskLink.objects.filter(lower=task, kind=LinkKind.BREAKDOWN)
        .select_related("upper__plan", "via_unit")
        .first()
    )


def check_unlocked(task: Task) -> None:
    """Refuse a change of a broken-down task's title, text or deadline: they are the upper
    task's, and follow it (``ValidationError`` naming the fields, in Chinese)."""
    if not task.pk:
        return
    link = upper_link(task)
    if link is None:
        return
    upper = link.upper
    changed = [label for name, label in LOCKED.items() if getattr(task, name) != getattr(upper, name)]
    if changed:
        raise ValidationError(
            f"此任务由上级方案《{upper.plan.title}》分解下达，{'、'.join(changed)}随上级任务，"
            "不能在本级修改；如需调整请报上级修订方案"
        )


# ---------------------------------------------------------------- who gets what


def lower_duties(plan: Plan) -> dict[int, list[tuple[Unit, Organisation, str]]]:
    """Task id → (the unit standing for a lower organisation, that organisation, its role)
    for every task of the plan that names organisations below the plan's: a unit that
    represents one, or a group phrase mapped to such units."""
    org = plan.organisation
    rows = (
        TaskUnit.objects.filter(task__plan=plan)
        .select_related("unit__represents")
        .order_by("task_id", "role", "order")
    )
    groups: dict[str, list[Unit]] | None = None
    duties: dict[int, list[tuple[Unit, Organisation, str]]] = {}

    def below(unit: Unit) -> bool:
        lower = unit.represents
        return lower is not None and lower.pk != org.pk and lower.path.startswith(org.path)

    for row in rows:
        units = [row.unit]
        if row.unit.kind == UnitKind.GROUP:
            if groups is None:
                groups = {}
                for mapping in GroupMapping.objects.filter(organisation=org).prefetch_related(
                    "units__represents"
                ):
                    groups[mapping.name] = list(mapping.units.all())
            units = groups.get(row.unit.name, [])
        for unit in units:
            if below(unit):
                got = duties.setdefault(row.task_id, [])
                if all(lower.pk != unit.represents_id for _u, lower, _r in got):
                    got.append((unit, unit.represents, row.role))
    return duties


def breakdown_series(upper: Plan) -> str:
    return f"{SERIES_PREFIX}:{upper.organisation_id}:{upper.series}"[:300]


def breakdown_title(upper: Plan) -> str:
    """《…》分解任务, after the plan the tasks first came from (a town's breakdown of the
    district's breakdown plan keeps the city plan's name)."""
    if is_breakdown_plan(upper):
        return upper.title
    return f"《{upper.title}》分解任务"[:300]


# ---------------------------------------------------------------- the write


@transaction.atomic
def break_down(actor: Actor, plan: Plan) -> BreakdownResult:
    """Give every task of ``plan`` that names lower organisations a linked task in each of
    them (created, or brought up to date with the upper task), linked by a confirmed
    ``TaskLink`` (分解); each organisation that received new tasks has its coordinators
    told. Running it again changes nothing unless the upper plan changed."""
    check_break_down(actor, plan)
    return run_breakdown(actor, plan)


def run_breakdown(actor: Actor, plan: Plan) -> BreakdownResult:
    """``break_down`` without its permission check: for the import, which checked its own."""
    newest = Plan.objects.filter(organisation=plan.organisation_id, series=plan.series).order_by("-version")
    plan = newest.first() or plan
    result = BreakdownResult(plan=plan)
    duties = lower_duties(plan)
    tasks = {
        task.pk: task
        for task in Task.objects.filter(pk__in=list(duties)).select_related("part", "section", "plan")
    }
    existing: dict[tuple[int, int], TaskLink] = {}
    for link in TaskLink.objects.filter(
        upper__plan__series=plan.series,
        upper__plan__organisation=plan.organisation_id,
        kind=LinkKind.BREAKDOWN,
    ).select_related("lower__plan", "lower__section", "lower__part"):
        existing[(link.upper_id, link.lower.plan.organisation_id)] = link
    by_org: dict[int, list[tuple[Task, Unit, str]]] = {}
    orgs: dict[int, Organisation] = {}
    for task_id, entries in duties.items():
        for unit, lower_org, role in entries:
            orgs[lower_org.pk] = lower_org
            by_org.setdefault(lower_org.pk, []).append((tasks[task_id], unit, role))
    for key, link in existing.items():
        if key[0] not in tasks or all(o.pk != key[1] for _u, o, _r in duties.get(key[0], [])):
            lower_org = link.lower.plan.organisation
            result.dropped.setdefault(lower_org.name, []).append(link.lower.section.sid)
    now = timezone.now()
    for org_id, entries in by_org.items():
        lower_org = orgs[org_id]
        lower_plan, parts = _lower_plan(actor, plan, lower_org)
        result.plans[lower_org.name] = lower_plan
        created, updated = [], []
        _free_sids(lower_plan, [(task, existing.get((task.pk, org_id))) for task, _u, _r in entries])
        for task, unit, _role in sorted(entries, key=lambda e: e[0].section.order):
            link = existing.get((task.pk, org_id))
            if link is None:
                lower = _make_task(lower_plan, parts, task)
                link = TaskLink.objects.create(
                    upper=task,
                    lower=lower,
                    kind=LinkKind.BREAKDOWN,
                    state=LinkState.CONFIRMED,
                    via_unit=unit,
                    decided_by=actor.user if actor.user is not None else None,
                    decided_at=now,
                )
                record_change(
                    actor,
                    "分解任务",
                    link,
                    {"lower": [None, f"{lower_org.name}：{task.section.sid}"]},
                    action=AuditAction.CREATE,
                )
                created.append(task.section.sid)
            else:
                changes = _follow(link.lower, lower_plan, parts, task)
                if link.via_unit_id != unit.pk or link.state != LinkState.CONFIRMED:
                    changes["via_unit"] = [link.via_unit_id, unit.pk]
                    link.via_unit, link.state = unit, LinkState.CONFIRMED
                    link.save(update_fields=["via_unit", "state", "updated_at"])
                if changes:
                    record_change(actor, "更新分解任务", link.lower, changes)
                    updated.append(task.section.sid)
                else:
                    result.unchanged += 1
        result.created[lower_org.name] = created
        result.updated[lower_org.name] = updated
        if created:
            _tell(
                lower_org,
                lower_plan,
                f"上级分解任务 {len(created)} 项：{plan.title}",
                f"《{plan.title}》有 {len(created)} 项任务分解到{lower_org.name}，请分配本级责任单位。",
            )
        if updated:
            _tell(
                lower_org,
                lower_plan,
                f"上级分解任务已更新 {len(updated)} 项：{plan.title}",
                f"《{plan.title}》已修订，分解到{lower_org.name}的 {len(updated)} 项任务"
                f"（{'、'.join(updated)}）的内容或完成时限随之更新。",
            )
    return result


def _lower_plan(actor: Actor, upper: Plan, org: Organisation) -> tuple[Plan, dict[str, Part]]:
    """The organisation's breakdown plan for the upper plan's series (made on first use,
    its heading following the upper plan's newest version) and its campaigns by key."""
    series = breakdown_series(upper)
    fields = {
        "title": breakdown_title(upper),
        "issuer": upper.issuer,
        "doc_number": upper.doc_number,
        "date": upper.date,
        "year": upper.year,
    }
    lower = Plan.objects.filter(organisation=org, series=series).order_by("-version").first()
    if lower is None:
        lower = Plan.objects.create(organisation=org, series=series, content_hash="", **fields)
        _copy_schedule(upper, lower)
        record_change(actor, "生成分解方案", lower, {"title": [None, lower.title]}, action=AuditAction.CREATE)
    else:
        before = {name: getattr(lower, name) for name in fields}
        if before != fields:
            for name, value in fields.items():
                setattr(lower, name, value)
            lower.save()
            record_change(
                actor,
                "更新分解方案",
                lower,
                {
                    name: [str(before[name]), str(value)]
                    for name, value in fields.items()
                    if before[name] != value
                },
            )
    parts = {part.key: part for part in Part.objects.filter(plan=lower)}
    for upper_part in Part.objects.filter(plan=upper):
        part = parts.get(upper_part.key)
        if part is None:
            parts[upper_part.key] = Part.objects.create(
                plan=lower, key=upper_part.key, title=upper_part.title, order=upper_part.order
            )
        elif (part.title, part.order) != (upper_part.title, upper_part.order):
            part.title, part.order = upper_part.title, upper_part.order
            part.save(update_fields=["title", "order", "updated_at"])
    return lower, parts


def _copy_schedule(upper: Plan, lower: Plan) -> None:
    """A new breakdown plan is reported on as the upper plan is: its cadence, due day,
    thresholds and campaign cadences (the lower organisation may change them after)."""
    from luoshi.reporting.models import CampaignCadence, ReportingPolicy

    upper_of = {"organisation_id": upper.organisation_id, "series": upper.series}
    lower_of = {"organisation_id": lower.organisation_id, "series": lower.series}
    policy = ReportingPolicy.objects.filter(**upper_of).first()
    if policy is not None and not ReportingPolicy.objects.filter(**lower_of).exists():
        policy.pk, policy.webhook_url = None, ""
        policy.organisation_id, policy.series = lower.organisation_id, lower.series
        policy.save()
    for cadence in CampaignCadence.objects.filter(**upper_of):
        CampaignCadence.objects.get_or_create(
            **lower_of, part_key=cadence.part_key, defaults={"cadence": cadence.cadence}
        )


def _free_sids(lower_plan: Plan, pairs: list[tuple[Task, TaskLink | None]]) -> None:
    """A revision may give two upper tasks each other's section ids: the lower sections
    that will change theirs are parked on a free one first, so no two collide."""
    moving = [
        link.lower.section
        for task, link in pairs
        if link is not None and link.lower.section.sid != task.section.sid
    ]
    for section in moving:
        section.sid = f"~{section.pk}"
        section.save(update_fields=["sid", "updated_at"])


def _section_fields(lower_plan: Plan, part: Part, task: Task) -> dict:
    section = task.section
    return {
        "plan": lower_plan,
        "part": part,
        "sid": section.sid,
        "number": section.number,
        "title": section.title,
        "text": section.text,
        "order": section.order,
    }


def _task_fields(lower_plan: Plan, part: Part, task: Task) -> dict:
    return {
        "plan": lower_plan,
        "part": part,
        "title": task.title,
        "text": task.text,
        "deadline": task.deadline,
        "start": task.start,
        "cadence": task.cadence,
    }


def _make_task(lower_plan: Plan, parts: dict[str, Part], upper: Task) -> Task:
    part = parts[upper.part.key]
    section = Section.objects.create(parent=None, **_section_fields(lower_plan, part, upper))
    lower = Task.objects.create(section=section, **_task_fields(lower_plan, part, upper))
    _copy_targets(lower, upper)
    return lower


def _follow(lower: Task, lower_plan: Plan, parts: dict[str, Part], upper: Task) -> dict:
    """Bring a lower task (and its section and targets) up to date with the upper task;
    returns what changed, as an audit diff."""
    part = parts[upper.part.key]
    changes = {}
    section = lower.section
    moved = False
    for name, value in _section_fields(lower_plan, part, upper).items():
        if getattr(section, name) != value:
            if name in ("sid", "text"):
                changes[f"section.{name}"] = [str(getattr(section, name)), str(value)]
            setattr(section, name, value)
            moved = True
    if moved:  # a breakdown run again with nothing new writes nothing
        section.save()
    moved = False
    for name, value in _task_fields(lower_plan, part, upper).items():
        if getattr(lower, name) != value:
            if name not in ("plan", "part"):
                changes[name] = [str(getattr(lower, name) or ""), str(value or "")]
            setattr(lower, name, value)
            moved = True
    if moved:
        lower.save()
    if _copy_targets(lower, upper):
        changes["targets"] = ["", "随上级指标更新"]
    return changes


def _copy_targets(lower: Task, upper: Task) -> bool:
    """The upper task's targets on the lower task's section (the district reports its own
    figure against each; the city sums them). Returns whether anything changed."""
    wanted = list(Target.objects.filter(section=upper.section).order_by("order"))
    have = {
        (t.subject, t.op, t.unit): t for t in Target.objects.filter(section=lower.section).order_by("order")
    }
    changed = False
    for target in wanted:
        key = (target.subject, target.op, target.unit)
        fields = {"value": target.value, "text": target.text, "order": target.order}
        mine = have.pop(key, None)
        if mine is None:
            Target.objects.create(
                plan=lower.plan,
                part=lower.part,
                section=lower.section,
                subject=target.subject,
                op=target.op,
                unit=target.unit,
                **fields,
            )
            changed = True
        elif (
            any(getattr(mine, name) != value for name, value in fields.items())
            or mine.plan_id != lower.plan_id
        ):
            for name, value in fields.items():
                setattr(mine, name, value)
            mine.plan, mine.part = lower.plan, lower.part
            mine.save()
            changed = True
    for stale in have.values():  # gone from the upper task: kept if figures were reported
        if not stale.values.exists():
            stale.delete()
            changed = True
    return changed


def _tell(org: Organisation, lower_plan: Plan, subject: str, body: str) -> None:
    """An in-app notice to the lower organisation's coordinators, linked to its breakdown plan."""
    from django.contrib.auth import get_user_model
    from django.urls import reverse

    from luoshi.accounts.models import Profile
    from luoshi.reporting.notify import notify

    coordinators = Profile.objects.filter(organisation=org, role=Role.COORDINATOR).values("user_id")
    users = get_user_model().objects.filter(pk__in=coordinators, is_active=True)
    notify(users, subject[:300], _Link(reverse("web:breakdown", args=[lower_plan.pk])), body)


# ---------------------------------------------------------------- assigning units


def _units_of(org_id: int, names: list[str], label: str) -> list[Unit]:
    from .services import UnitResolver
    from .units import normalize_name

    registry = UnitResolver(None, org_id)  # the organisation's names and aliases, read once
    out: list[Unit] = []
    problems = []
    for raw in names:
        name = normalize_name(raw)
        if not name:
            continue
        unit = registry.find(name)
        if unit is None:
            problems.append(f"{label}“{name}”不是本级单位名录中的单位")
        elif unit.kind == UnitKind.GROUP:
            problems.append(f"{label}“{name}”是单位群体，请选择具体单位")
        elif unit not in out:
            out.append(unit)
    if problems:
        raise PlanError("；".join(problems))
    return out


@transaction.atomic
def assign_units(actor: Actor, task: Task, leads: list[str], cooperators: list[str]) -> Task:
    """The lower organisation's own lead and cooperating units on a task broken down to it
    (names of its registry); they then report on it as on any task. A unit that has
    already reported on the task cannot be taken off it. A unit standing for an
    organisation below (a district's town) takes the task on down a level."""
    task = Task.objects.select_related("plan__organisation").select_for_update(of=("self",)).get(pk=task.pk)
    check_assign_units(actor, task)
    if upper_link(task) is None:
        raise PlanError("此任务不是上级分解下达的任务，其责任单位随本级方案导入")
    org_id = task.plan.organisation_id
    lead_units = _units_of(org_id, leads, "牵头单位")
    if not lead_units:
        raise PlanError("请至少指定一个牵头单位")
    coop_units = [u for u in _units_of(org_id, cooperators, "配合单位") if u not in lead_units]
    before = {
        "leads": [u.name for u in task.leads()],
        "cooperators": [u.name for u in task.cooperators()],
    }
    kept_ids = {u.pk for u in lead_units + coop_units}
    from luoshi.reporting.models import Report

    reported = (
        Report.objects.filter(task=task, submitted_at__isnull=False)
        .exclude(unit_id__in=kept_ids)
        .values_list("unit__name", flat=True)
        .distinct()
    )
    if reported:
        raise PlanError(f"“{'、'.join(sorted(reported))}”已报送过本任务的进度，不能撤下")
    task.task_units.all().delete()
    TaskUnit.objects.bulk_create(
        [TaskUnit(task=task, unit=u, role=TaskRole.LEAD, order=i) for i, u in enumerate(lead_units)]
        + [TaskUnit(task=task, unit=u, role=TaskRole.COOPERATOR, order=i) for i, u in enumerate(coop_units)]
    )
    after = {"leads": [u.name for u in lead_units], "cooperators": [u.name for u in coop_units]}
    changes = {name: [before[name], after[name]] for name in after if before[name] != after[name]}
    if changes:
        record_change(actor, "分配分解任务责任单位", task, changes)
    if any(u.represents_id for u in lead_units + coop_units):  # 层层分解: on to the level below
        run_breakdown(actor, task.plan)
    return task


def breakdown_tasks(plan: Plan):
    """The tasks of a lower organisation's breakdown plan with their upper tasks and the
    units assigned, in the order of the upper plan."""
    return (
        Task.objects.filter(plan=plan, upper_links__kind=LinkKind.BREAKDOWN)
        .select_related("section", "part")
        .prefetch_related("task_units__unit", "upper_links__upper__plan")
        .order_by("section__order")
        .distinct()
    )


def is_breakdown_plan(plan: Plan) -> bool:
    return plan.series.startswith(f"{SERIES_PREFIX}:")
