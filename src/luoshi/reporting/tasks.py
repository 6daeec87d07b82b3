"""Reporting's background jobs (Django tasks, run by ``luoshi worker``; see core/jobs.py)."""

from django_tasks import task

from luoshi.core import jobs


@task(queue_name="reminders")
def deliver_notice(reminder_id: int) -> str:
    """Send the channels of one notice that are due (``notify.deliver``); its state."""
    from .notify import deliver

    return str(deliver(reminder_id, worker=jobs.worker_id()).state)
