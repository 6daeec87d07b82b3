"""The jobs domain's background job (a Django task, run by ``luoshi worker`` or the runner
``luoshi serve`` starts; see core/jobs.py)."""

from django_tasks import task

from luoshi.core import jobs


@task()
def make_document(job_id: int) -> str:
    """Make the document of one ``Job`` (``services.run_job``); its state after."""
    from .services import run_job

    return run_job(job_id, worker=jobs.worker_id())
