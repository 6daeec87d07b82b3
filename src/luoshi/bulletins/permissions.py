"""Who may do what with bulletins (通报) and the plan-wide documents (旬调度, 季讲评).

==================  ======  =======  ======  =============  ========  ======
action              coord.  office   leader  reporter/head  verifier  system
==================  ======  =======  ======  =============  ========  ======
read bulletins      all     own¹     all     –              –         all
draft, edit, issue  all     own¹     –       –              –         yes
旬调度, 季讲评        all     own¹²    all     –              –         yes
讲评 weights         yes     –        –       –              –         yes
通报 setup           yes     –        –       –              –         yes
==================  ======  =======  ======  =============  ========  ======

1. The bulletins of the campaigns it runs (工作专班办公室设在本单位); plan-wide ones
   are the coordinator's (综合协调组办公室).
2. The dispatch sheet of its own campaign; the quarterly review is plan-wide.
"""

from django.core.exceptions import PermissionDenied
from django.http import Http404

from luoshi.accounts.choices import Role
from luoshi.accounts.permissions import Actor, actor_for
from luoshi.plans.models import Part

from .models import Bulletin

# the roles that read every bulletin and plan-wide document
READ_ALL = (Role.COORDINATOR, Role.LEADER)


def _actor(user_or_actor) -> Actor:
    return user_or_actor if isinstance(user_or_actor, Actor) else actor_for(user_or_actor)


def reads_all_bulletins(actor: Actor) -> bool:
    return actor.is_system or actor.role in READ_ALL


def can_read_bulletins(actor: Actor) -> bool:
    """The 通报 page: the coordinator, leaders and task-force offices."""
    return reads_all_bulletins(actor) or actor.role == Role.OFFICE


def can_write(actor: Actor, campaign: Part | None) -> bool:
    """Draft, edit and issue a bulletin of the plan (campaign None) or of a campaign."""
    if actor.is_system or actor.role == Role.COORDINATOR:
        return True
    return actor.role == Role.OFFICE and campaign is not None and campaign.pk in actor.office_part_ids()


def can_draft(actor: Actor) -> bool:
    """Draft bulletins at all (of the plan or of some campaign)."""
    return actor.is_system or actor.role in (Role.COORDINATOR, Role.OFFICE)


def can_issue(actor: Actor, bulletin: Bulletin) -> bool:
    """Edit and issue a draft (印发); an issued bulletin never changes."""
    return not bulletin.is_issued and can_write(actor, bulletin.campaign)


def can_set_weights(actor: Actor) -> bool:
    """Set the quarterly review's weights: the coordinator."""
    return actor.is_system or actor.role == Role.COORDINATOR


def check_write(actor: Actor, campaign: Part | None) -> None:
    if not can_write(actor, campaign):
        if actor.role == Role.OFFICE:
            raise PermissionDenied("工作专班办公室只能起草和印发本攻坚的通报")
        raise PermissionDenied("只有综合协调组办公室或工作专班办公室可以起草和印发通报")


def check_set_weights(actor: Actor) -> None:
    if not can_set_weights(actor):
        raise PermissionDenied("只有综合协调组办公室可以设置讲评权重")


def can_set_setup(actor: Actor) -> bool:
    """Set whom the plan's bulletins go to and the rules of 表扬 and 通报批评: the coordinator."""
    return actor.is_system or actor.role == Role.COORDINATOR


def check_set_setup(actor: Actor) -> None:
    if not can_set_setup(actor):
        raise PermissionDenied("只有综合协调组办公室可以设置通报的主送、抄送和表扬批评规则")


def check_read_documents(actor: Actor, campaign: Part | None) -> None:
    """The dispatch sheet and the review of the plan (campaign None) or of a campaign:
    whoever reads every bulletin, else whoever may write that campaign's bulletins."""
    if not reads_all_bulletins(actor):
        check_write(actor, campaign)


def visible_bulletins(user_or_actor):
    """Every bulletin the user may read."""
    actor = _actor(user_or_actor)
    bulletins = Bulletin.objects.select_related("plan", "campaign")
    if reads_all_bulletins(actor):
        return bulletins.all()
    if actor.role == Role.OFFICE:
        return bulletins.filter(campaign_id__in=actor.office_part_ids())
    return bulletins.none()


def get_bulletin_for(user_or_actor, pk, *, write: bool = False) -> Bulletin:
    """One bulletin: 404 when missing or not visible, 403 when only readable and ``write``."""
    actor = _actor(user_or_actor)
    bulletin = visible_bulletins(actor).filter(pk=pk).first()
    if bulletin is None:
        raise Http404("找不到该通报")
    if write:
        check_write(actor, bulletin.campaign)
    return bulletin
