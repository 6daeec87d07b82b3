"""Who may see and change major projects.

=================  ======  ======  =============  ======  ========  ======
action             coord.  office  reporter/head  leader  verifier  system
=================  ======  ======  =============  ======  ========  ======
see                all     own¹    own unit       all     all       all
register/import    yes     –       –              –       –         yes
weekly update      yes     –       own unit       –       –         yes
reconcile 对账     yes     –       –              –       –         yes
=================  ======  ======  =============  ======  ========  ======

1. The projects of the campaigns it runs, and those of its own unit.

Reconciliation is the finance side's confirmation, entered by the coordinating office
(or a script run as the system), never by the unit whose figures it checks.

A project belongs to its owner unit's organisation: readers see their organisation's and
those below it; the coordinator manages and reconciles where it acts (below its own
organisation only with ``manages_below``).
"""

from django.core.exceptions import PermissionDenied
from django.db.models import Q, QuerySet
from django.http import Http404

from luoshi.accounts.choices import Role
from luoshi.accounts.permissions import Actor, check_acts_in, scoped

from .models import Project


def visible_projects(actor: Actor) -> QuerySet[Project]:
    projects = scoped(Project.objects.select_related("owner_unit", "part"), actor, "owner_unit__organisation")
    if actor.reads_all:
        return projects
    if actor.role == Role.OFFICE and actor.unit_id:
        return projects.filter(Q(owner_unit_id=actor.unit_id) | Q(part_id__in=actor.office_part_ids()))
    if actor.in_unit:
        return projects.filter(owner_unit_id=actor.unit_id)
    return projects.none()


def can_manage(actor: Actor, project: Project | None = None) -> bool:
    """Register and import projects, enter reconciliations (of ``project``: where the
    actor acts)."""
    if not (actor.is_system or actor.role == Role.COORDINATOR):
        return False
    return project is None or actor.acts_in(project.owner_unit.organisation_id)


def can_update(actor: Actor, project: Project) -> bool:
    """Submit a weekly update of the project's figures."""
    if can_manage(actor, project):
        return True
    return actor.in_unit and actor.unit_id == project.owner_unit_id


def check_manage(actor: Actor, org_id: int | None = None) -> None:
    """The coordinator (or the system), in ``org_id`` when given."""
    if not can_manage(actor):
        raise PermissionDenied("只有综合协调组办公室可以登记项目、导入项目台账和录入对账结果")
    if org_id is not None:
        check_acts_in(actor, org_id)


def check_update(actor: Actor, project: Project) -> None:
    if not can_update(actor, project):
        raise PermissionDenied(f"只有责任单位（{project.owner_unit.name}）可以报送该项目的每周调度")


def get_project_for(actor: Actor, pk, *, write: bool = False) -> Project:
    """The project if ``actor`` may see it (404 alike for missing and hidden); with
    ``write``, PermissionDenied when it may only read it."""
    try:
        project = visible_projects(actor).get(pk=pk)
    except (Project.DoesNotExist, ValueError, TypeError):
        raise Http404("没有这个项目") from None
    if write and not can_update(actor, project):
        raise PermissionDenied("您对该项目只有查看权限")
    return project
