"""Who may see which task and campaign, import plans and export the three lists.

=================  ======  ======  =============  ======  ========  ======
action             coord.  office  reporter/head  leader  verifier  system
=================  ======  ======  =============  ======  ========  ======
see tasks          all     own¹    own unit²      all     all       all
import a plan      yes     –       –              –       –         yes
manage units³      yes     –       –              –       –         yes
export 三张清单     yes     yes     –              yes     yes       yes
=================  ======  ======  =============  ======  ========  ======

1. The tasks of the campaigns it runs (工作专班办公室设在本单位) and its own unit's.
2. The tasks its unit leads or cooperates on.
3. Add a unit to the registry, rename it, give it another spelling (alias), merge two.
   Everyone signed in with a role reads the registry.

Every reader is held to its organisation and those below it (``scoped``): a district's
users see nothing of a sibling district, a city's read its districts; writes below the
actor's own organisation need ``manages_below`` (``check_acts_in``).

Anyone else (no role, anonymous) sees nothing. The accessors, as in the house style:
``visible_tasks(actor)`` scopes every queryset, ``get_task_for(actor, pk)`` fetches one
(404 alike for a missing task and one the actor may not see).
"""

from django.core.exceptions import PermissionDenied
from django.db.models import Q, QuerySet
from django.http import Http404

from luoshi.accounts.choices import Role
from luoshi.accounts.permissions import Actor, check_acts_in, scoped

from .choices import LinkKind
from .models import Organisation, Part, PendingImport, Plan, Task, TaskLink, TaskUnit, Unit


def visible_orgs(actor: Actor) -> QuerySet[Organisation]:
    """The organisations the actor reads: its own and those below it."""
    return scoped(Organisation.objects.all(), actor, "pk")


def visible_plans(actor: Actor) -> QuerySet[Plan]:
    """Plans (every version) of the organisations the actor reads; none without a role."""
    if not (actor.is_system or actor.role):
        return Plan.objects.none()
    return scoped(Plan.objects.all(), actor)


def get_plan_for(actor: Actor, pk) -> Plan:
    plan = visible_plans(actor).filter(pk=pk).first() if str(pk).isdigit() else None
    if plan is None:
        raise Http404("没有这个方案，或无权查看")
    return plan


def visible_units(actor: Actor) -> QuerySet[Unit]:
    """The registry units of the organisations the actor reads."""
    return scoped(Unit.objects.all(), actor)


def get_unit_for(actor: Actor, pk) -> Unit:
    unit = visible_units(actor).filter(pk=pk).first()
    if unit is None:
        raise Http404("没有这个单位，或无权查看")
    return unit


def visible_tasks(actor: Actor) -> QuerySet[Task]:
    """Tasks the actor may see (of every plan version)."""
    tasks = scoped(Task.objects.all(), actor, "plan__organisation")
    if actor.reads_all:
        return tasks
    if actor.role == Role.OFFICE and actor.unit_id:
        parts = actor.office_part_ids()
        own = TaskUnit.objects.filter(unit_id=actor.unit_id).values("task_id")
        return tasks.filter(Q(part_id__in=parts) | Q(pk__in=own))
    if actor.in_unit:
        return tasks.filter(pk__in=TaskUnit.objects.filter(unit_id=actor.unit_id).values("task_id"))
    return tasks.none()


def visible_parts(actor: Actor, plan: Plan) -> QuerySet[Part]:
    """Campaigns of a plan with at least one task the actor may see (all for readers of all)."""
    parts = Part.objects.filter(plan=plan)
    if not actor.sees(plan.organisation_id):
        return parts.none()
    if actor.reads_all:
        return parts
    return parts.filter(pk__in=visible_tasks(actor).filter(plan=plan).values("part_id"))


def visible_task_ids(actor: Actor, plan: Plan) -> set[int] | None:
    """The ids of the plan's tasks the actor may see; None when it sees them all (the
    board and the API filter their figures by this)."""
    if actor.reads_all and actor.sees(plan.organisation_id):
        return None
    return set(visible_tasks(actor).filter(plan=plan).values_list("pk", flat=True))


