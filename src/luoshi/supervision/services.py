"""Every write of the supervision domain, one function each, used by pages, API and CLI
alike: each checks permission, changes the item and writes its history row (who, when,
from, to, why) with the evidence files that came with the step."""

import datetime as dt
from collections.abc import Iterable

from django.contrib.auth import get_user_model
from django.db import transaction
from django.db.models import Q

from luoshi.accounts.choices import Role
from luoshi.accounts.models import Profile
from luoshi.accounts.permissions import Actor, check_acts_in, unit_of, users_of
from luoshi.audit.services import record_change
from luoshi.core import clock, evidence
from luoshi.core.evidence import EvidenceFile
from luoshi.plans.models import Part, Task, Unit
from luoshi.reporting.models import Report
from luoshi.reporting.notify import notify
from luoshi.reporting.workdays import add_workdays

from . import permissions
from .choices import OPEN_STATES, TRANSITIONS, Action, ItemState, Level, Source, next_level
from .models import ItemEvidence, ItemTransition, SupervisionItem

INSTRUCTION_WORKDAYS = 5  # a 批示 without a deadline is due five working days on


class SupervisionError(ValueError):
    """A write refused for bad input; the message is Chinese and names the field."""

    def __init__(self, message: str, field: str | None = None):
        super().__init__(message)
        self.field = field


# ---------------------------------------------------------------- helpers


def _record(
    item: SupervisionItem,
    action: str,
    actor: Actor,
    *,
    from_state: str = "",
    to_state: str | None = None,
    from_level: str = "",
    to_level: str = "",
    comment: str = "",
    changes: dict | None = None,
) -> ItemTransition:
    unit = unit_of(actor)
    changed = dict(changes or {})
    if to_state and from_state != to_state:
        changed["state"] = [from_state, to_state]
    if from_level != to_level:
        changed["level"] = [from_level, to_level]
    record_change(actor, f"督办{Action(action).label}", item, changed, comment=comment)
    return ItemTransition.objects.create(
        item=item,
        action=action,
        from_state=from_state,
        to_state=to_state or item.state,
        from_level=from_level,
        to_level=to_level,
        actor=actor.user,
        actor_name=actor.name,
        actor_unit=unit.name if unit else "",
        created_at=clock.now(),
        reason=comment,
    )


def _check_files(files: Iterable[EvidenceFile]) -> list[EvidenceFile]:
    try:
        return evidence.check(files)
    except evidence.EvidenceError as exc:
        raise SupervisionError(str(exc), "evidence") from None


def _attach(item: SupervisionItem, transition: ItemTransition, actor: Actor, files) -> None:
    for upload in files:
        evidence.store(ItemEvidence(item=item, transition=transition), upload, actor.user)


def _locked(item: SupervisionItem) -> SupervisionItem:
    return SupervisionItem.objects.select_for_update().select_related("lead_unit").get(pk=item.pk)


def _verifiers(item: SupervisionItem):
    # the verifiers and the coordinator of the item's own organisation
    roles = Profile.objects.filter(
        role__in=(Role.VERIFIER, Role.COORDINATOR), organisation_id=item.lead_unit.organisation_id
    )
    if item.part_id:
        office_units = item.part.task_forces.exclude(office=None).values_list("office_id", flat=True)
        roles = roles | Profile.objects.filter(role=Role.OFFICE, unit_id__in=list(office_units))
    roles = roles.exclude(unit_id__in=permissions.item_unit_ids(item))
    return get_user_model().objects.filter(pk__in=roles.values_list("user_id", flat=True), is_active=True)


def _text(value, name: str, label: str, *, required: bool = True) -> str:
    text = (value or "").strip()
    if required and not text:
        raise SupervisionError(f"{label}不能为空", name)
    return text


def _title_from(content: str) -> str:
    first = content.strip().split("\n")[0]
    return first if len(first) <= 60 else first[:59] + "…"


# ---------------------------------------------------------------- creating


