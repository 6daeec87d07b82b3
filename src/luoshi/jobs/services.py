"""Queue a document as a job, run it, queue it again: the writes of the jobs domain.

A queue function checks what the page would have checked (permission, the period, the
quarter, the file's size) so a request that cannot succeed is refused at once, writes the
``Job`` and queues its run in the same transaction (``core.jobs.enqueue``). ``run_job``
claims the job (``attempt`` raised by a conditional update), makes the document with the
creator's rights of that moment, and writes the outcome only while the job still carries
its attempt: a job runs to one file (``jobs/<org>/<id>/result.<ext>``, written over by a
later run) or one plan import, however many times it is run.
"""

import contextlib
import datetime as dt
import hashlib
import json
import os
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, cast

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.core.files.base import ContentFile
from django.db import transaction
from django.db.models import F, Q
from django.http import Http404
from django.utils import timezone

from luoshi.accounts.permissions import Actor, actor_for
from luoshi.audit.choices import AuditAction
from luoshi.audit.services import record, record_change
from luoshi.bulletins.lookups import BulletinError, resolve_campaign
from luoshi.bulletins.models import Bulletin
from luoshi.bulletins.permissions import check_read_documents, get_bulletin_for
from luoshi.core import jobs as queue
from luoshi.plans.models import Plan
from luoshi.reporting.periods import span_for_key

from .choices import JobKind, JobState
from .models import Job, result_path
from .permissions import check_requeue

if TYPE_CHECKING:
    from django_tasks_db.models import DBTaskResultQuerySet

FORMATS = {"xlsx": "Excel", "docx": "Word"}
QUARTER = re.compile(r"^\d{4}Q[1-4]$")
ERROR_MAX = 2000


class JobError(ValueError):
    """A job that cannot be queued or run as asked; the message is Chinese."""


def _key(kind: str, params: dict, actor: Actor) -> str:
    user = actor.user.pk if actor.user is not None else 0
    text = json.dumps([kind, params, user], ensure_ascii=False, sort_keys=True)
    return hashlib.sha256(text.encode()).hexdigest()


def _queue(actor: Actor, kind: str, organisation_id: int, title: str, params: dict) -> Job:
    """The job, or the same request's job still waiting or running (a second click on
    生成 follows the first one's job instead of making the document twice)."""
    key = _key(kind, params, actor)
    running = Job.objects.filter(key=key, state__in=(JobState.QUEUED, JobState.RUNNING)).first()
    if running is not None and not running.timed_out():
        return running
    job = Job.objects.create(
        organisation_id=organisation_id,
        created_by=actor.user,
        kind=kind,
        title=title[:300],
        params=params,
        key=key,
    )
    record_change(actor, "排队生成", job, {"title": [None, job.title]}, action=AuditAction.CREATE)
    from .tasks import make_document

    queue.enqueue(make_document, job.pk)
    return job


def _format(kind: str) -> str:
    if kind not in FORMATS:
        raise JobError("文件格式应为 Excel（xlsx）或 Word（docx）")
    return kind


@transaction.atomic
def queue_dispatch(actor: Actor, plan: Plan, period_key: str, campaign=None, kind: str = "xlsx") -> Job:
    """旬调度: the sheet (xlsx) or the one-page summary (docx) of a period, as a job."""
    kind = _format(kind)
    part = resolve_campaign(plan, campaign)
    check_read_documents(actor, part, plan)
    try:
        span = span_for_key(period_key)
    except ValueError as exc:
        raise BulletinError(str(exc), "period") from None
    what = "旬调度表" if kind == "xlsx" else "旬调度情况"
    scope = f"（{part.key}）" if part else ""
    return _queue(
        actor,
        JobKind.DISPATCH,
        plan.organisation_id,
        f"{what} {span.label}{scope}（{FORMATS[kind]}）",
        {"plan": plan.pk, "period": span.key, "campaign": part.key if part else "", "format": kind},
    )


