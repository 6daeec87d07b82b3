"""Roll-up without double counting (下级分解汇总): an upper task's part from each lower
organisation is the lower task's progress and light, read by the status engine from the
kept rows like any task's; a confirmed 对标 link counts like a 分解 link.

The rules, written once here and in docs/status.md:

- The unit of the upper plan that stands for a lower organisation (``TaskLink.via_unit``,
  or any unit of the task that ``represents`` the organisation) takes no direct report on
  the upper task: the linked task carries its duty (``carried``). It is due nothing there,
  so it is never 未报 there, and nothing it might file there is counted.
- Parts that count and parts that only support (as Quantive separates them): the part of
  an organisation whose unit leads the upper task (or any part when the task names no
  lead) counts towards the upper task's light; a cooperating organisation's part is shown
  beside it and supports, like a cooperator's own report.
- The upper task's light is the worst of its own light (when it still has units of its
  own level) and of the parts that count; its progress is its own when it has units of
  its own, else the mean of the parts that count. Its own progress and its parts are shown
  side by side, never added together.
- Figures (a target's actual value reported by each lower organisation against the copy
  of the upper task's target) are summed across organisations where the 计量单位 agree and
  the target accumulates (a rate or growth figure is never summed); a part that reported
  only in words is counted as ``未汇总：N 个下级报告``. Totals are cumulative across
  periods: each organisation's latest figure as of each period's end, carried forward.
"""

import datetime as dt
from collections.abc import Collection, Iterable
from dataclasses import dataclass, field
from decimal import Decimal

from luoshi.plans.choices import LinkKind, LinkState, TaskRole
from luoshi.plans.models import Target, Task, TaskLink, TaskUnit

from .status import Status, combined_progress, target_is_direct

# worst first: a part that is seriously late or not reported outweighs one on track
SEVERITY = {
    Status.SERIOUS: 0,
    Status.NOT_REPORTED: 1,
    Status.LAGGING: 2,
    Status.ON_TRACK: 3,
    Status.NOT_STARTED: 4,
    Status.DONE: 5,
}


@dataclass(frozen=True)
class Link:
    """A confirmed link of an upper task, as the engine reads it."""

    upper_id: int
    lower_id: int
    kind: str
    via_unit_id: int | None
    lower_plan_id: int
    org_id: int
    org_name: str
    org_order: tuple


def links_of(task_ids: Collection[int] | None = None, *, plan=None) -> dict[int, list[Link]]:
    """Upper task id → its confirmed links to lower tasks (分解 and 对标), in the order of
    the organisations."""
    links = TaskLink.objects.filter(state=LinkState.CONFIRMED)
    if plan is not None:
        links = links.filter(upper__plan=plan)
    if task_ids is not None:
        links = links.filter(upper_id__in=list(task_ids))
    found: dict[int, list[Link]] = {}
    for row in links.order_by().values_list(
        "upper_id",
        "lower_id",
        "kind",
        "via_unit_id",
        "lower__plan_id",
        "lower__plan__organisation_id",
        "lower__plan__organisation__name",
        "lower__plan__organisation__order",
        "lower__plan__organisation__path",
    ):
        upper, lower, kind, via, plan_id, org_id, name, order, path = row
        found.setdefault(upper, []).append(
            Link(upper, lower, kind, via, plan_id, org_id, name, (order, path))
        )
    for items in found.values():
        items.sort(key=lambda link: link.org_order)
    return found


def carried(
    links: dict[int, list[Link]], units: Iterable[tuple[int, int, int | None]]
) -> set[tuple[int, int]]:
    """(task, unit) pairs whose duty a lower task carries: the link's unit, or a unit of the
    task that represents the linked organisation. ``units``: (task, unit, represents)."""
    pairs = {
        (link.upper_id, link.via_unit_id) for items in links.values() for link in items if link.via_unit_id
    }
    orgs = {(link.upper_id, link.org_id) for items in links.values() for link in items}
    pairs.update((task, unit) for task, unit, represents in units if (task, represents) in orgs)
    return pairs