def _new_item(
    actor: Actor,
    *,
    content: str,
    lead_unit: Unit | None,
    deadline: dt.date | None,
    source: str,
    level: str = Level.NORMAL,
    cooperating_units: Iterable[Unit] = (),
    title: str = "",
    measures: str = "",
    task: Task | None = None,
    part: Part | None = None,
    report: Report | None = None,
    parent: SupervisionItem | None = None,
    ledger=None,
    ledger_number: str = "",
    comment: str = "",
) -> SupervisionItem:
    content = _text(content, "content", "督办内容")
    if lead_unit is None:
        raise SupervisionError("请指定牵头单位", "lead_unit")
    # an item lives in its lead unit's organisation, where the actor must act; its task
    # and cooperating units are of that organisation too
    check_acts_in(actor, lead_unit.organisation_id)
    if task is not None and task.plan.organisation_id != lead_unit.organisation_id:
        raise SupervisionError(f"牵头单位“{lead_unit.name}”不是该任务所在组织的单位", "lead_unit")
    cooperating_units = list(cooperating_units)
    for unit in cooperating_units:
        if unit.organisation_id != lead_unit.organisation_id:
            raise SupervisionError(f"配合单位“{unit.name}”与牵头单位不属于同一组织", "cooperating_units")
    if not isinstance(deadline, dt.date):
        raise SupervisionError("请指定办理时限", "deadline")
    if source not in Source.values:
        raise SupervisionError(f"来源“{source}”无效，可选：{'、'.join(Source.labels)}", "source")
    if level not in Level.values:
        raise SupervisionError(f"督办级别“{level}”无效，可选：{'、'.join(Level.labels)}", "level")
    if task is not None and part is not None and task.part_id != part.pk:
        raise SupervisionError(f"任务 {task.section.sid} 不属于攻坚“{part.title}”", "part")
    cooperating = [unit for unit in dict.fromkeys(cooperating_units) if unit.pk != lead_unit.pk]
    item = SupervisionItem.objects.create(
        title=(title or "").strip()[:300] or _title_from(content),
        content=content,
        measures=(measures or "").strip(),
        source=source,
        level=level,
        state=ItemState.ASSIGNED,
        lead_unit=lead_unit,
        deadline=deadline,
        part=part or (task.part if task else None),
        task=task,
        report=report,
        parent=parent,
        ledger=ledger,
        ledger_number=(ledger_number or "").strip(),
        created_by=actor.user,
    )
    item.cooperating_units.set(cooperating)
    _record(item, Action.CREATE, actor, to_state=ItemState.ASSIGNED, to_level=level, comment=comment)
    notify(
        users_of([lead_unit.pk], (Role.REPORTER, Role.HEAD)),
        f"新督办事项：{item.title}（{deadline:%m月%d日}前办结）",
        item,
        content,
    )
    return item


@transaction.atomic
def create_item(
    actor: Actor,
    *,
    content: str,
    lead_unit: Unit | None,
    deadline: dt.date | None,
    source: str,
    level: str = Level.NORMAL,
    cooperating_units: Iterable[Unit] = (),
    title: str = "",
    measures: str = "",
    task: Task | None = None,
    part: Part | None = None,
    comment: str = "",
) -> SupervisionItem:
    """交办: open a supervision item for a lead unit with a deadline."""
    campaign = part or (task.part if task else None)
    permissions.check(actor, Action.CREATE, part_id=campaign.pk if campaign else None)
    if isinstance(deadline, dt.date) and deadline < clock.today():
        raise SupervisionError(f"办理时限 {deadline} 早于今天", "deadline")
    return _new_item(
        actor,
        content=content,
        lead_unit=lead_unit,
        deadline=deadline,
        source=source,
        level=level,
        cooperating_units=cooperating_units,
        title=title,
        measures=measures,
        task=task,
        part=part,
        comment=comment,
    )


@transaction.atomic
def instruct(
    actor: Actor,
    target: Task | Report | SupervisionItem,
    text: str,
    *,
    lead_unit: Unit | None = None,
    deadline: dt.date | None = None,
    level: str = Level.NORMAL,
) -> SupervisionItem:
    """A leader's 批示 on a task, a report or an item becomes a supervision item in one
    step: the lead unit defaults to the task's lead, the report's unit or the item's lead;
    the deadline to five working days from today."""
    permissions.check(actor, "instruct")
    text = _text(text, "text", "批示内容")
    task = report = parent = None
    if isinstance(target, Task):
        task = target
        default_unit = next(iter(task.leads()), None)
        about = f"任务 {task.section.sid} {task.title}"
    elif isinstance(target, Report):
        report, task = target, target.task
        default_unit = report.unit
        about = f"{report.unit.name}{report.period.label}报告（任务 {task.section.sid}）"
    elif isinstance(target, SupervisionItem):
        parent, task = target, target.task
        default_unit = target.lead_unit
        about = f"督办事项〔{target.pk}〕{target.title}"
    else:
        raise SupervisionError("批示对象只能是任务、进度报告或督办事项", "target")
    today = clock.today()
    deadline = deadline or add_workdays(today, INSTRUCTION_WORKDAYS)
    if deadline < today:
        raise SupervisionError(f"办理时限 {deadline} 早于今天", "deadline")
    return _new_item(
        actor,
        content=f"{text}\n（批示对象：{about}）",
        title=f"领导批示：{_title_from(text)}",
        lead_unit=lead_unit or default_unit,
        deadline=deadline,
        source=Source.INSTRUCTION,
        level=level,
        task=task,
        part=parent.part if parent is not None else None,
        report=report,
        parent=parent,
        comment=text,
    )


# ---------------------------------------------------------------- the loop


def _step(actor: Actor, item: SupervisionItem, action: str, comment: str, files) -> SupervisionItem:
    item = _locked(item)
    permissions.check(actor, action, item)
    source, target = TRANSITIONS[action]
    if item.state != source:
        raise SupervisionError(
            f"该事项{item.get_state_display()}，不能{permissions.ACTION_VERBS[action]}"
            f"（只有“{ItemState(source).label}”的事项可以）",
            "state",
        )
    files = _check_files(files)
    transition = _record(item, action, actor, from_state=source, to_state=target, comment=comment)
    _attach(item, transition, actor, files)
    item.state = target
    if target == ItemState.CLOSED:
        item.closed_at = transition.created_at
    item.save()
    return item