@transaction.atomic
def queue_review(actor: Actor, plan: Plan, quarter: str, kind: str = "docx") -> Job:
    """季讲评: the Word document or the workbook of a quarter, as a job."""
    kind = _format(kind)
    check_read_documents(actor, None, plan)
    quarter = quarter.strip().upper()
    if not QUARTER.match(quarter):
        raise BulletinError(f"{quarter!r} 不是季度：请写成 2025Q2", "quarter")
    what = "季讲评" if kind == "docx" else "季讲评评分明细"
    return _queue(
        actor,
        JobKind.REVIEW,
        plan.organisation_id,
        f"{what} {quarter}（{FORMATS[kind]}）",
        {"plan": plan.pk, "quarter": quarter, "format": kind},
    )


@transaction.atomic
def queue_bulletin_file(actor: Actor, bulletin: Bulletin) -> Job:
    """A bulletin's Word file (the preview of a draft), as a job."""
    bulletin = get_bulletin_for(actor, bulletin.pk)
    return _queue(
        actor,
        JobKind.BULLETIN,
        bulletin.plan.organisation_id,
        f"{bulletin.title}（Word）",
        {"bulletin": bulletin.pk, "state": bulletin.state, "updated": bulletin.updated_at.isoformat()},
    )


@transaction.atomic
def queue_three_lists(actor: Actor, plan: Plan) -> Job:
    """The plan's 目标、任务、责任清单 as one workbook, as a job."""
    from luoshi.plans.permissions import check_export_lists

    check_export_lists(actor, plan)
    return _queue(
        actor, JobKind.THREE_LISTS, plan.organisation_id, f"{plan.title} 三张清单（Excel）", {"plan": plan.pk}
    )


@transaction.atomic
def queue_project_ledger(actor: Actor) -> Job:
    """The ledger of the projects the actor sees (项目台账, 四比四提高, 对账差异), as a job."""
    if not actor.org_id:
        raise PermissionDenied("没有所属组织的用户不能导出项目台账")
    return _queue(actor, JobKind.PROJECT_LEDGER, actor.org_id, "重大项目台账（Excel）", {})


@transaction.atomic
def queue_plan_import(actor: Actor, name: str, data: bytes, organisation: int | None = None) -> Job:
    """Parse a plan file in the background: the file is stored with the job (every
    machine reads it from the shared storage) and staged for review when the job runs."""
    from luoshi.plans.permissions import check_import_plan
    from luoshi.plans.reading import check_source_size
    from luoshi.plans.services import import_org_id

    org_id = import_org_id(actor, organisation)
    check_import_plan(actor, org_id)
    check_source_size(len(data), name)
    digest = hashlib.sha256(data).hexdigest()
    params = {"name": name, "sha256": digest, "organisation": org_id}
    job = _queue(actor, JobKind.PLAN_IMPORT, org_id, f"解析方案文件 {name}", params)
    if not job.source:
        job.source.save(name, ContentFile(data), save=False)
        job.save(update_fields=["source", "updated_at"])
    return job


@transaction.atomic
def requeue_job(actor: Actor, job: Job) -> Job:
    """Queue again a job that failed or timed out (its worker was killed); a job still
    running within its time, or done, stays as it is (``JobError``)."""
    check_requeue(actor, job)
    before = job.display_state()
    cutoff = timezone.now() - dt.timedelta(seconds=settings.LUOSHI_JOB_CLAIM_SECONDS)
    again = (
        Job.objects.filter(pk=job.pk)
        .filter(Q(state=JobState.FAILED) | Q(state=JobState.RUNNING, started_at__lt=cutoff))
        .update(
            state=JobState.QUEUED,
            error="",
            worker="",
            started_at=None,
            finished_at=None,
            updated_at=timezone.now(),
        )
    )
    if not again:
        raise JobError("该任务正在进行或已完成，无需重新排队")
    job.refresh_from_db()
    record_change(actor, "重新排队", job, {"state": [before, job.get_state_display()]})
    from .tasks import make_document

    queue.enqueue(make_document, job.pk)
    return job


# ---------------------------------------------------------------- running


def _plan(job: Job) -> Plan:
    plan = Plan.objects.filter(pk=job.params.get("plan")).first()
    if plan is None:
        raise JobError("方案已不存在")
    return plan