def carried_pairs(task_ids: Collection[int] | None = None, *, plan=None) -> set[tuple[int, int]]:
    """``carried`` for some tasks (or a plan's), read from the database in two queries."""
    links = links_of(task_ids, plan=plan)
    if not links:
        return set()
    units = TaskUnit.objects.filter(task_id__in=list(links)).values_list(
        "task_id", "unit_id", "unit__represents_id"
    )
    return carried(links, units)


@dataclass
class Part:
    """One lower organisation's part of an upper task as of a date."""

    organisation: str
    org_id: int
    kind: str  # 分解 / 对标
    task_id: int  # the lower task
    plan_id: int
    via_unit: str
    counts: bool  # counts towards the upper task's light (else it only supports)
    assigned: bool  # the lower organisation has put units of its own on it
    status: Status
    reason: str
    progress: Decimal | None
    expected: Decimal
    latest: dict | None = None  # the latest report handed in: period, unit, progress, text, id

    def as_json(self) -> dict:
        return {
            "organisation": self.organisation,
            "kind": self.kind,
            "task": self.task_id,
            "plan": self.plan_id,
            "via_unit": self.via_unit,
            "counts": self.counts,
            "assigned": self.assigned,
            "status": str(self.status),
            "status_label": self.status.label,
            "reason": self.reason,
            "progress": None if self.progress is None else float(self.progress),
            "expected": float(self.expected),
            "latest_report": self.latest,
        }


def parts_for(
    links: dict[int, list[Link]],
    leads: dict[int, tuple[int, ...]],
    represents: dict[int, int | None],
    as_of: dt.date,
    *,
    cooperators: dict[int, tuple[int, ...]] | None = None,
    full: bool = False,
) -> dict[int, list[Part]]:
    """Upper task id → its parts as of ``as_of``: each lower task's light from the status
    engine (one call per lower plan, for the linked tasks only). ``leads``: upper task id →
    its lead unit ids (``cooperators`` likewise); ``represents``: unit id → the
    organisation it stands for.

    A part counts towards the upper task's light when the organisation's unit leads the
    upper task, when the task names no lead, or when no unit of the task stands for the
    organisation at all (a 对标 link a person confirmed); a cooperating organisation's
    part only supports."""
    from luoshi.plans.models import Plan, Unit

    from .engine.plan import plan_status

    by_plan: dict[int, set[int]] = {}
    for items in links.values():
        for link in items:
            by_plan.setdefault(link.lower_plan_id, set()).add(link.lower_id)
    rows = {}
    for plan in Plan.objects.filter(pk__in=list(by_plan)):
        for row in plan_status(plan, as_of, tasks=by_plan[plan.pk], full=full).rows:
            rows[row.task_id] = row
    via_ids = {link.via_unit_id for items in links.values() for link in items if link.via_unit_id}
    via_names = dict(Unit.objects.filter(pk__in=via_ids).values_list("pk", "name"))
    kinds = dict(LinkKind.choices)
    parts: dict[int, list[Part]] = {}
    for upper_id, items in links.items():
        lead_ids = leads.get(upper_id, ())
        lead_orgs = {represents.get(uid) for uid in lead_ids} - {None}
        coop_ids = (cooperators or {}).get(upper_id, ())
        coop_orgs = {represents.get(uid) for uid in coop_ids} - {None}
        for link in items:
            row = rows.get(link.lower_id)
            if row is None:
                continue
            supports = link.via_unit_id in coop_ids or link.org_id in coop_orgs
            counts = (
                not lead_ids
                or link.via_unit_id in lead_ids
                or link.org_id in lead_orgs
                or (link.via_unit_id is None and not supports)
            )
            assigned = bool(row.leads or row.cooperators)
            status, reason = row.status, row.reason
            if not assigned:
                status = Status.NOT_REPORTED if row.latest_period else Status.NOT_STARTED
                reason = "尚未分配责任单位" if row.latest_period else "尚未分配责任单位，未到报送期"
            parts.setdefault(upper_id, []).append(
                Part(
                    link.org_name,
                    link.org_id,
                    kinds.get(link.kind, link.kind),
                    link.lower_id,
                    link.lower_plan_id,
                    via_names.get(link.via_unit_id, ""),
                    counts,
                    assigned,
                    status,
                    reason,
                    row.progress,
                    row.expected,
                )
            )
    return parts


