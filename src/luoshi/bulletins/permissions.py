"""Who may do what with bulletins. The coordinator (综合协调组办公室) writes and issues
plan-wide bulletins and any campaign's; a task-force office (工作专班办公室) writes and
issues its own campaign's; leaders read everything; others see none."""

from django.core.exceptions import PermissionDenied
from django.http import Http404

from luoshi.accounts.choices import Role
from luoshi.accounts.permissions import Actor, actor_for
from luoshi.plans.models import Part

from .models import Bulletin


def _actor(user_or_actor) -> Actor:
    return user_or_actor if isinstance(user_or_actor, Actor) else actor_for(user_or_actor)


def can_write(actor: Actor, campaign: Part | None) -> bool:
    """Draft, edit and issue a bulletin of the plan (campaign None) or of a campaign."""
    if actor.is_system or actor.role == Role.COORDINATOR:
        return True
    return actor.role == Role.OFFICE and campaign is not None and campaign.pk in actor.office_part_ids()


def check_write(actor: Actor, campaign: Part | None) -> None:
    if not can_write(actor, campaign):
        if actor.role == Role.OFFICE:
            raise PermissionDenied("工作专班办公室只能起草和印发本攻坚的通报")
        raise PermissionDenied("只有综合协调组办公室或工作专班办公室可以起草和印发通报")


def check_plan_reader(actor: Actor) -> None:
    """Plan-wide documents (dispatch sheets, reviews): the coordinator, leaders, offices."""
    if not (actor.sees_everything or actor.role == Role.OFFICE):
        raise PermissionDenied("无权查看调度和讲评材料")


def visible_bulletins(user_or_actor):
    """Every bulletin the user may read."""
    actor = _actor(user_or_actor)
    bulletins = Bulletin.objects.select_related("plan", "campaign")
    if actor.sees_everything:
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