def _make_dispatch(actor: Actor, job: Job) -> tuple[str, bytes]:
    from luoshi.bulletins.documents import dispatch_docx, dispatch_xlsx

    p = job.params
    make = dispatch_xlsx if p["format"] == "xlsx" else dispatch_docx
    return f"旬调度表-{p['period']}.{p['format']}", make(
        actor, _plan(job), p["period"], p["campaign"] or None
    )


def _make_review(actor: Actor, job: Job) -> tuple[str, bytes]:
    from luoshi.bulletins.documents import review_docx, review_xlsx

    p = job.params
    make = review_docx if p["format"] == "docx" else review_xlsx
    return f"季讲评-{p['quarter']}.{p['format']}", make(actor, _plan(job), p["quarter"])


def _make_bulletin(actor: Actor, job: Job) -> tuple[str, bytes]:
    from luoshi.bulletins.documents import bulletin_file

    bulletin = Bulletin.objects.filter(pk=job.params.get("bulletin")).first()
    if bulletin is None:
        raise JobError("通报已不存在")
    return f"{bulletin.title}.docx", bulletin_file(actor, bulletin)


def _make_three_lists(actor: Actor, job: Job) -> tuple[str, bytes]:
    from luoshi.plans.exports import three_lists_xlsx
    from luoshi.plans.permissions import check_export_lists

    plan = _plan(job)
    check_export_lists(actor, plan)
    return f"{plan.title}-三张清单.xlsx", three_lists_xlsx(plan)


def _make_project_ledger(actor: Actor, job: Job) -> tuple[str, bytes]:
    from luoshi.core import clock
    from luoshi.projects.figures import project_ledger_name, project_ledger_xlsx

    today = clock.today()
    return project_ledger_name(today), project_ledger_xlsx(actor, today)


MAKERS: dict[str, Callable[[Actor, Job], tuple[str, bytes]]] = {
    JobKind.DISPATCH: _make_dispatch,
    JobKind.REVIEW: _make_review,
    JobKind.BULLETIN: _make_bulletin,
    JobKind.THREE_LISTS: _make_three_lists,
    JobKind.PROJECT_LEDGER: _make_project_ledger,
}


def run_job(job_id: int, worker: str | None = None) -> str:
    """Run one job if it is waiting: claim it, make its document, keep the outcome; the
    job's state after. A job done, failed, taken by another runner or gone is left alone,
    so a job run twice makes one file. An unexpected error is written on the job in
    Chinese and raised again (its traceback stays with the queue row for the admin)."""
    now = timezone.now()
    claimed = Job.objects.filter(pk=job_id, state=JobState.QUEUED).update(
        state=JobState.RUNNING,
        attempt=F("attempt") + 1,
        started_at=now,
        finished_at=None,
        worker=(worker or queue.worker_id())[:64],
        updated_at=now,
    )
    job = Job.objects.filter(pk=job_id).select_related("created_by").first()
    if job is None:
        return "missing"
    if not claimed:
        return str(job.state)
    try:
        actor = _actor_of(job)
        if job.kind == JobKind.PLAN_IMPORT:
            _stage(actor, job)
        else:
            name, data = MAKERS[job.kind](actor, job)
            _keep_file(job, name, data)
    except (ValueError, PermissionDenied, Http404) as exc:
        _fail(job, str(exc) or exc.__class__.__name__)
        return JobState.FAILED.value
    except Exception as exc:
        _fail(job, f"生成时出现系统错误（{exc.__class__.__name__}），请重新排队；如仍失败，请联系管理员")
        raise
    return JobState.DONE.value


def _actor_of(job: Job) -> Actor:
    user = job.created_by
    if user is None:
        raise JobError("提交人的账号已不存在")
    if not user.is_active:
        raise JobError("提交人的账号已停用")
    return actor_for(user)


def _mine(job: Job) -> Job | None:
    """The job locked, if this run still holds it (same attempt, still running)."""
    current = Job.objects.select_for_update().filter(pk=job.pk).first()
    if current is None or current.state != JobState.RUNNING or current.attempt != job.attempt:
        return None
    return current