@transaction.atomic
def accept_item(actor: Actor, item: SupervisionItem, comment: str = "", files=()) -> SupervisionItem:
    """签收: the lead unit takes the item on (交办 → 办理中)."""
    return _step(actor, item, Action.ACCEPT, (comment or "").strip(), files)


@transaction.atomic
def feed_back(actor: Actor, item: SupervisionItem, comment: str, files=()) -> SupervisionItem:
    """反馈: the lead unit reports what it did, with evidence (办理中 → 已反馈)."""
    comment = _text(comment, "comment", "办理情况")
    item = _step(actor, item, Action.FEEDBACK, comment, files)
    notify(_verifiers(item), f"待核查：{item.title}", item, comment)
    return item


@transaction.atomic
def start_check(actor: Actor, item: SupervisionItem, comment: str = "", files=()) -> SupervisionItem:
    """核查: a verifier takes up the feedback (已反馈 → 核查中)."""
    return _step(actor, item, Action.CHECK, (comment or "").strip(), files)


def latest_feedback(item: SupervisionItem) -> ItemTransition | None:
    return item.transitions.filter(action=Action.FEEDBACK).order_by("-created_at", "-pk").first()


@transaction.atomic
def close_item(actor: Actor, item: SupervisionItem, comment: str = "", files=()) -> SupervisionItem:
    """销号: a verifier from another unit closes the item (核查中 → 已办结). The latest
    feedback must carry at least one evidence file."""
    locked = _locked(item)
    permissions.check(actor, Action.CLOSE, locked)
    feedback = latest_feedback(locked)
    if locked.state == ItemState.VERIFYING and (feedback is None or not feedback.evidence.exists()):
        raise SupervisionError("销号需要佐证材料：最近一次反馈没有附佐证材料，请退回重办并补充", "evidence")
    item = _step(actor, locked, Action.CLOSE, (comment or "").strip(), files)
    notify(users_of([item.lead_unit_id], (Role.REPORTER, Role.HEAD)), f"已销号：{item.title}", item)
    return item


@transaction.atomic
def return_item(actor: Actor, item: SupervisionItem, reason: str, files=()) -> SupervisionItem:
    """退回重办: the verifier sends the item back to the lead unit, saying why
    (核查中 → 办理中)."""
    reason = _text(reason, "comment", "退回原因")
    item = _step(actor, item, Action.RETURN, reason, files)
    notify(users_of([item.lead_unit_id], (Role.REPORTER, Role.HEAD)), f"退回重办：{item.title}", item, reason)
    return item


STEP_FUNCTIONS = {
    Action.ACCEPT: accept_item,
    Action.FEEDBACK: feed_back,
    Action.CHECK: start_check,
    Action.CLOSE: close_item,
    Action.RETURN: return_item,
}


def take_step(
    actor: Actor, item: SupervisionItem, action: str, comment: str = "", files=()
) -> SupervisionItem:
    """Any step of the loop by its action name (``accept`` ``feedback`` ``check``
    ``close`` ``return``), for the CLI and generic forms."""
    function = STEP_FUNCTIONS.get(action)
    if function is None:
        names = "、".join(f"{a}（{Action(a).label}）" for a in STEP_FUNCTIONS)
        raise SupervisionError(f"没有“{action}”这一步，可选：{names}", "action")
    return function(actor, item, comment, files)


# ---------------------------------------------------------------- escalation


@transaction.atomic
def escalate_item(actor: Actor, item: SupervisionItem, reason: str) -> SupervisionItem:
    """升级督办: raise an open item one level (一般 → 重点 → 挂牌督办)."""
    item = _locked(item)
    permissions.check(actor, Action.ESCALATE, item)
    if item.state not in OPEN_STATES:
        raise SupervisionError("该事项已办结，不能升级督办", "level")
    higher = next_level(item.level)
    if higher is None:
        raise SupervisionError("该事项已是挂牌督办，无法再升级", "level")
    _record(
        item,
        Action.ESCALATE,
        actor,
        from_state=item.state,
        from_level=item.level,
        to_level=higher,
        comment=_text(reason, "comment", "升级原因"),
    )
    item.level = higher
    item.save()
    return item


def move_unit_rows(keep: Unit, other: Unit) -> tuple[int, list[str]]:
    """Merge rule: items led by or shared with a merged unit move to the unit kept; a unit
    never cooperates on an item it leads, nor twice on one item."""
    moved = SupervisionItem.objects.filter(lead_unit=other).update(lead_unit=keep)
    through = SupervisionItem.cooperating_units.through
    rows = through.objects.filter(unit=other)
    moved += rows.count()
    led = SupervisionItem.objects.filter(lead_unit=keep).values("pk")
    shared = through.objects.filter(unit=keep).values("supervisionitem_id")
    rows.filter(Q(supervisionitem_id__in=led) | Q(supervisionitem_id__in=shared)).delete()
    rows.update(unit=keep)
    through.objects.filter(unit=keep, supervisionitem_id__in=led).delete()
    return moved, []