def combine(
    own: tuple[Status, str, Decimal | None] | None, parts: list[Part]
) -> tuple[Status, str, Decimal | None] | None:
    """The upper task's light, reason and progress from its own (None when it has no unit
    of its own level left) and its parts: the worst of those that count; its progress its
    own, else the mean of the parts that count. None: nothing counts (keep the row)."""
    counting = [part for part in parts if part.counts]
    if not counting:
        return own
    if all(part.status == Status.DONE for part in counting) and (own is None or own[0] == Status.DONE):
        return Status.DONE, "已完成（各下级分解任务均已完成并审定）", own[2] if own else Decimal(100)
    candidates: list[tuple[Status, str]] = [
        (part.status, f"{part.organisation}：{part.reason}") for part in counting
    ]
    if own is not None:
        candidates.insert(0, (own[0], own[1]))
    status, reason = min(candidates, key=lambda c: SEVERITY[c[0]])
    progress = own[2] if own is not None else combined_progress([part.progress for part in counting])
    return status, reason, progress


# ---------------------------------------------------------------- figures


@dataclass
class Figure:
    """An upper task's target summed over the lower organisations that report it."""

    target_id: int
    subject: str
    unit: str
    op: str
    value: Decimal
    summed: bool  # an accumulating figure in agreeing units (a rate is never summed)
    total: Decimal | None
    by_org: list[tuple[str, Decimal | None]] = field(default_factory=list)
    by_period: list[dict] = field(default_factory=list)  # cumulative, period by period

    def as_json(self) -> dict:
        def num(value):
            return None if value is None else float(value)

        return {
            "target": self.target_id,
            "subject": self.subject,
            "unit": self.unit,
            "op": self.op,
            "value": float(self.value),
            "summed": self.summed,
            "total": num(self.total),
            "by_organisation": [{"organisation": name, "value": num(v)} for name, v in self.by_org],
            "by_period": [
                {
                    "period": p["period"],
                    "end": p["end"].isoformat(),
                    "total": num(p["total"]),
                    "by_organisation": {name: num(v) for name, v in p["values"].items()},
                }
                for p in self.by_period
            ],
        }


@dataclass
class TaskRollup:
    """What the upper task's page and the API show of its lower parts."""

    task_id: int
    parts: list[Part]
    own_units: tuple[str, ...]  # its own level's responsible units (side by side with the parts)
    own_status: Status | None
    own_progress: Decimal | None
    figures: list[Figure]
    reported: int  # parts with a report handed in
    unsummed: int  # of those, reports whose figures no total takes

    @property
    def unsummed_text(self) -> str:
        return f"未汇总：{self.unsummed} 个下级报告" if self.unsummed else ""

    def as_json(self) -> dict:
        return {
            "task": self.task_id,
            "own": {
                "units": list(self.own_units),
                "status": str(self.own_status) if self.own_status else None,
                "progress": None if self.own_progress is None else float(self.own_progress),
            },
            "parts": [part.as_json() for part in self.parts],
            "figures": [figure.as_json() for figure in self.figures],
            "reported": self.reported,
            "unsummed": self.unsummed,
            "unsummed_text": self.unsummed_text,
        }