def _keep_file(job: Job, name: str, data: bytes) -> None:
    with transaction.atomic():
        current = _mine(job)
        if current is None:
            return
        path = result_path(current, name)
        storage = current.file.storage
        if storage.exists(path):  # left by a run that died before it could finish
            storage.delete(path)
        current.file.save(name, ContentFile(data), save=False)
        current.file_name = name[:300]
        current.sha256 = hashlib.sha256(data).hexdigest()
        current.state, current.finished_at, current.error = JobState.DONE, timezone.now(), ""
        current.save()


def _stage(actor: Actor, job: Job) -> None:
    from luoshi.plans.imports import stage_import
    from luoshi.plans.reading import plan_from_bytes

    name = job.params["name"]
    if not job.source:
        raise JobError("上传的文件已不在存储中，请重新上传")
    with job.source.open("rb") as handle:
        data = handle.read()
    plan_data = plan_from_bytes(data, name)  # the long part, outside any transaction
    with transaction.atomic():
        current = _mine(job)
        if current is None:
            return
        pending = stage_import(actor, name, data, job.params.get("organisation"), plan_data=plan_data)
        source = current.source.name
        current.pending_import = pending
        current.source = ""
        current.state, current.finished_at, current.error = JobState.DONE, timezone.now(), ""
        current.save()
        storage = job.source.storage
        transaction.on_commit(lambda: storage.delete(source))  # kept once, with the import


def _fail(job: Job, message: str) -> None:
    Job.objects.filter(pk=job.pk, state=JobState.RUNNING, attempt=job.attempt).update(
        state=JobState.FAILED,
        error=message[:ERROR_MAX],
        finished_at=timezone.now(),
        updated_at=timezone.now(),
    )


# ---------------------------------------------------------------- pruning

PRUNE_OPERATION = "清理后台任务"
TASK_RESULTS_OPERATION = "清理队列中的任务结果"
TASK_RESULTS_BATCH = 10_000  # rows deleted per statement (and per transaction)


@dataclass
class Pruned:
    """What a prune removed (or, on a dry run, would remove)."""

    days: int
    dry_run: bool = False
    jobs: int = 0
    files: int = 0
    bytes: int = 0
    task_results: int = 0  # django-tasks' finished result rows (the queue table)
    titles: list[str] = field(default_factory=list)

    def as_json(self) -> dict:
        return {
            "days": self.days,
            "dry_run": self.dry_run,
            "jobs": self.jobs,
            "files": self.files,
            "bytes": self.bytes,
            "task_results": self.task_results,
        }


def _stored_files(job: Job) -> list[tuple[str, int]]:
    """The files kept for a job (its folder, plus its file and source wherever they are),
    each with its size, through the storage API (shared folder or S3 alike)."""
    storage = job.file.storage
    folder = f"jobs/{job.organisation_id}/{job.pk}"
    names = {name for name in (job.file.name, job.source.name) if name}
    with contextlib.suppress(FileNotFoundError, NotADirectoryError):
        names |= {f"{folder}/{name}" for name in storage.listdir(folder)[1]}
    files = []
    for name in sorted(names):
        try:
            files.append((name, storage.size(name)))
        except (FileNotFoundError, OSError):
            continue  # already gone
    return files


def old_jobs(days: int, now: dt.datetime | None = None):
    """Done and failed jobs finished more than ``days`` days ago (never a queued or
    running one), oldest first."""
    cutoff = (now or timezone.now()) - dt.timedelta(days=days)
    finished = (JobState.DONE, JobState.FAILED)
    return (
        Job.objects.filter(state__in=finished)
        .filter(Q(finished_at__lt=cutoff) | Q(finished_at__isnull=True, updated_at__lt=cutoff))
        .order_by("finished_at", "pk")
    )


def _check_prune(actor: Actor) -> None:
    if not actor.is_system:
        raise PermissionDenied("只有系统（luoshi jobs prune 或后台任务进程）可以清理后台任务")


