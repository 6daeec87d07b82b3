"""后台生成: 生成 on the 通报 page queues a job and answers at once with its page; the queue
run by the real runner (``core.jobs.run_queued``) turns the page into a download of a real
Word file; a failing render shows its error; another organisation's user gets a 404; a
job run twice keeps one file; a job a killed worker left running shows 超时 and can be
queued again; a large plan file is parsed by a job that leads to the review page."""

import datetime as dt
import io
import re

import pytest
from django.core.files.storage import default_storage
from django.test import override_settings
from django.utils import timezone
from docx import Document

from luoshi.bulletins.models import Bulletin
from luoshi.core.jobs import run_queued
from luoshi.jobs.choices import JobState
from luoshi.jobs.models import Job
from luoshi.jobs.services import run_job

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _files(settings, tmp_path):
    """A storage of this test's own (job numbers start again in each test)."""
    settings.MEDIA_ROOT = str(tmp_path / "files")


def _queue_review(client, quarter="2025Q2", kind="docx"):
    response = client.post("/bulletins/review/", {"quarter": quarter, "format": kind})
    job = Job.objects.order_by("-pk").first()
    return response, job


def _files_of(job) -> list[str]:
    folder = f"jobs/{job.organisation_id}/{job.pk}"
    return default_storage.listdir(folder)[1] if default_storage.exists(folder) else []


def test_generate_queues_a_job_and_the_page_turns_into_a_word_download(personas, today, client_for):
    coordinator = client_for(personas["coordinator"])
    response, job = _queue_review(coordinator)
    assert response.status_code == 302 and response["Location"] == f"/jobs/{job.pk}/"
    waiting = coordinator.get(f"/jobs/{job.pk}/").content.decode()
    assert "正在生成……" in waiting and "排队中" in waiting and 'hx-trigger="every 2s"' in waiting
    assert "/file/" not in waiting

    assert run_queued() == 1
    partial = coordinator.get(f"/jobs/{job.pk}/", headers={"HX-Request": "true"}).content.decode()
    assert "已完成" in partial and "正在生成" not in partial and "hx-trigger" not in partial
    assert f'href="/jobs/{job.pk}/file/"' in partial and "季讲评-2025Q2.docx" in partial

    download = coordinator.get(f"/jobs/{job.pk}/file/")
    assert download.status_code == 200 and "wordprocessingml" in download["Content-Type"]
    assert "attachment" in download["Content-Disposition"] and download.streaming  # not read into memory
    text = "\n".join(p.text for p in Document(io.BytesIO(download.getvalue())).paragraphs)
    assert "权重" in text
    listing = coordinator.get("/jobs/").content.decode()
    assert "季讲评 2025Q2（Word）" in listing and "已完成" in listing


def test_the_dispatch_sheet_and_a_draft_bulletin_are_made_by_jobs(personas, today, client_for):
    from openpyxl import load_workbook

    office = client_for(personas["office"])
    office.post("/bulletins/", {"month": "2025-06", "campaign": "附件1"})
    bulletin = Bulletin.objects.get()
    queued = office.post(f"/bulletins/{bulletin.pk}/file/")
    sheet = office.post(
        "/bulletins/dispatch/", {"period": "2025-07-1", "campaign": "附件1", "format": "xlsx"}
    )
    assert queued.status_code == sheet.status_code == 302
    assert run_queued() == 2
    word, book = (office.get(response["Location"] + "file/") for response in (queued, sheet))
    paragraphs = [p.text for p in Document(io.BytesIO(word.getvalue())).paragraphs]
    assert any(bulletin.title.replace(" ", "") in p.replace(" ", "") for p in paragraphs) or any(
        "通报" in p for p in paragraphs
    )
    sheet_rows = load_workbook(io.BytesIO(book.getvalue())).worksheets[0].iter_rows()
    assert any("附件1/一/(一)" in str(cell.value) for row in sheet_rows for cell in row)


def test_a_failing_render_shows_its_error_in_chinese(personas, today, client_for):
    from luoshi.accounts.models import Profile

    coordinator = client_for(personas["coordinator"])
    _response, job = _queue_review(coordinator)
    # the coordinator is moved to a unit's reporting before the job runs: the job runs
    # with the rights of that moment, and fails saying why
    Profile.objects.filter(user=personas["coordinator"]).update(role="reporter")
    run_queued()
    job.refresh_from_db()
    assert job.state == JobState.FAILED and job.file.name == ""
    page = coordinator.get(f"/jobs/{job.pk}/").content.decode()
    assert "生成失败：" in page and "综合协调组办公室" in page and "hx-trigger" not in page
    assert "重新排队" in page
    assert coordinator.get(f"/jobs/{job.pk}/file/").status_code == 404


