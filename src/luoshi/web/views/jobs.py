"""后台生成: the page of one job (正在生成…… turning into the download, or the error),
its file, the list of the user's jobs, and queuing a failed or timed-out job again."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from luoshi.audit.services import note

from .common import actor_of, attachment, render_page

# a job still waiting after this many seconds: the page says that no runner may be running
WAITING_LONG = 30


def _context(actor, job) -> dict:
    from luoshi.jobs.permissions import can_requeue

    now = timezone.now()
    timed_out = job.timed_out(now)
    return {
        "job": job,
        "state": job.display_state(now),
        "timed_out": timed_out,
        "polling": not job.finished and not timed_out,
        "waiting_long": job.state == "queued" and (now - job.created_at).total_seconds() > WAITING_LONG,
        "can_requeue": (timed_out or job.state == "failed") and can_requeue(actor, job),
    }


@login_required
def job_list(request):
    from luoshi.jobs.permissions import visible_jobs

    actor = actor_of(request)
    now = timezone.now()
    jobs = list(visible_jobs(actor)[:100])
    return render(request, "web/jobs.html", {"jobs": [(job, job.display_state(now)) for job in jobs]})


@login_required
def job_detail(request, pk: int):
    """The job page; an htmx poll gets the state block alone (every 2 s until it ends)."""
    from luoshi.jobs.permissions import get_job_for

    actor = actor_of(request)
    job = get_job_for(actor, pk)
    return render_page(request, "web/job.html", _context(actor, job), partial="web/partials/job_state.html")


@login_required
def job_file(request, pk: int):
    from luoshi.jobs.permissions import get_job_for

    job = get_job_for(actor_of(request), pk)
    if job.state != "done" or not job.file:
        raise Http404("该任务还没有生成文件")
    with job.file.open("rb") as handle:
        data = handle.read()
    note(request, "download_job_file", job, file=job.file_name)
    return attachment(data, job.file_name)


@login_required
@require_POST
def job_retry(request, pk: int):
    from luoshi.jobs.permissions import get_job_for
    from luoshi.jobs.services import JobError, requeue_job

    actor = actor_of(request)
    job = get_job_for(actor, pk)
    try:
        requeue_job(actor, job)
    except JobError as exc:
        messages.error(request, str(exc))
    return redirect("web:job", pk=pk)
