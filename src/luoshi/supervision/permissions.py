"""Who may see and do what with a supervision item.

The matrix (role × action), before the rules on units below it:

=============  ======  ======  ========  =====  ======  ========  ==========
action         coord.  office  reporter  head   leader  verifier  system/CLI
=============  ======  ======  ========  =====  ======  ========  ==========
create 交办     yes     own¹    –         –      –       yes       yes
instruct 批示   yes     –       –         –      yes     –         –
accept 签收     –       –       lead²     lead²  –       –         –
feedback 反馈   –       –       lead²     lead²  –       –         –
check 核查      yes³    own¹³   –         –      –       yes³      –
close 销号      yes³    own¹³   –         –      –       yes³      –
return 退回     yes³    own¹³   –         –      –       yes³      –
escalate 升级   yes     –       –         –      –       –         yes
=============  ======  ======  ========  =====  ======  ========  ==========

1. A task-force office only for items of a campaign it runs (工作专班办公室设在本单位).
2. Only the item's lead unit (牵头单位) handles it; cooperating units read it.
3. Never the unit that did the work: nobody whose unit is the item's lead or a cooperating
   unit may check, close or return it, whatever the role (“自己不能给自己销号”).

Seeing: coordinator, leader, verifier and the system see every item; an office sees the
items of its campaigns and those its unit handles; a reporter or head those its unit
leads or cooperates on; anyone else nothing. Every reader only within its organisation
and those below it (an item belongs to its lead unit's organisation); every action only
where the actor acts (``Actor.acts_in``: below its own organisation with
``manages_below`` alone).
"""

from django.core.exceptions import PermissionDenied
from django.db.models import Q, QuerySet
from django.http import Http404

from luoshi.accounts.choices import Role
from luoshi.accounts.permissions import BELOW_READ_ONLY, Actor, scoped

from .choices import TRANSITIONS, Action
from .models import SupervisionItem

SYSTEM_ROLE = "system"

MATRIX: dict[str, set[str]] = {
    Action.CREATE: {Role.COORDINATOR, Role.OFFICE, Role.VERIFIER, SYSTEM_ROLE},
    "instruct": {Role.COORDINATOR, Role.LEADER},
    Action.ACCEPT: {Role.REPORTER, Role.HEAD},
    Action.FEEDBACK: {Role.REPORTER, Role.HEAD},
    Action.CHECK: {Role.COORDINATOR, Role.OFFICE, Role.VERIFIER},
    Action.CLOSE: {Role.COORDINATOR, Role.OFFICE, Role.VERIFIER},
    Action.RETURN: {Role.COORDINATOR, Role.OFFICE, Role.VERIFIER},
    Action.ESCALATE: {Role.COORDINATOR, SYSTEM_ROLE},
}

HANDLING_ACTIONS = (Action.ACCEPT, Action.FEEDBACK)
VERIFYING_ACTIONS = (Action.CHECK, Action.CLOSE, Action.RETURN)

ACTION_VERBS = {
    Action.CREATE: "交办督办事项",
    "instruct": "作出批示",
    Action.ACCEPT: "签收办理",
    Action.FEEDBACK: "反馈办理情况",
    Action.CHECK: "核查",
    Action.CLOSE: "销号",
    Action.RETURN: "退回重办",
    Action.ESCALATE: "升级督办",
}


def role_of(actor: Actor) -> str | None:
    return SYSTEM_ROLE if actor.is_system else actor.role


def item_unit_ids(item: SupervisionItem) -> set[int]:
    """The lead unit and the cooperating units of an item."""
    cached = getattr(item, "_unit_ids", None)
    if cached is None:
        cached = {item.lead_unit_id, *item.cooperating_units.values_list("pk", flat=True)}
        item._unit_ids = cached
    return cached