def test_another_organisations_user_gets_404_on_the_job_its_file_and_its_retry(personas, today, client_for):
    from django.contrib.auth import get_user_model

    from luoshi.accounts.models import Profile
    from luoshi.plans.choices import OrgLevel
    from luoshi.plans.models import Organisation

    _response, job = _queue_review(client_for(personas["coordinator"]))
    run_queued()
    other = Organisation.objects.create(name="邻县", level=OrgLevel.DISTRICT)
    stranger = get_user_model().objects.create_user("neighbour", password="Luoshi@2025x")
    Profile.objects.create(user=stranger, role="coordinator", organisation=other)
    for client in (client_for(stranger), client_for(personas["reporter_a"]), client_for(personas["leader"])):
        assert client.get(f"/jobs/{job.pk}/").status_code == 404
        assert client.get(f"/jobs/{job.pk}/file/").status_code == 404
        assert client.post(f"/jobs/{job.pk}/retry/").status_code == 404
        assert "季讲评 2025Q2" not in client.get("/jobs/").content.decode()


def test_a_reporter_cannot_queue_what_it_may_not_read(personas, today, client_for):
    reporter = client_for(personas["reporter_a"])
    assert reporter.post("/bulletins/review/", {"quarter": "2025Q2", "format": "docx"}).status_code == 403
    bad = client_for(personas["coordinator"]).post(
        "/bulletins/review/", {"quarter": "二季度", "format": "docx"}
    )
    assert bad.status_code == 400 and "不是季度" in bad.content.decode()
    assert not Job.objects.exists()


def test_a_job_run_twice_makes_one_file(personas, today, client_for):
    coordinator = client_for(personas["coordinator"])
    _response, job = _queue_review(coordinator, kind="xlsx")
    assert run_job(job.pk) == "done"
    job.refresh_from_db()
    first = (job.file.name, job.sha256)
    assert run_job(job.pk) == "done"  # the queue handing the same job out again
    job.refresh_from_db()
    assert (job.file.name, job.sha256) == first and _files_of(job) == ["result.xlsx"]
    # a second click while the first one's job waits follows that job
    _again, second = _queue_review(coordinator, quarter="2025Q1")
    _again, same = _queue_review(coordinator, quarter="2025Q1")
    assert second.pk == same.pk


def test_a_job_left_running_by_a_killed_worker_times_out_and_runs_again_to_one_file(
    personas, today, client_for
):
    coordinator = client_for(personas["coordinator"])
    _response, job = _queue_review(coordinator)
    # a worker claimed it, wrote the file, and was killed before it could say so
    Job.objects.filter(pk=job.pk).update(state=JobState.RUNNING, attempt=1, started_at=timezone.now())
    job.refresh_from_db()
    job.file.save("季讲评.docx", io.BytesIO(b"half"), save=False)
    running = coordinator.get(f"/jobs/{job.pk}/").content.decode()
    assert "进行中" in running and "超时" not in running and "重新排队" not in running
    assert coordinator.post(f"/jobs/{job.pk}/retry/").status_code == 302
    job.refresh_from_db()
    assert job.state == JobState.RUNNING  # not yet: still within its time

    Job.objects.filter(pk=job.pk).update(started_at=timezone.now() - dt.timedelta(seconds=301))
    stale = coordinator.get(f"/jobs/{job.pk}/").content.decode()
    assert "超时" in stale and "重新排队" in stale and "hx-trigger" not in stale
    coordinator.post(f"/jobs/{job.pk}/retry/")
    assert run_queued() >= 1
    job.refresh_from_db()
    assert job.state == JobState.DONE and job.attempt == 2
    assert _files_of(job) == ["result.docx"]
    assert coordinator.get(f"/jobs/{job.pk}/file/").getvalue()[:2] == b"PK"


