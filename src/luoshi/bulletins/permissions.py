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

A bulletin belongs to its plan's organisation: readers see their organisation's and those
below it; writes (draft, issue, weights, setup) hold where the actor acts (below its own
organisation only with ``manages_below``).
"""

from django.core.exceptions import PermissionDenied
from django.http import Http404

from luoshi.accounts.choices import Role
from luoshi.accounts.permissions import BELOW_READ_ONLY, Actor, actor_for, scoped
from luoshi.plans.models import Part, Plan

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


def _org_of(campaign: Part | None, plan: Plan | None) -> int | None:
    if plan is not None:
        return plan.organisation_id
    if campaign is not None:
        return Plan.objects.filter(pk=campaign.plan_id).values_list("organisation_id", flat=True).first()
    return None


def acts_on(actor: Actor, campaign: Part | None = None, plan: Plan | None = None) -> bool:
    """The actor acts in the organisation of the plan (or the campaign's plan); true when
    neither is named."""
    org_id = _org_of(campaign, plan)
    return org_id is None or actor.acts_in(org_id)


def can_write(actor: Actor, campaign: Part | None, plan: Plan | None = None) -> bool:
    """Draft, edit and issue a bulletin of the plan (campaign None) or of a campaign,
    where the actor acts (the plan's or the campaign's organisation)."""
    if actor.is_system:
        return True
    if actor.role == Role.COORDINATOR:
        return acts_on(actor, campaign, plan)
    return actor.role == Role.OFFICE and campaign is not None and campaign.pk in actor.office_part_ids()


def can_draft(actor: Actor) -> bool:
    """Draft bulletins at all (of the plan or of some campaign)."""
    return actor.is_system or actor.role in (Role.COORDINATOR, Role.OFFICE)


def can_issue(actor: Actor, bulletin: Bulletin) -> bool:
    """Edit and issue a draft (印发); an issued bulletin never changes."""
    return not bulletin.is_issued and can_write(actor, bulletin.campaign, bulletin.plan)


def can_set_weights(actor: Actor) -> bool:
    """Set the quarterly review's weights: the coordinator."""
    return actor.is_system or actor.role == Role.COORDINATOR


def check_write(actor: Actor, campaign: Part | None, plan: Plan | None = None) -> None:
    if not can_write(actor, campaign, plan):
        if actor.role == Role.COORDINATOR:
            raise PermissionDenied(BELOW_READ_ONLY)
        if actor.role == Role.OFFICE:
            raise PermissionDenied("工作专班办公室只能起草和印发本攻坚的通报")
        raise PermissionDenied("只有综合协调组办公室或工作专班办公室可以起草和印发通报")


def check_set_weights(actor: Actor, plan: Plan | None = None) -> None:
    if not can_set_weights(actor):
        raise PermissionDenied("只有综合协调组办公室可以设置讲评权重")
    if not acts_on(actor, plan=plan):
        raise PermissionDenied(BELOW_READ_ONLY)


def can_set_setup(actor: Actor) -> bool:
    """Set whom the plan's bulletins go to and the rules of 表扬 and 通报批评: the coordinator."""
    return actor.is_system or actor.role == Role.COORDINATOR


def check_set_setup(actor: Actor, plan: Plan | None = None) -> None:
    if not can_set_setup(actor):
        raise PermissionDenied("只有综合协调组办公室可以设置通报的主送、抄送和表扬批评规则")
    if not acts_on(actor, plan=plan):
        raise PermissionDenied(BELOW_READ_ONLY)


def check_read_documents(actor: Actor, campaign: Part | None, plan: Plan | None = None) -> None:
    """The dispatch sheet and the review of the plan (campaign None) or of a campaign:
    whoever reads every bulletin (of the organisations it reads), else whoever may write
    that campaign's bulletins."""
    if plan is not None and not actor.sees(plan.organisation_id):
        raise Http404("没有这个方案，或无权查看")
    if not reads_all_bulletins(actor):
        check_write(actor, campaign, plan)


def visible_bulletins(user_or_actor):
    """Every bulletin the user may read."""
    actor = _actor(user_or_actor)
    bulletins = scoped(Bulletin.objects.select_related("plan", "campaign"), actor, "plan__organisation")
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
        check_write(actor, bulletin.campaign, bulletin.plan)
    return bulletin
