"""Old jobs pruned: the done and failed jobs finished more than LUOSHI_JOB_KEEP_DAYS days
ago go with their files (in the data folder or an S3 bucket), a queued or running one
stays however old; ``luoshi jobs prune`` says how many in Chinese; a pruned job's page
and download say 已清理 with HTTP 410, and stay a 404 for who could not see the job.
django-tasks' own result rows (the queue table) finished as long ago go in the same
prune, never a READY or RUNNING one."""

import datetime as dt
import json
from io import StringIO

import pytest
from django.core.files.storage import default_storage
from django.core.management import CommandError, call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from luoshi.accounts.permissions import SYSTEM
from luoshi.audit.models import AuditLog
from luoshi.core.jobs import run_queued
from luoshi.jobs import services
from luoshi.jobs.choices import JobState
from luoshi.jobs.models import Job
from luoshi.jobs.services import TASK_RESULTS_OPERATION, prune_jobs
from tests.clock import travel_to
from tests.core.test_storage import KEY, SECRET, s3  # noqa: F401 (the S3 server fixture)

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _files(settings, tmp_path):
    settings.MEDIA_ROOT = str(tmp_path / "files")


def _files_of(job) -> list[str]:
    folder = f"jobs/{job.organisation_id}/{job.pk}"
    return default_storage.listdir(folder)[1] if default_storage.exists(folder) else []


def _four_jobs(personas, client_for):
    """A done review, a failed dispatch (its creator's account stopped), one left running
    by a killed worker and one still queued, all asked for on 2025-07-15."""
    coordinator, office = client_for(personas["coordinator"]), client_for(personas["office"])
    coordinator.post("/bulletins/review/", {"quarter": "2025Q2", "format": "docx"})
    office.post("/bulletins/dispatch/", {"period": "2025-07-1", "campaign": "附件1", "format": "xlsx"})
    personas["office"].is_active = False
    personas["office"].save()
    assert run_queued() == 2
    done, failed = Job.objects.order_by("pk")
    assert (done.state, failed.state) == (JobState.DONE, JobState.FAILED)
    coordinator.post("/bulletins/review/", {"quarter": "2025Q1", "format": "docx"})
    coordinator.post("/bulletins/review/", {"quarter": "2024Q4", "format": "docx"})
    running, queued = Job.objects.order_by("pk")[2:]
    Job.objects.filter(pk=running.pk).update(state=JobState.RUNNING, attempt=1, started_at=timezone.now())
    return done, failed, running, queued


def test_old_finished_jobs_go_with_their_files_and_their_pages_say_so(personas, today, client_for):
    done, failed, running, queued = _four_jobs(personas, client_for)
    size = default_storage.size(done.file.name)
    assert _files_of(done) == ["result.docx"]

    travel_to(today + dt.timedelta(days=30))
    assert prune_jobs(SYSTEM).jobs == 0  # not yet: kept 30 days

    travel_to(today + dt.timedelta(days=31))
    result = prune_jobs(SYSTEM)
    assert (result.jobs, result.files, result.bytes) == (2, 1, size)
    assert set(Job.objects.values_list("pk", flat=True)) == {running.pk, queued.pk}  # however old
    assert _files_of(done) == [] and not default_storage.exists(f"jobs/{done.organisation_id}/{done.pk}")
    assert AuditLog.objects.filter(operation="清理后台任务", object_id=str(done.pk)).exists()
    call_command("audit", "verify", stdout=StringIO())  # the chain holds with the prune's rows

    coordinator = client_for(personas["coordinator"])
    page = coordinator.get(f"/jobs/{done.pk}/")
    assert page.status_code == 410
    assert "已清理：文件保留 30 天" in page.content.decode() and "请重新生成" in page.content.decode()
    download = coordinator.get(f"/jobs/{done.pk}/file/")
    assert download.status_code == 410 and "已清理" in download.content.decode()
    # who could not see the job still gets a 404, as for any job not theirs
    for user in ("reporter_a", "leader"):
        assert client_for(personas[user]).get(f"/jobs/{done.pk}/").status_code == 404
        assert client_for(personas[user]).get(f"/jobs/{done.pk}/file/").status_code == 404
    assert coordinator.get("/jobs/999999/").status_code == 404
    assert prune_jobs(SYSTEM).jobs == 0  # nothing twice


