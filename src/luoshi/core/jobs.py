"""Background jobs: Django's tasks framework (the ``django-tasks`` backport) on its
database backend (``django-tasks-db``), so the queue is a table of Luoshi's own database
and one machine needs nothing more. ``luoshi worker`` runs the queue on any number of
machines; ``run_queued`` runs what is ready in this process (``luoshi tick``, tests).

A job that must not be lost is queued in the same transaction as the rows it works on
(``enqueue``): both are committed or neither. Jobs are written to be run more than once
(a worker killed mid-job leaves its job ``RUNNING`` for ever, and the domain's own
sweep queues the work again): each claims its rows before acting on them.
"""

import os
import socket
import threading

from django.db import transaction


def worker_id(role: str = "worker") -> str:
    """A name for this process, unique across machines: host, process id and thread."""
    name = f"{role}@{socket.gethostname()}:{os.getpid()}"
    if threading.current_thread() is not threading.main_thread():
        name += f":{threading.get_ident() % 100000}"
    return name[:64]


def enqueue(task, *args, run_after=None, **kwargs) -> None:
    """Queue ``task(*args, **kwargs)``, at ``run_after`` or as soon as a worker is free.

    With the database backend the job row is written in the caller's transaction (a
    rollback takes it back with the caller's rows; a commit makes both visible at once);
    with any other backend it is handed over after the commit."""
    from django_tasks_db import DatabaseBackend

    job = task.using(run_after=run_after) if run_after is not None else task
    if isinstance(job.get_backend(), DatabaseBackend):
        job.enqueue(*args, **kwargs)
    else:
        transaction.on_commit(lambda: job.enqueue(*args, **kwargs))


def run_queued(queues: tuple[str, ...] = ("*",), *, stop: threading.Event | None = None) -> int:
    """Run the jobs ready now on ``queues`` here, one after another, until none is left
    (or ``stop`` is set between two jobs); return how many ran. The same claim and run as
    ``db_worker`` (its ``Worker.run_task``), without closing this thread's connection."""
    from django_tasks_db.management.commands.db_worker import Worker
    from django_tasks_db.models import DBTaskResult
    from django_tasks_db.utils import exclusive_transaction

    name = worker_id("run")
    runner = Worker(
        queue_names=list(queues),
        interval=0,
        batch=True,
        backend_name="default",
        startup_delay=False,
        max_tasks=None,
        worker_id=name,
        excluded_queue_names=[],
    )
    ran = 0
    while stop is None or not stop.is_set():
        ready = DBTaskResult.objects.ready().filter(backend_name="default")
        if "*" not in queues:
            ready = ready.filter(queue_name__in=list(queues))
        with exclusive_transaction(ready.db):
            job = ready.get_locked()
            if job is not None:
                job.claim(name)
        if job is None:
            break
        runner.run_task(job)
        ran += 1
    return ran