def test_a_run_overtaken_by_a_later_one_writes_nothing(personas, today, client_for):
    from luoshi.jobs import services

    _response, job = _queue_review(client_for(personas["coordinator"]))
    Job.objects.filter(pk=job.pk).update(state=JobState.RUNNING, attempt=1, started_at=timezone.now())
    job.refresh_from_db()
    Job.objects.filter(pk=job.pk).update(attempt=2)  # queued again and taken by another runner
    services._keep_file(job, "季讲评-2025Q2.docx", b"PK old")
    services._fail(job, "旧的执行")
    job.refresh_from_db()
    assert job.state == JobState.RUNNING and not job.file and job.error == ""


@override_settings(LUOSHI_IMPORT_INLINE_BYTES=100)
def test_a_large_plan_file_is_parsed_by_a_job_that_leads_to_the_review(personas, today, client_for):
    from django.core.files.uploadedfile import SimpleUploadedFile

    from luoshi.plans.models import PendingImport
    from tests.plans.factories import make_plan  # noqa: F401 (the fixture plan's source)

    text = (
        "西洞庭管理区实施“七大攻坚”测试方案\n一、总体要求\n（一）工作目标。到2025年底，完成各项任务。\n"
        "二、重点任务\n（一）推进园区建设。新建标准厂房2万平方米。（责任单位：县工信局）\n"
    )
    coordinator = client_for(personas["coordinator"])
    upload = SimpleUploadedFile("方案.txt", text.encode(), content_type="text/plain")
    response = coordinator.post("/import/", {"file": upload})
    job = Job.objects.get()
    assert response.status_code == 302 and response["Location"] == f"/jobs/{job.pk}/"
    assert not PendingImport.objects.exists()
    assert "正在解析……" in coordinator.get(f"/jobs/{job.pk}/").content.decode()
    run_queued()
    pending = PendingImport.objects.get()
    page = coordinator.get(f"/jobs/{job.pk}/").content.decode()
    assert f'href="/import/{pending.pk}/"' in page and "核对解析结果" in page
    assert coordinator.get(f"/import/{pending.pk}/").status_code == 200
    job.refresh_from_db()
    assert job.source.name == "" and pending.source_file.read().decode() == text
    assert run_job(job.pk) == "done" and PendingImport.objects.count() == 1


def test_a_small_plan_file_is_still_parsed_in_the_request(personas, today, client_for):
    from django.core.files.uploadedfile import SimpleUploadedFile

    text = "测试方案\n一、重点任务\n（一）推进园区建设。（责任单位：县工信局）\n"
    response = client_for(personas["coordinator"]).post(
        "/import/", {"file": SimpleUploadedFile("小方案.txt", text.encode())}
    )
    assert re.match(r"^/import/\d+/$", response["Location"]) and not Job.objects.exists()


def test_the_three_lists_and_the_project_ledger_are_made_by_jobs(personas, today, client_for, plan):
    from openpyxl import load_workbook

    coordinator = client_for(personas["coordinator"])
    assert 'action="/tasks/three-lists.xlsx' in coordinator.get("/tasks/").content.decode()
    lists = coordinator.post(f"/tasks/three-lists.xlsx?plan={plan.pk}")
    ledger = coordinator.post("/projects/ledger.xlsx")
    assert lists.status_code == ledger.status_code == 302
    assert run_queued() == 2
    names = []
    for response in (lists, ledger):
        page = coordinator.get(response["Location"]).content.decode()
        assert "已完成" in page
        download = coordinator.get(response["Location"] + "file/")
        assert "spreadsheetml" in download["Content-Type"]
        names.append([sheet.title for sheet in load_workbook(io.BytesIO(download.getvalue())).worksheets])
    assert "任务清单" in names[0] and "项目台账" in names[1]
    assert (
        client_for(personas["reporter_a"]).post(f"/tasks/three-lists.xlsx?plan={plan.pk}").status_code == 403
    )


def test_a_job_queued_for_more_than_half_a_minute_says_the_runner_may_be_missing(personas, today, client_for):
    coordinator = client_for(personas["coordinator"])
    _response, job = _queue_review(coordinator)
    assert "排队已超过半分钟" not in coordinator.get(f"/jobs/{job.pk}/").content.decode()
    Job.objects.filter(pk=job.pk).update(created_at=timezone.now() - dt.timedelta(seconds=31))
    page = coordinator.get(f"/jobs/{job.pk}/").content.decode()
    assert "排队已超过半分钟" in page and 'hx-trigger="every 2s"' in page and "重新排队" not in page