def test_a_file_missing_from_the_storage_shows_already_cleaned_instead_of_a_broken_link(
    personas, today, client_for
):
    coordinator = client_for(personas["coordinator"])
    coordinator.post("/bulletins/review/", {"quarter": "2025Q2", "format": "docx"})
    run_queued()
    job = Job.objects.get()
    default_storage.delete(job.file.name)
    page = coordinator.get(f"/jobs/{job.pk}/").content.decode()
    assert "已清理：文件保留 30 天，请重新生成" in page and f"/jobs/{job.pk}/file/" not in page
    assert coordinator.get(f"/jobs/{job.pk}/file/").status_code == 410


def test_luoshi_jobs_prune_dry_run_then_prune_in_chinese_and_json(personas, today, client_for):
    done, failed, running, queued = _four_jobs(personas, client_for)
    size = default_storage.size(done.file.name)
    travel_to(today + dt.timedelta(days=11))
    out = StringIO()
    call_command("jobs", "prune", "--days", "10", "--dry-run", stdout=out)
    assert out.getvalue().strip() == (
        f"将清理完成或失败超过 10 天的后台任务 2 个，文件 1 个，可释放 {size / 1024:.1f} KB；"
        "队列中已结束的任务结果 2 条（试运行，未删除）"
    )
    assert Job.objects.count() == 4 and _files_of(done) == ["result.docx"]
    out = StringIO()
    call_command("jobs", "prune", "--days", "10", "--json", stdout=out)
    assert json.loads(out.getvalue()) == {
        "days": 10,
        "dry_run": False,
        "jobs": 2,
        "files": 1,
        "bytes": size,
        "task_results": 2,  # the two jobs' runs in django-tasks' queue table
    }
    assert Job.objects.count() == 2
    out = StringIO()
    call_command("jobs", "prune", stdout=out)
    assert out.getvalue().strip() == (
        "已清理完成或失败超过 30 天的后台任务 0 个，文件 0 个，释放 0 字节；队列中已结束的任务结果 0 条"
    )
    with pytest.raises(CommandError, match="--days 应为正整数，收到 0"):
        call_command("jobs", "prune", "--days", "0")


def test_prune_deletes_through_the_storage_api_from_an_s3_bucket(personas, today, client_for, settings, s3):  # noqa: F811
    endpoint, client_s3 = s3
    client_s3.create_bucket(Bucket="luoshi-jobs")
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {
            "BACKEND": "storages.backends.s3.S3Storage",
            "OPTIONS": {
                "bucket_name": "luoshi-jobs",
                "endpoint_url": endpoint,
                "access_key": KEY,
                "secret_key": SECRET,
                "region_name": "us-east-1",
                "file_overwrite": True,
            },
        },
    }
    coordinator = client_for(personas["coordinator"])
    coordinator.post("/bulletins/review/", {"quarter": "2025Q2", "format": "xlsx"})
    run_queued()
    job = Job.objects.get()
    keys = [o["Key"] for o in client_s3.list_objects_v2(Bucket="luoshi-jobs")["Contents"]]
    assert keys == [f"jobs/{job.organisation_id}/{job.pk}/result.xlsx"]
    travel_to(today + dt.timedelta(days=31))
    result = prune_jobs(SYSTEM)
    assert (result.jobs, result.files) == (1, 1) and result.bytes > 1000
    assert "Contents" not in client_s3.list_objects_v2(Bucket="luoshi-jobs")
    assert not Job.objects.exists()


def test_only_the_system_prunes(personas, today):
    from django.core.exceptions import PermissionDenied

    from luoshi.accounts.permissions import actor_for

    with pytest.raises(PermissionDenied):
        prune_jobs(actor_for(personas["coordinator"]))


# ---------------------------------------------------------------- django-tasks' result rows


def _result(status: str, *, finished_days_ago: float | None = None, enqueued_days_ago: float = 0):
    from django_tasks_db.models import DBTaskResult

    now = timezone.now()
    row = DBTaskResult.objects.create(
        status=status,
        args_kwargs={"args": [1], "kwargs": {}},
        task_path="luoshi.reporting.tasks.deliver_notice",
        backend_name="default",
        run_after=now,
        started_at=None if status == "READY" else now - dt.timedelta(days=enqueued_days_ago),
        finished_at=None if finished_days_ago is None else now - dt.timedelta(days=finished_days_ago),
    )
    DBTaskResult.objects.filter(pk=row.pk).update(enqueued_at=now - dt.timedelta(days=enqueued_days_ago))
    return row.pk


def _queue_table() -> set:
    from django_tasks_db.models import DBTaskResult

    return set(DBTaskResult.objects.values_list("pk", flat=True))