def refusal(actor: Actor, action: str, item: SupervisionItem | None = None, *, part_id=None) -> str | None:
    """Why ``actor`` may not take ``action`` on ``item`` (None: it may). State aside."""
    role = role_of(actor)
    verb = ACTION_VERBS[action]
    if role not in MATRIX[action]:
        label = "系统" if role == SYSTEM_ROLE else (Role(role).label if role else "未分配角色的用户")
        return f"{label}不能{verb}"
    campaign = part_id if item is None else item.part_id
    if (
        role == Role.OFFICE
        and action in (Action.CREATE, *VERIFYING_ACTIONS)
        and (campaign is None or campaign not in actor.office_part_ids())
    ):
        return f"工作专班办公室只能{verb}本专班攻坚的督办事项"
    org_id = _org_of(item, campaign)
    if org_id is not None and not actor.acts_in(org_id):
        return BELOW_READ_ONLY
    if item is None:
        return None
    if action in HANDLING_ACTIONS and actor.unit_id != item.lead_unit_id:
        return f"只有牵头单位（{item.lead_unit.name}）可以{verb}"
    if action in VERIFYING_ACTIONS and actor.unit_id and actor.unit_id in item_unit_ids(item):
        return f"承办单位不能{verb}本单位承办的督办事项：须由其他单位的核查人员核查销号"
    return None


def _org_of(item: SupervisionItem | None, part_id) -> int | None:
    """The organisation an item (its lead unit's), or a new item of a campaign, is in."""
    if item is not None:
        return item.lead_unit.organisation_id
    if part_id is None:
        return None
    from luoshi.plans.models import Part

    return Part.objects.filter(pk=part_id).values_list("plan__organisation_id", flat=True).first()


def can(actor: Actor, action: str, item: SupervisionItem | None = None, *, part_id=None) -> bool:
    return refusal(actor, action, item, part_id=part_id) is None


def check(actor: Actor, action: str, item: SupervisionItem | None = None, *, part_id=None) -> None:
    """Raise PermissionDenied with the Chinese reason when ``actor`` may not act."""
    reason = refusal(actor, action, item, part_id=part_id)
    if reason:
        raise PermissionDenied(reason)


def allowed_actions(actor: Actor, item: SupervisionItem) -> list[str]:
    """The transitions ``actor`` may take on ``item`` in its current state (for buttons)."""
    return [
        action
        for action, (source, _target) in TRANSITIONS.items()
        if item.state == source and can(actor, action, item)
    ]


def can_close_item(actor: Actor, item: SupervisionItem) -> bool:
    """销号: an item under check, by a verifying role of another unit than the one(s) that
    did the work."""
    return Action.CLOSE in allowed_actions(actor, item)


def may_act(actor: Actor, item: SupervisionItem) -> bool:
    """Whether ``actor`` has any part in running the item (whatever its state)."""
    return any(can(actor, action, item) for action in TRANSITIONS)


def visible_items(actor: Actor) -> QuerySet[SupervisionItem]:
    """Every item ``actor`` may read."""
    items = scoped(
        SupervisionItem.objects.select_related("lead_unit", "part", "task__section"),
        actor,
        "lead_unit__organisation",
    )
    if actor.reads_all:
        return items
    if actor.role not in (Role.OFFICE, Role.REPORTER, Role.HEAD) or not actor.unit_id:
        return items.none()
    mine = Q(lead_unit_id=actor.unit_id) | Q(cooperating_units__pk=actor.unit_id)
    if actor.role == Role.OFFICE:
        mine |= Q(part_id__in=actor.office_part_ids())
    ids = SupervisionItem.objects.filter(mine).values("pk")
    return items.filter(pk__in=ids)


def get_item_for(actor: Actor, pk, *, write: bool = False) -> SupervisionItem:
    """The item, if ``actor`` may see it (404 otherwise, missing or not, alike); with
    ``write``, PermissionDenied (403) when ``actor`` may only read it."""
    try:
        item = visible_items(actor).get(pk=pk)
    except (SupervisionItem.DoesNotExist, ValueError, TypeError):
        raise Http404("没有这个督办事项") from None
    if write and not may_act(actor, item):
        raise PermissionDenied("您对该督办事项只有查看权限")
    return item