def run_task_ids(actor: Actor, plan: Plan) -> set[int] | None:
    """The ids of the plan's tasks the actor runs, for its 工作台's progress (本专班进展):
    a task-force office's campaigns' tasks, not those its own unit merely reports on
    beside them; anyone else what it may see (None: all)."""
    if actor.role == Role.OFFICE and not actor.reads_all:
        parts = actor.office_part_ids()
        return set(Task.objects.filter(plan=plan, part_id__in=parts).values_list("pk", flat=True))
    return visible_task_ids(actor, plan)


def get_task_for(actor: Actor, pk) -> Task:
    task = visible_tasks(actor).select_related("plan", "part", "section").filter(pk=pk).first()
    if task is None:
        raise Http404("没有这项任务，或无权查看")
    return task


def can_import_plan(actor: Actor) -> bool:
    """Import a plan document (a new plan or a new version): the coordinator, the system."""
    return actor.is_system or actor.role == Role.COORDINATOR


def check_import_plan(actor: Actor, org_id: int | None = None) -> None:
    """The actor may import, into ``org_id`` (default its own organisation)."""
    if not can_import_plan(actor):
        raise PermissionDenied("只有综合协调组办公室可以导入方案")
    if org_id is not None:
        check_acts_in(actor, org_id)


def can_export_lists(actor: Actor) -> bool:
    """Export the three lists (目标、任务、责任清单) of a whole plan: whoever reads every
    task, and the task-force offices."""
    return actor.reads_all or actor.role == Role.OFFICE


def check_export_lists(actor: Actor, plan: Plan | None = None) -> None:
    """403 for whoever may not export the three lists; 404 for a plan of an organisation
    the actor does not see."""
    if not can_export_lists(actor):
        raise PermissionDenied("三张清单导出供综合协调组、专班办公室和领导使用")
    if plan is not None and not actor.sees(plan.organisation_id):
        raise Http404("没有这个方案，或无权查看")


def can_see_units(actor: Actor) -> bool:
    """Read the unit registry: anyone with a role in the work (the task list offers every
    unit's name as a filter), the system."""
    return actor.is_system or actor.role is not None


def can_manage_units(actor: Actor) -> bool:
    """Keep the unit registry (add, rename, aliases, merge): the coordinator, the system."""
    return actor.is_system or actor.role == Role.COORDINATOR


def check_manage_units(actor: Actor, org_id: int | None = None) -> None:
    """The actor keeps the registry, of ``org_id`` when given (its own organisation, or
    one below it with ``manages_below``)."""
    if not can_manage_units(actor):
        raise PermissionDenied("只有综合协调组办公室可以维护单位名录")
    if org_id is not None:
        check_acts_in(actor, org_id)


# ---------------------------------------------------------------- breakdown (层层分解)


def can_break_down(actor: Actor, plan: Plan) -> bool:
    """Break a plan down to the organisations below: the coordinator of the plan's
    organisation, the system (the import that runs it, the command line)."""
    if actor.is_system:
        return True
    return actor.role == Role.COORDINATOR and actor.acts_in(plan.organisation_id)


def check_break_down(actor: Actor, plan: Plan) -> None:
    if not can_break_down(actor, plan):
        raise PermissionDenied("只有本级综合协调组办公室可以分解方案任务")


def can_assign_units(actor: Actor, task: Task) -> bool:
    """Assign its own units to a task broken down to it: the coordinator of the task's
    organisation (the city reads it, read-only), the system."""
    if actor.is_system:
        return True
    plan = task.plan
    return (
        actor.role == Role.COORDINATOR
        and actor.org_id == plan.organisation_id
        and TaskLink.objects.filter(lower=task, kind=LinkKind.BREAKDOWN).exists()
    )


def check_assign_units(actor: Actor, task: Task) -> None:
    if not can_assign_units(actor, task):
        raise PermissionDenied("只有本级综合协调组办公室可以为上级分解的任务分配责任单位")


# ------------------------------------------------------------------ alignment (对标)


def can_see_alignment(actor: Actor, plan: Plan) -> bool:
    """Open a plan's 对标 page (its tasks beside the upper plan's): whoever reads every task,
    and the task-force offices, in an organisation they see (the plan's or one above it)."""
    if actor.is_system:
        return True
    if not (actor.reads_all or actor.role == Role.OFFICE):
        return False
    return actor.sees_org(plan.organisation.path)


