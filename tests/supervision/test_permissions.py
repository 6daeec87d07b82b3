"""Every step of the loop for every role, allowed and forbidden, from every state; who
sees which item; the other actions of the matrix."""

import pytest
from django.core.exceptions import PermissionDenied
from django.http import Http404

from luoshi.supervision import permissions
from luoshi.supervision.choices import TRANSITIONS, Action, ItemState
from luoshi.supervision.models import ItemTransition
from luoshi.supervision.services import SupervisionError, take_step

from .conftest import EVIDENCE

ROLES = [
    "reporter_a",
    "head_a",
    "reporter_b",
    "head_b",
    "office",
    "coordinator",
    "leader",
    "verifier",
    "verifier_b",
    "system",
]

# Written out by hand, not derived from permissions.MATRIX. The item is led by 县发改局
# (reporter_b, head_b, verifier_b) in 附件1, whose task-force office is 县工信局 (office).
ALLOWED = {
    Action.ACCEPT: {"reporter_b", "head_b"},
    Action.FEEDBACK: {"reporter_b", "head_b"},
    Action.CHECK: {"coordinator", "office", "verifier"},
    Action.CLOSE: {"coordinator", "office", "verifier"},
    Action.RETURN: {"coordinator", "office", "verifier"},
}


@pytest.mark.parametrize("role", ROLES)
def test_every_transition_for_role_from_every_state(role, actors, make_item):
    actor = actors[role]
    wrong = []
    for state in ItemState:
        for action, (source, target) in TRANSITIONS.items():
            item = make_item(state)
            before = ItemTransition.objects.filter(item=item).count()
            expected = state == source and role in ALLOWED[action]
            try:
                item = take_step(actor, item, action, "说明", [EVIDENCE])
                done = True
            except (PermissionDenied, SupervisionError):
                done = False
            item.refresh_from_db()
            after = ItemTransition.objects.filter(item=item).count()
            if done != expected:
                wrong.append(f"{role} {action} from {state}: {'allowed' if done else 'refused'}")
            elif done and (item.state != target or after != before + 1):
                wrong.append(f"{role} {action} from {state}: state {item.state}, rows {before}→{after}")
            elif not done and (item.state != state or after != before):
                wrong.append(f"{role} {action} from {state}: refused but wrote something")
    assert wrong == []


def test_refused_step_says_why_in_chinese(actors, make_item):
    item = make_item(ItemState.VERIFYING)
    with pytest.raises(PermissionDenied, match="承办单位不能销号"):
        take_step(actors["verifier_b"], item, Action.CLOSE)
    with pytest.raises(SupervisionError, match="该事项交办，不能销号"):
        take_step(actors["verifier"], make_item(), Action.CLOSE)


def test_verifier_of_a_cooperating_unit_cannot_close(actors, make_item):
    from luoshi.plans.models import Unit

    item = make_item(ItemState.FED_BACK, cooperating_units=[Unit.objects.get(name="县督查室")])
    with pytest.raises(PermissionDenied, match="承办单位不能核查"):
        take_step(actors["verifier"], item, Action.CHECK)
    item = take_step(actors["coordinator"], item, Action.CHECK)
    with pytest.raises(PermissionDenied, match="承办单位不能销号"):
        take_step(actors["verifier"], item, Action.CLOSE)
    assert take_step(actors["coordinator"], item, Action.CLOSE).state == ItemState.CLOSED


def test_office_verifies_only_items_of_its_own_campaign(actors, make_item, plan):
    from luoshi.plans.models import Part

    main_text = Part.objects.get(plan=plan, key="正文")
    item = make_item(ItemState.VERIFYING, task=None, part=main_text)
    with pytest.raises(PermissionDenied, match="本专班攻坚"):
        take_step(actors["office"], item, Action.CLOSE)


OTHER_ACTIONS = {
    Action.CREATE: {"coordinator", "verifier", "verifier_b", "system", "office"},
    "instruct": {"coordinator", "leader"},
    Action.ESCALATE: {"coordinator", "system"},
}


@pytest.mark.parametrize("action", list(OTHER_ACTIONS))
def test_create_instruct_escalate_by_role(action, actors, task_b):
    allowed = {role for role in ROLES if permissions.can(actors[role], action, None, part_id=task_b.part_id)}
    assert allowed == OTHER_ACTIONS[action]


VISIBLE = {
    "reporter_a": False,
    "head_a": False,
    "reporter_b": True,
    "head_b": True,
    "office": True,
    "coordinator": True,
    "leader": True,
    "verifier": True,
    "verifier_b": True,
    "system": True,
}
WRITABLE = {"reporter_b", "head_b", "office", "coordinator", "verifier"}


@pytest.mark.parametrize("role", ROLES)
def test_who_sees_and_who_may_act(role, actors, make_item):
    item = make_item()
    actor = actors[role]
    assert permissions.visible_items(actor).filter(pk=item.pk).exists() is VISIBLE[role]
    if not VISIBLE[role]:
        with pytest.raises(Http404):
            permissions.get_item_for(actor, item.pk)
        return
    assert permissions.get_item_for(actor, item.pk) == item
    if role in WRITABLE:
        assert permissions.get_item_for(actor, item.pk, write=True) == item
    elif role != "system":
        with pytest.raises(PermissionDenied):
            permissions.get_item_for(actor, item.pk, write=True)


def test_cooperating_unit_reads_but_cannot_act(actors, make_item, plan):
    from luoshi.plans.models import Unit

    item = make_item(cooperating_units=[Unit.objects.get(name="县工信局")])
    assert permissions.get_item_for(actors["reporter_a"], item.pk) == item
    with pytest.raises(PermissionDenied):
        permissions.get_item_for(actors["reporter_a"], item.pk, write=True)


def test_missing_item_is_404(actors):
    with pytest.raises(Http404):
        permissions.get_item_for(actors["coordinator"], 999999)


def test_allowed_actions_lists_buttons(actors, make_item):
    item = make_item(ItemState.VERIFYING)
    assert permissions.allowed_actions(actors["verifier"], item) == [Action.CLOSE, Action.RETURN]
    assert permissions.allowed_actions(actors["reporter_b"], item) == []
