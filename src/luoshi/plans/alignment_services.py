"""Writes and reads of alignment (对标): a lower organisation's plan, imported on its own,
matched task by task to a plan of an organisation above it.

``suggest_alignment`` asks the matcher (``plans.alignment``, pure) for each lower task's
three likeliest upper tasks and keeps them as ``TaskLink`` rows of kind 对标 in state 建议;
running it again changes nothing that a person decided (confirmed and rejected links stay,
tasks already confirmed or declared 无对应 are left alone) and adds no duplicate. A person
then confirms one suggestion (``confirm_link``: the others of that task become 已驳回),
rejects one (``reject_link``), or sets the task's upper task by hand, or 无对应
(``set_link``). A lower task has at most one confirmed 对标 link to a given upper plan; 无对应
is a task whose links to that plan are all rejected. Confirmed links drive the roll-up.
"""

from collections import defaultdict
from dataclasses import dataclass, field

from django.db import transaction

from luoshi.accounts.permissions import Actor
from luoshi.audit.choices import AuditAction
from luoshi.audit.services import diff, record_change, snapshot
from luoshi.core import clock

from . import alignment
from .choices import LinkKind, LinkState
from .models import Plan, Task, TaskLink
from .permissions import check_align, check_suggest_alignment
from .validation import PlanError
from .versions import plan_choices

DECIDED_FIELDS = ("state", "decided_by", "decided_at")


class AlignmentError(PlanError):
    """An alignment that cannot be made; the message is Chinese and names what is wrong."""


@dataclass
class SuggestResult:
    lower: Plan
    upper: Plan
    created: int = 0
    updated: int = 0
    removed: int = 0
    kept: int = 0  # tasks already decided (confirmed, 无对应, or broken down), left alone
    none: int = 0  # tasks the matcher finds no counterpart for


@dataclass
class AlignmentRow:
    """One lower task on the 对标 page: its links to the upper plan, best first."""

    task: Task
    links: list[TaskLink] = field(default_factory=list)

    @property
    def confirmed(self) -> TaskLink | None:
        return next((link for link in self.links if link.state == LinkState.CONFIRMED), None)

    @property
    def suggestions(self) -> list[TaskLink]:
        return [link for link in self.links if link.state == LinkState.SUGGESTED]

    @property
    def decided_none(self) -> bool:
        """Declared 无对应: every link to the upper plan rejected."""
        return bool(self.links) and all(link.state == LinkState.REJECTED for link in self.links)

    @property
    def suggests_none(self) -> bool:
        """The matcher's best candidate is too weak (or there is none): it suggests 无对应."""
        best = self.suggestions[0] if self.suggestions else None
        return best is None or (best.score or 0) < alignment.NONE_BELOW

    @property
    def state(self) -> str:
        if self.confirmed:
            return "已确认"
        if self.decided_none:
            return "无对应"
        return "待确认"


def upper_plans_for(plan: Plan) -> list[Plan]:
    """Plans a plan may be aligned to: the newest version of each plan of the organisations
    above its own, nearest first."""
    above = plan.organisation.ancestor_ids()[:-1]
    depth = {org_id: i for i, org_id in enumerate(above)}
    plans = [p for p in plan_choices() if p.organisation_id in depth]
    return sorted(plans, key=lambda p: (-depth[p.organisation_id], -p.year, p.title))


def check_pair(lower: Plan, upper: Plan) -> None:
    lower_path, upper_path = lower.organisation.path, upper.organisation.path
    if lower_path == upper_path or not lower_path.startswith(upper_path):
        raise AlignmentError(f"上级方案“{upper.title}”不属于“{lower.organisation.name}”的上级组织，不能对标")


def _tasks(plan: Plan) -> list[Task]:
    return list(
        Task.objects.filter(plan=plan)
        .select_related("part", "section")
        .prefetch_related("task_units__unit")
        .order_by("section__order")
    )


def _item(task: Task) -> alignment.Item:
    return alignment.Item(
        key=str(task.pk),
        title=task.title,
        text=task.text,
        context=task.part.title,
        units=tuple(tu.unit.name for tu in task.task_units.all()),
    )


def _links_by_lower(lower_ids, upper: Plan) -> dict[int, list[TaskLink]]:
    links = (
        TaskLink.objects.filter(lower_id__in=lower_ids, upper__plan=upper)
        .select_related("upper__section", "upper__part", "decided_by")
        .order_by("rank", "pk")
    )
    grouped: dict[int, list[TaskLink]] = defaultdict(list)
    for link in links:
        grouped[link.lower_id].append(link)
    return grouped