def can_suggest_alignment(actor: Actor, plan: Plan) -> bool:
    """Ask the matcher for a plan's 对标 suggestions: the plan organisation's coordinator
    (an upper one's only where it manages those below), the system (``luoshi align``)."""
    if actor.is_system:
        return True
    return actor.role == Role.COORDINATOR and actor.acts_in(plan.organisation_id)


def can_align(actor: Actor, task: Task) -> bool:
    """Confirm, correct or reject the 对标 of a lower plan's task: the coordinator of the
    task's organisation, and the task-force office for the tasks of the campaigns it runs
    (an upper organisation's only where it manages those below), the system."""
    if actor.is_system:
        return True
    if not actor.acts_in(task.plan.organisation_id):  # (the organisation's path only when needed)
        return False
    if actor.role == Role.COORDINATOR:
        return True
    return actor.role == Role.OFFICE and task.part_id in actor.office_part_ids()


def check_suggest_alignment(actor: Actor, plan: Plan) -> None:
    if not can_suggest_alignment(actor, plan):
        raise PermissionDenied("只有本组织的综合协调组可以生成对标建议")


def check_align(actor: Actor, task: Task) -> None:
    if not can_align(actor, task):
        raise PermissionDenied("只有本组织的综合协调组或该攻坚的专班办公室可以确认对标")


def visible_imports(actor: Actor) -> QuerySet[PendingImport]:
    """Pending imports of the organisations the actor reads (the importers' pages)."""
    return scoped(PendingImport.objects.all(), actor)


def get_import_for(actor: Actor, pk, **filters) -> PendingImport:
    pending = visible_imports(actor).filter(pk=pk, **filters).first()
    if pending is None:
        raise Http404("没有这次导入，或无权查看")
    return pending


def can_manage_below(actor: Actor) -> bool:
    """Keep organisations below one's own (create them with their first administrator,
    list, rename, move, put users in them): the system, a system administrator
    (superuser), or a coordinator granted ``manages_below``."""
    if actor.is_system or getattr(actor.user, "is_superuser", False):
        return True
    return actor.role == Role.COORDINATOR and actor.manages_below and bool(actor.org_path)


def check_manage_below(actor: Actor) -> None:
    """403 with the reason for anyone who may not keep the organisations below their own
    (the 下级组织 page and ``/api/v1/orgs``)."""
    if not can_manage_below(actor):
        raise PermissionDenied(
            "只有获授“可办理下级组织事项”的综合协调组办公室（或系统管理员）可以维护下级组织"
        )


def can_manage_orgs(actor: Actor, org: Organisation | None) -> bool:
    """Add organisations under ``org``, move it, put users in it: the system anywhere (a
    top-level one, ``org`` None, only the system); a superuser under any organisation; a
    coordinator granted ``manages_below`` in its own organisation and those below it."""
    if actor.is_system:
        return True
    if org is None or not can_manage_below(actor):
        return False
    return getattr(actor.user, "is_superuser", False) or actor.sees_org(org.path)


def managed_orgs(actor: Actor) -> QuerySet[Organisation]:
    """The organisations under which the actor may add others: every one for the system
    and a superuser; its own and those below it for a coordinator with ``manages_below``;
    none for anyone else."""
    if not can_manage_below(actor):
        return Organisation.objects.none()
    if actor.is_system or getattr(actor.user, "is_superuser", False):
        return Organisation.objects.all()
    return Organisation.objects.filter(path__startswith=actor.org_path)


def lower_orgs(actor: Actor) -> QuerySet[Organisation]:
    """The organisations the actor keeps (lists and renames): those strictly below its own
    (every one for the system and a superuser)."""
    orgs = managed_orgs(actor)
    return orgs.exclude(pk=actor.org_id) if actor.org_id else orgs


def check_manage_orgs(actor: Actor, org: Organisation | None) -> None:
    if not can_manage_orgs(actor, org):
        raise PermissionDenied(
            "只有获授“可办理下级组织事项”的综合协调组办公室（或系统管理员）可以维护本级以下的组织及其用户"
        )
