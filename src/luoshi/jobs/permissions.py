"""Who sees a background job and its file.

=====================  ===========  ==========================  ======
action                 its creator  coordinator                 system
=====================  ===========  ==========================  ======
see, download          yes          the organisations it reads  all
queue again            yes          where it acts               yes
=====================  ===========  ==========================  ======

Queuing a job is checked by the domain of what it makes (``check_read_documents`` for a
旬调度 or 季讲评, ``get_bulletin_for`` for a bulletin, ``check_import_plan`` for an import),
and checked again when the job runs, with the creator's rights of that moment.
"""

from django.core.exceptions import PermissionDenied
from django.http import Http404

from luoshi.accounts.choices import Role
from luoshi.accounts.permissions import Actor, scoped

from .models import Job


def visible_jobs(actor: Actor):
    """The jobs the actor may follow: its own (in the organisations it reads), and for a
    coordinator every job of those organisations."""
    jobs = scoped(Job.objects.select_related("created_by", "organisation"), actor)
    if actor.is_system or actor.role == Role.COORDINATOR:
        return jobs
    if actor.user is None or not getattr(actor.user, "is_authenticated", False) or not actor.role:
        return jobs.none()
    return jobs.filter(created_by=actor.user)


def get_job_for(actor: Actor, pk) -> Job:
    """One job: 404 when missing or not the actor's to see."""
    job = visible_jobs(actor).filter(pk=pk).first()
    if job is None:
        raise Http404("找不到该后台任务")
    return job


def can_requeue(actor: Actor, job: Job) -> bool:
    """Queue a failed or timed-out job again: its creator, or a coordinator where it acts."""
    if actor.is_system:
        return True
    if actor.user is not None and job.created_by_id == actor.user.pk:
        return True
    return actor.role == Role.COORDINATOR and actor.acts_in(job.organisation_id)


def check_requeue(actor: Actor, job: Job) -> None:
    if not can_requeue(actor, job):
        raise PermissionDenied("只有提交人或本组织的综合协调组办公室可以重新排队")


def pruned_job_for(actor: Actor, pk) -> int | None:
    """A job pruned after its days (``services.prune_jobs``) that the actor could see:
    the days it was kept, read from the prune's audit row; None otherwise (its page is
    then a 404 like any job that never was the actor's)."""
    from luoshi.audit.models import AuditLog

    from .services import PRUNE_OPERATION

    row = (
        AuditLog.objects.filter(
            object_type=Job._meta.label_lower, object_id=str(pk), operation=PRUNE_OPERATION
        )
        .only("changes", "summary")
        .first()
    )
    if row is None:
        return None
    organisation = (row.changes.get("organisation") or [None])[0]
    creator = (row.changes.get("created_by") or [None])[0]
    if not actor.is_system:
        if not actor.sees(organisation):
            return None
        mine = actor.user is not None and creator is not None and creator == actor.user.pk
        if not mine and actor.role != Role.COORDINATOR:
            return None
    return int(row.summary.get("days") or 0) or None
