"""Reporting's background jobs (Django tasks, run by ``luoshi worker``; see core/jobs.py)."""

from django_tasks import task

from luoshi.core import jobs


@task(queue_name="reminders")
def deliver_notice(reminder_id: int) -> str:
    """Send the channels of one notice that are due (``notify.deliver``); its state."""
    from .notify import deliver

    return str(deliver(reminder_id, worker=jobs.worker_id()).state)


@task()
def rebuild_standings(plan_id: int | None = None) -> int:
    """``luoshi status --rebuild --queue``: build the kept rows again from the reports (of
    one plan, or of all), on a worker; how many rows there are now."""
    from luoshi.plans.models import Plan

    from . import kept

    return kept.rebuild(Plan.objects.get(pk=plan_id) if plan_id else None)
