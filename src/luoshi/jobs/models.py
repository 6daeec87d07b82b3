"""A document made in the background: who asked for it, what, when, how far it got, the
error if it failed, and what it made (a stored file, or a plan import to review).

The queue itself is django-tasks-db's table (``core/jobs.py``); a ``Job`` is what a user
sees of one piece of work, scoped by organisation like everything else. ``attempt`` is the
fencing token: a run claims the job by raising it, and writes its outcome only while the
job still carries its own number, so a run overtaken by a later one (its worker was
thought dead) changes nothing."""

import datetime as dt

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone

from luoshi.core.models import TimeStamped
from luoshi.plans.models import Organisation, PendingImport

from .choices import TIMED_OUT, JobKind, JobState

# a job still waiting after this many seconds: its page says that no runner may be running
WAITING_LONG_SECONDS = 30


def result_path(job: "Job", filename: str) -> str:
    """One place per job for its file, whatever the name asked: a second run of the same
    job writes over the first one's file instead of beside it."""
    extension = filename.rsplit(".", 1)[-1] if "." in filename else "bin"
    return f"jobs/{job.organisation_id}/{job.pk}/result.{extension}"


def source_path(job: "Job", filename: str) -> str:
    extension = filename.rsplit(".", 1)[-1] if "." in filename else "bin"
    return f"jobs/{job.organisation_id}/{job.pk}/source.{extension}"


class Job(TimeStamped):
    """One document asked for in the browser and made by a job runner."""

    organisation = models.ForeignKey(
        Organisation, models.PROTECT, related_name="jobs", verbose_name="所属组织"
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.SET_NULL, null=True, related_name="+", verbose_name="提交人"
    )
    kind = models.CharField("类型", max_length=20, choices=JobKind.choices)
    title = models.CharField("内容", max_length=300)
    params = models.JSONField("参数", default=dict, blank=True)
    key = models.CharField(
        "请求指纹",
        max_length=64,
        blank=True,
        help_text="类型、参数和提交人的 SHA-256：同一请求未完成时不重复排队",
    )
    state = models.CharField("状态", max_length=20, choices=JobState.choices, default=JobState.QUEUED)
    attempt = models.PositiveIntegerField("执行次数", default=0)
    worker = models.CharField("执行进程", max_length=64, blank=True)
    started_at = models.DateTimeField("开始时间", null=True, blank=True)
    finished_at = models.DateTimeField("完成时间", null=True, blank=True)
    error = models.TextField("错误信息", blank=True)
    source = models.FileField("上传的文件", upload_to=source_path, max_length=300, blank=True)
    file = models.FileField("生成的文件", upload_to=result_path, max_length=300, blank=True)
    file_name = models.CharField("下载文件名", max_length=300, blank=True)
    sha256 = models.CharField("文件 SHA-256", max_length=64, blank=True)
    pending_import = models.ForeignKey(
        PendingImport,
        models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="待核对的导入",
    )

    class Meta:
        verbose_name = "后台生成"
        verbose_name_plural = "后台生成"
        ordering = ["-created_at", "-pk"]
        indexes = [
            models.Index(fields=["organisation", "state"], name="job_org_state"),
            models.Index(fields=["key", "state"], name="job_key_state"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=~Q(state=JobState.FAILED) | ~Q(error=""),
                name="job_failed_has_error",
                violation_error_message="失败的任务应有错误信息",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.title}（{self.display_state()}）"

    def timed_out(self, now: dt.datetime | None = None) -> bool:
        """Running for longer than a job may: its worker was killed, or hangs."""
        if self.state != JobState.RUNNING or self.started_at is None:
            return False
        limit = dt.timedelta(seconds=settings.LUOSHI_JOB_CLAIM_SECONDS)
        return self.started_at + limit < (now or timezone.now())

    def display_state(self, now: dt.datetime | None = None) -> str:
        return TIMED_OUT if self.timed_out(now) else self.get_state_display()

    @property
    def finished(self) -> bool:
        return self.state in (JobState.DONE, JobState.FAILED)

    @property
    def done(self) -> bool:
        return self.state == JobState.DONE

    @property
    def failed(self) -> bool:
        return self.state == JobState.FAILED

    def file_kept(self) -> bool:
        """Its file is still in the storage (not removed by other means than the prune)."""
        return bool(self.file) and self.file.storage.exists(self.file.name)

    @property
    def is_import(self) -> bool:
        """A plan file parsed (it leads to the review), not a document to download."""
        return self.kind == JobKind.PLAN_IMPORT

    def polling(self, now: dt.datetime | None = None) -> bool:
        """Its page asks again every 2 s: neither finished nor past its time."""
        return not self.finished and not self.timed_out(now)

    def waiting_long(self, now: dt.datetime | None = None) -> bool:
        """Still queued after ``WAITING_LONG_SECONDS``: perhaps no runner is running."""
        if self.state != JobState.QUEUED:
            return False
        return ((now or timezone.now()) - self.created_at).total_seconds() > WAITING_LONG_SECONDS

    def requeueable(self, now: dt.datetime | None = None) -> bool:
        """Failed, or left running by a killed worker: it may be queued again (by whom is
        ``permissions.can_requeue``)."""
        return self.state == JobState.FAILED or self.timed_out(now)