def prune_jobs(actor: Actor, days: int | None = None, *, dry_run: bool = False) -> Pruned:
    """Delete the done and failed jobs older than ``days`` (``LUOSHI_JOB_KEEP_DAYS`` by
    default) with their files, one job at a time: its row locked and still finished (a
    job queued again meanwhile is left alone), its files deleted, its row deleted and
    recorded (``清理后台任务``, which the job's page reads to say 已清理); then
    django-tasks' own result rows finished as long ago (``prune_task_results``). Run
    daily by every ``luoshi worker`` and by ``luoshi jobs prune``."""
    _check_prune(actor)
    days = settings.LUOSHI_JOB_KEEP_DAYS if days is None else days
    if days < 1:
        raise JobError(f"保留天数应为正整数，收到 {days}")
    result = Pruned(days=days, dry_run=dry_run)
    now = timezone.now()
    for pk in list(old_jobs(days, now).values_list("pk", flat=True)):
        with transaction.atomic():
            job = old_jobs(days, now).select_for_update().filter(pk=pk).first()
            if job is None:
                continue
            files = _stored_files(job)
            result.jobs += 1
            result.files += len(files)
            result.bytes += sum(size for _name, size in files)
            result.titles.append(job.title)
            if dry_run:
                continue
            record_change(
                actor,
                PRUNE_OPERATION,
                job,
                {
                    "organisation": [job.organisation_id, None],
                    "created_by": [job.created_by_id, None],
                    "file": [job.file_name or None, None],
                },
                action=AuditAction.DELETE,
                days=days,
            )
            folder = f"jobs/{job.organisation_id}/{job.pk}"
            job.delete()
            storage = job.file.storage
            for name, _size in files:
                storage.delete(name)
            _remove_empty_folder(storage, folder)
    result.task_results = prune_task_results(actor, days, now, dry_run=dry_run)
    return result


def old_task_results(days: int, now: dt.datetime | None = None) -> "DBTaskResultQuerySet":
    """django-tasks-db's result rows (one per job queued: every notice's delivery, every
    document job, every rebuild) that finished, successful or failed, more than ``days``
    days ago; never a READY or RUNNING one. Luoshi reads only those two (``notify._in_hand``:
    the notices with a delivery in hand); a delivery's own record and its key are the
    ``ReminderDelivery``'s, so nothing it reads goes with these rows."""
    from django_tasks_db.models import DBTaskResult

    cutoff = (now or timezone.now()) - dt.timedelta(days=days)
    return cast("DBTaskResultQuerySet", DBTaskResult.objects.finished().filter(finished_at__lt=cutoff))


def prune_task_results(actor: Actor, days: int, now: dt.datetime, *, dry_run: bool = False) -> int:
    """Delete ``old_task_results`` (the count only on a dry run), ``TASK_RESULTS_BATCH`` at
    a time, each batch in one statement and one transaction with one audit row saying how
    many (a daily prune: one row; the first prune of a table years old: one per batch, so
    the queue's workers are never held long). Returns how many."""
    from django_tasks_db.models import DBTaskResult

    _check_prune(actor)
    old = old_task_results(days, now)
    if dry_run:
        return int(old.count())
    total = 0
    while True:
        with transaction.atomic():
            batch = old.order_by().values("pk")[:TASK_RESULTS_BATCH]
            deleted = int(DBTaskResult.objects.filter(pk__in=batch).delete()[0])
            if deleted:
                record(
                    action=AuditAction.DELETE,
                    user=None,
                    username="系统",
                    operation=TASK_RESULTS_OPERATION,
                    object_type=DBTaskResult._meta.label_lower,
                    object_repr=f"已结束超过 {days} 天的任务结果 {deleted} 条",
                    summary={"days": days, "task_results": deleted},
                )
        total += deleted
        if deleted < TASK_RESULTS_BATCH:
            return total


def _remove_empty_folder(storage, folder: str) -> None:
    """A folder storage keeps the emptied ``jobs/<org>/<id>/`` (S3 has no folders)."""
    try:
        path = storage.path(folder)
    except NotImplementedError:
        return
    with contextlib.suppress(OSError):  # not empty, or already gone
        os.rmdir(path)