@transaction.atomic
def suggest_alignment(actor: Actor, lower: Plan, upper: Plan) -> SuggestResult:
    """Suggest, for each task of ``lower`` not yet decided, its three likeliest tasks of
    ``upper`` (a plan of an organisation above), kept as 对标 links in state 建议."""
    check_suggest_alignment(actor, lower)
    check_pair(lower, upper)
    result = SuggestResult(lower, upper)
    lower_tasks = _tasks(lower)
    existing = _links_by_lower([t.pk for t in lower_tasks], upper)
    # the whole plan is matched (the weights of words come from both plans, whatever is
    # decided), then the decided tasks are left alone
    suggestions = alignment.suggest([_item(t) for t in _tasks(upper)], [_item(t) for t in lower_tasks])
    new_links = []
    for task, suggestion in zip(lower_tasks, suggestions, strict=True):
        decided = existing.get(task.pk, [])
        if any(link.state == LinkState.CONFIRMED or link.kind == LinkKind.BREAKDOWN for link in decided) or (
            decided and all(link.state == LinkState.REJECTED for link in decided)
        ):
            result.kept += 1
            continue
        result.none += suggestion.none
        links = {link.upper_id: link for link in existing.get(task.pk, [])}
        wanted = {int(c.key): (rank, c.score) for rank, c in enumerate(suggestion.candidates, 1)}
        for upper_id, (rank, score) in wanted.items():
            link = links.get(upper_id)
            if link is None:
                new_links.append(
                    TaskLink(
                        upper_id=upper_id,
                        lower=task,
                        kind=LinkKind.ALIGNMENT,
                        state=LinkState.SUGGESTED,
                        score=score,
                        rank=rank,
                    )
                )
            elif link.state == LinkState.SUGGESTED and (link.rank, link.score) != (rank, score):
                link.rank, link.score = rank, score
                link.save(update_fields=["rank", "score", "updated_at"])
                result.updated += 1
        stale = [
            link.pk
            for upper_id, link in links.items()
            if upper_id not in wanted
            and link.state == LinkState.SUGGESTED
            and link.kind == LinkKind.ALIGNMENT
        ]
        if stale:
            result.removed += TaskLink.objects.filter(pk__in=stale).delete()[0]
    TaskLink.objects.bulk_create(new_links)
    result.created = len(new_links)
    record_change(
        actor,
        "生成对标建议",
        lower,
        {},
        action=AuditAction.CREATE,
        upper_plan=str(upper),
        created=result.created,
        updated=result.updated,
        removed=result.removed,
        kept=result.kept,
    )
    return result


def _decide(actor: Actor, link: TaskLink, state: str, operation: str) -> None:
    before = snapshot(link, DECIDED_FIELDS)
    link.state = state
    link.decided_by = actor.user if not actor.is_system else None
    link.decided_at = clock.now()
    link.save(update_fields=[*DECIDED_FIELDS, "updated_at"])
    record_change(actor, operation, link, diff(before, snapshot(link, DECIDED_FIELDS)))


def _others(link: TaskLink) -> list[TaskLink]:
    """The other 对标 links of the same lower task to the same upper plan, still open or
    confirmed (those a confirmation replaces)."""
    return list(
        TaskLink.objects.filter(
            lower_id=link.lower_id,
            upper__plan_id=link.upper.plan_id,
            kind=LinkKind.ALIGNMENT,
            state__in=[LinkState.SUGGESTED, LinkState.CONFIRMED],
        )
        .exclude(pk=link.pk)
        .select_for_update()
    )


def _check_alignment_link(link: TaskLink) -> None:
    if link.kind != LinkKind.ALIGNMENT:
        raise AlignmentError(f"“{link}”是分解关联，不能在对标中确认或驳回")


@transaction.atomic
def confirm_link(actor: Actor, link: TaskLink) -> TaskLink:
    """Confirm a suggested upper task as the lower task's counterpart; the task's other
    links to that upper plan are rejected."""
    check_align(actor, link.lower)
    _check_alignment_link(link)
    if link.state != LinkState.CONFIRMED:
        for other in _others(link):
            _decide(actor, other, LinkState.REJECTED, "驳回对标")
        _decide(actor, link, LinkState.CONFIRMED, "确认对标")
    return link


@transaction.atomic
def reject_link(actor: Actor, link: TaskLink) -> TaskLink:
    """Reject a suggested (or confirmed) upper task for the lower task."""
    check_align(actor, link.lower)
    _check_alignment_link(link)
    if link.state != LinkState.REJECTED:
        _decide(actor, link, LinkState.REJECTED, "驳回对标")
    return link


@transaction.atomic
def set_link(actor: Actor, lower_task: Task, upper: Plan, upper_task: Task | None) -> TaskLink | None:
    """Set the lower task's counterpart in ``upper`` by hand: ``upper_task`` (confirmed,
    the task's other links to that plan rejected), or None for 无对应 (every link to that
    plan rejected)."""
    check_align(actor, lower_task)
    check_pair(lower_task.plan, upper)
    if upper_task is not None and upper_task.plan_id != upper.pk:
        raise AlignmentError(f"上级任务“{upper_task}”不在上级方案“{upper.title}”中")
    if upper_task is None:
        open_links = TaskLink.objects.filter(
            lower=lower_task,
            upper__plan=upper,
            kind=LinkKind.ALIGNMENT,
            state__in=[LinkState.SUGGESTED, LinkState.CONFIRMED],
        ).select_for_update()
        for link in open_links:
            _decide(actor, link, LinkState.REJECTED, "设为无对应")
        record_change(actor, "设为无对应", lower_task, {}, upper_plan=str(upper))
        return None
    link = TaskLink.objects.filter(upper=upper_task, lower=lower_task).select_for_update().first()
    if link is None:
        link = TaskLink.objects.create(
            upper=upper_task, lower=lower_task, kind=LinkKind.ALIGNMENT, state=LinkState.SUGGESTED
        )
        record_change(actor, "新增对标", link, {}, action=AuditAction.CREATE)
    _check_alignment_link(link)
    return confirm_link(actor, link)


def alignment_rows(lower: Plan, upper: Plan, tasks=None) -> list[AlignmentRow]:
    """The 对标 page's rows: each task of ``lower`` (or of ``tasks``) with its links to
    ``upper``."""
    lower_tasks = list(tasks) if tasks is not None else _tasks(lower)
    links = _links_by_lower([t.pk for t in lower_tasks], upper)
    rows = []
    for task in lower_tasks:
        ordered = sorted(
            links.get(task.pk, []),
            key=lambda link: (link.state != LinkState.CONFIRMED, link.rank or 99, link.pk),
        )
        rows.append(AlignmentRow(task, ordered))
    return rows
