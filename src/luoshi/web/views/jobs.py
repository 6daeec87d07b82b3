"""后台生成: the page of one job (正在生成…… turning into the download, or the error),
its file, the list of the user's jobs, and queuing a failed or timed-out job again."""

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import FileResponse, Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from luoshi.audit.services import note

from .common import actor_of, attachment_headers, render_page

GONE = 410


def _context(actor, job) -> dict:
    from luoshi.jobs.permissions import can_requeue

    now = timezone.now()
    return {
        "job": job,
        "state": job.display_state(now),
        "timed_out": job.timed_out(now),
        "polling": job.polling(now),
        "waiting_long": job.waiting_long(now),
        "can_requeue": job.requeueable(now) and can_requeue(actor, job),
        "file_gone": job.done and bool(job.file) and not job.file_kept(),
        "keep_days": settings.LUOSHI_JOB_KEEP_DAYS,
    }


def _pruned(request, actor, pk: int):
    """The page of a job pruned after its days (410), or a 404 like any other job that
    is not the actor's."""
    from luoshi.jobs.permissions import pruned_job_for

    days = pruned_job_for(actor, pk)
    if days is None:
        raise Http404("找不到该后台任务")
    return _gone(request, pk, days)


def _gone(request, pk: int, days: int):
    return render(request, "web/job_pruned.html", {"pk": pk, "days": days}, status=GONE)


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
    try:
        job = get_job_for(actor, pk)
    except Http404:
        return _pruned(request, actor, pk)
    return render_page(request, "web/job.html", _context(actor, job), partial="web/partials/job_state.html")


@login_required
def job_file(request, pk: int):
    """The job's file, streamed from the storage (not read into memory)."""
    from luoshi.jobs.permissions import get_job_for

    actor = actor_of(request)
    try:
        job = get_job_for(actor, pk)
    except Http404:
        return _pruned(request, actor, pk)
    if not job.done or not job.file:
        raise Http404("该任务还没有生成文件")
    try:
        handle = job.file.open("rb")
    except FileNotFoundError:  # removed from the storage by other means than the prune
        return _gone(request, job.pk, settings.LUOSHI_JOB_KEEP_DAYS)
    note(request, "download_job_file", job, file=job.file_name)
    response = FileResponse(handle)
    for name, value in attachment_headers(job.file_name).items():
        response[name] = value
    return response


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