def test_old_finished_task_results_go_recent_and_unfinished_ones_stay(today):
    old_done = _result("SUCCESSFUL", finished_days_ago=31, enqueued_days_ago=31)
    old_failed = _result("FAILED", finished_days_ago=400, enqueued_days_ago=400)
    finished_lately = _result("SUCCESSFUL", finished_days_ago=29, enqueued_days_ago=40)  # queued long ago
    yesterday = _result("FAILED", finished_days_ago=1)
    recent = {finished_lately, yesterday}
    unfinished = {
        _result("READY", enqueued_days_ago=400),  # waiting a year: still the queue's
        _result("RUNNING", enqueued_days_ago=400),  # a dead worker's: notify._in_hand reads it
        # a row not finished is kept by its status, whatever date it carries
        _result("RUNNING", finished_days_ago=400, enqueued_days_ago=400),
    }
    before = _queue_table()
    audit_rows = AuditLog.objects.count()

    dry = prune_jobs(SYSTEM, dry_run=True)
    assert (dry.task_results, dry.dry_run) == (2, True)
    assert _queue_table() == before and AuditLog.objects.count() == audit_rows  # counted, not removed

    assert prune_jobs(SYSTEM).task_results == 2
    assert _queue_table() == recent | unfinished
    assert old_done not in _queue_table() and old_failed not in _queue_table()
    row = AuditLog.objects.get(operation=TASK_RESULTS_OPERATION)
    assert row.object_type == "django_tasks_database.dbtaskresult" and row.summary == {
        "days": 30,
        "task_results": 2,
    }
    assert row.username == "系统" and row.action == "delete"
    call_command("audit", "verify", stdout=StringIO())

    assert prune_jobs(SYSTEM).task_results == 0  # nothing twice, and no audit row for nothing
    assert AuditLog.objects.filter(operation=TASK_RESULTS_OPERATION).count() == 1

    # the same days as the jobs: 2 days takes the one finished 29 days ago, not yesterday's
    assert prune_jobs(SYSTEM, 2).task_results == 1
    assert _queue_table() == unfinished | {yesterday}


def test_a_large_table_is_pruned_in_batches_each_with_its_audit_row(today, monkeypatch):
    from django_tasks_db.models import DBTaskResult

    monkeypatch.setattr(services, "TASK_RESULTS_BATCH", 2)
    for _ in range(5):
        _result("SUCCESSFUL", finished_days_ago=60, enqueued_days_ago=60)
    kept = _result("READY", enqueued_days_ago=60)
    with CaptureQueriesContext(connection) as queries:
        assert prune_jobs(SYSTEM).task_results == 5
    # one DELETE per batch, the rows never read into Python
    table = DBTaskResult._meta.db_table
    touching = [q["sql"].split()[0].upper() for q in queries if table in q["sql"] and "audit" not in q["sql"]]
    assert touching == ["DELETE"] * 3
    assert _queue_table() == {kept}
    rows = AuditLog.objects.filter(operation=TASK_RESULTS_OPERATION).order_by("sequence")
    assert [r.summary["task_results"] for r in rows] == [2, 2, 1]


def test_luoshi_jobs_prune_json_and_the_workers_daily_line_count_task_results(today):
    from luoshi.core.management.commands.worker import Command as Worker

    for days in (12, 50):
        _result("SUCCESSFUL", finished_days_ago=days, enqueued_days_ago=days)
    _result("SUCCESSFUL", finished_days_ago=3)
    out = StringIO()
    call_command("jobs", "prune", "--days", "10", "--dry-run", "--json", stdout=out)
    assert json.loads(out.getvalue())["task_results"] == 2
    out = StringIO()
    call_command("jobs", "prune", "--days", "10", "--json", stdout=out)
    assert json.loads(out.getvalue()) == {
        "days": 10,
        "dry_run": False,
        "jobs": 0,
        "files": 0,
        "bytes": 0,
        "task_results": 2,
    }
    assert len(_queue_table()) == 1

    # the worker's daily prune (30 days): a line when it removed any task result, none otherwise
    _result("FAILED", finished_days_ago=45, enqueued_days_ago=45)
    worker = Worker(stdout=StringIO())
    worker.prune()
    assert worker.stdout._out.getvalue().strip() == (
        "已清理完成或失败超过 30 天的后台任务 0 个，文件 0 个（0 字节），队列中已结束的任务结果 1 条"
    )
    worker = Worker(stdout=StringIO())
    worker.prune()
    assert worker.stdout._out.getvalue() == ""