def _latest_reports(task_ids: list[int], as_of: dt.date) -> dict[int, dict]:
    from .engine.reports import end_of
    from .models import Report

    latest: dict[int, dict] = {}
    reports = (
        Report.objects.filter(task_id__in=task_ids, is_current=True, submitted_at__lte=end_of(as_of))
        .select_related("unit", "period")
        .order_by("-period__end", "period__start", "role", "unit__order")
    )
    for report in reports:
        if report.task_id not in latest:
            latest[report.task_id] = {
                "id": report.pk,
                "period": report.period.label,
                "unit": report.unit.name,
                "progress": None if report.progress is None else float(report.progress),
                "text": report.progress_text,
                "state": report.get_state_display(),
            }
    return latest


def _match(upper: Target, candidates: list[Target]) -> Target | None:
    """The lower task's copy of an upper target: the same subject and 计量单位, else the
    only one in the same 计量单位 (a 对标 task words its targets its own way)."""
    same_unit = [t for t in candidates if t.unit == upper.unit and t.op == upper.op]
    exact = [t for t in same_unit if t.subject == upper.subject]
    if exact:
        return exact[0]
    return same_unit[0] if len(same_unit) == 1 else None


def task_rollup(task: Task, row, as_of: dt.date) -> TaskRollup | None:
    """The upper task's parts, figures and the count of reports not summed as of ``as_of``
    (``row``: its status row, which already weighs its parts); None when the task has no
    confirmed lower link."""
    from .engine.reports import end_of
    from .models import TargetValue

    links = links_of([task.pk])
    if not links:
        return None
    task_units = list(
        TaskUnit.objects.filter(task=task).values_list(
            "task_id", "unit_id", "unit__represents_id", "role", "unit__name"
        )
    )
    leads = tuple(uid for _t, uid, _r, role, _n in task_units if role == TaskRole.LEAD)
    coops = tuple(uid for _t, uid, _r, role, _n in task_units if role != TaskRole.LEAD)
    represents = {uid: rep for _t, uid, rep, _role, _n in task_units}
    parts = parts_for(links, {task.pk: leads}, represents, as_of, cooperators={task.pk: coops}).get(
        task.pk, []
    )
    gone = carried(links, [(t, u, r) for t, u, r, _role, _n in task_units])
    own_ids = [uid for _t, uid, _r, role, _n in task_units if (task.pk, uid) not in gone]
    names = {uid: name for _t, uid, _r, _role, name in task_units}
    latest = _latest_reports([part.task_id for part in parts], as_of)
    for part in parts:
        part.latest = latest.get(part.task_id)

    # figures: the upper task's targets, each organisation's copy's latest values
    uppers = list(Target.objects.filter(section=task.section).order_by("order"))
    lower_tasks = {t.pk: t.section_id for t in Task.objects.filter(pk__in=[p.task_id for p in parts])}
    lower_targets: dict[int, list[Target]] = {}
    for target in Target.objects.filter(section_id__in=list(lower_tasks.values())):
        lower_targets.setdefault(target.section_id, []).append(target)
    values: dict[int, list[tuple[dt.date, dt.date, str, Decimal]]] = {}
    matched_ids = set()
    matches: dict[int, dict[str, Target]] = {}
    for upper in uppers:
        matches[upper.pk] = {}
        for part in parts:
            mine = _match(upper, lower_targets.get(lower_tasks.get(part.task_id), []))
            if mine is not None:
                matches[upper.pk][part.organisation] = mine
                matched_ids.add(mine.pk)
    for target_id, end, start, label, value, _report_task in (
        TargetValue.objects.filter(
            target_id__in=matched_ids,
            report__is_current=True,
            report__submitted_at__lte=end_of(as_of),
        )
        .order_by("report__period__end", "-report__period__start", "report__submitted_at")
        .values_list(
            "target_id",
            "report__period__end",
            "report__period__start",
            "report__period__label",
            "value",
            "report__task_id",
        )
    ):
        values.setdefault(target_id, []).append((end, start, label, value))
    figures = []
    summed_orgs: set[str] = set()
    for upper in uppers:
        summed = not target_is_direct(op=upper.op, unit=upper.unit, subject=upper.subject or upper.text)
        by_org: list[tuple[str, Decimal | None]] = []
        ends: dict[dt.date, str] = {}
        series: dict[str, list[tuple[dt.date, Decimal]]] = {}
        for part in parts:
            mine = matches[upper.pk].get(part.organisation)
            rows = values.get(mine.pk, []) if mine else []
            series[part.organisation] = [(end, value) for end, _s, _l, value in rows]
            for end, _s, label, _v in rows:
                ends.setdefault(end, label)
            by_org.append((part.organisation, rows[-1][3] if rows else None))
            if rows and summed:
                summed_orgs.add(part.organisation)
        given = [v for _n, v in by_org if v is not None]
        total = sum(given, Decimal(0)) if summed and given else None
        by_period = []
        if summed:
            for end in sorted(ends):
                at = {}
                for name, points in series.items():
                    upto = [v for e, v in points if e <= end]
                    at[name] = upto[-1] if upto else None
                present = [v for v in at.values() if v is not None]
                by_period.append(
                    {"period": ends[end], "end": end, "values": at, "total": sum(present, Decimal(0))}
                )
        figures.append(
            Figure(
                upper.pk,
                upper.subject or upper.text,
                upper.unit,
                upper.op,
                upper.value,
                summed,
                total,
                by_org,
                by_period,
            )
        )
    reported = [part for part in parts if part.latest is not None]
    unsummed = sum(1 for part in reported if part.organisation not in summed_orgs)
    return TaskRollup(
        task.pk,
        parts,
        tuple(names[uid] for uid in own_ids),
        row.own_status if row is not None else None,
        row.own_progress if row is not None else None,
        figures,
        len(reported),
        unsummed,
    )


