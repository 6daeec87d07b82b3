"""后台生成 in a real browser: the coordinator clicks 生成季讲评, lands on the job page that
says 正在生成……, a job runner runs the queue, and the page (polling every 2 s with htmx)
turns into the download link by itself; the file it gives is a real Word file."""

import io
from pathlib import Path

import pytest

from tests.web.test_browser import browser as browser  # noqa: F401  (the module's fixture)
from tests.web.test_browser import page_for as page_for  # noqa: F401
from tests.web.test_browser import shot

pytestmark = pytest.mark.browser


def test_generate_shows_the_download_link_once_a_runner_has_run(
    page_for, live_server, personas, settings, tmp_path
):  # noqa: F811
    from docx import Document
    from playwright.sync_api import expect

    from luoshi.core.jobs import run_queued
    from luoshi.jobs.models import Job

    settings.MEDIA_ROOT = str(tmp_path / "files")
    page = page_for(personas["coordinator"])
    page.goto(f"{live_server.url}/bulletins/")
    page.select_option("#r-quarter", "2025Q2")
    page.get_by_role("button", name="生成季讲评（Word）").click()
    job = Job.objects.get()
    page.wait_for_url(f"{live_server.url}/jobs/{job.pk}/")
    expect(page.locator("#job-state")).to_contain_text("正在生成……")
    expect(page.locator("#job-state")).to_contain_text("排队中")
    shot(page, "job-waiting")

    assert run_queued() == 1  # the runner `luoshi serve` starts beside the web workers
    link = page.get_by_role("link", name="下载 季讲评-2025Q2.docx")
    expect(link).to_be_visible(timeout=15_000)  # no reload: the page's own poll
    expect(page.locator("#job-state")).to_contain_text("已完成")
    shot(page, "job-done")
    with page.expect_download() as download:
        link.click()
    content = Path(download.value.path()).read_bytes()
    assert download.value.suggested_filename == "季讲评-2025Q2.docx"
    assert "权重" in "\n".join(p.text for p in Document(io.BytesIO(content)).paragraphs)