def summed_actuals(plan, as_of: dt.date) -> dict[int, Decimal]:
    """Upper target id → the sum of the lower organisations' latest figures against their
    copies of it, for the accumulating targets of the plan's tasks with confirmed lower
    links: the upper target's actual where its own level files none (``targets``)."""
    from .engine.reports import end_of
    from .models import TargetValue

    links = links_of(plan=plan)
    if not links:
        return {}
    task_of_section = {
        section: pk for pk, section in Task.objects.filter(pk__in=list(links)).values_list("pk", "section_id")
    }
    uppers = [
        t
        for t in Target.objects.filter(section_id__in=list(task_of_section))
        if not target_is_direct(op=t.op, unit=t.unit, subject=t.subject or t.text)
    ]
    if not uppers:
        return {}
    lower_ids = [link.lower_id for items in links.values() for link in items]
    lower_section = dict(Task.objects.filter(pk__in=lower_ids).values_list("pk", "section_id"))
    candidates: dict[int, list[Target]] = {}
    for target in Target.objects.filter(section_id__in=list(lower_section.values())):
        candidates.setdefault(target.section_id, []).append(target)
    matched: dict[int, list[int]] = {}  # upper target → its lower copies
    for upper in uppers:
        for link in links[task_of_section[upper.section_id]]:
            mine = _match(upper, candidates.get(lower_section.get(link.lower_id), []))
            if mine is not None:
                matched.setdefault(upper.pk, []).append(mine.pk)
    latest: dict[int, Decimal] = {}
    for target_id, value in (
        TargetValue.objects.filter(
            target_id__in=[pk for pks in matched.values() for pk in pks],
            report__is_current=True,
            report__submitted_at__lte=end_of(as_of),
        )
        .order_by("report__period__end", "-report__period__start", "report__submitted_at")
        .values_list("target_id", "value")
    ):
        latest[target_id] = value
    sums = {}
    for upper_id, pks in matched.items():
        given = [latest[pk] for pk in pks if pk in latest]
        if given:
            sums[upper_id] = sum(given, Decimal(0))
    return sums
