"""Fixtures of the bulletin tests: a plan with April and May reports made through the
reporting services at fixed dates, actors of every persona, and LibreOffice to turn Word
files into PDF.

The plan (tests/plans/factories.py), dated 2025-03-10, reported by 旬:
- (一) 培育产业集群, 县工信局 leads: 10 % in 4月中旬; 30 % in each 旬 of May, 5月上旬 late;
  its target 新增规模工业企业 reported as 4 家.
- (二) 扩大有效投资, 县发改局 leads: nothing in April; 5 % in 5月中旬 and 下旬 with the
  problem 用地指标未落实 → lagging as of May 31.
- (三) 优化营商环境, 县政务服务中心 leads: never reports → not reported.
"""

import datetime as dt
import os
import shutil
import subprocess
from pathlib import Path

import pytest

from luoshi.accounts.permissions import SYSTEM, actor_for
from luoshi.plans.models import Task, Unit
from luoshi.reporting.services import ReportData, accept_report, approve_report, save_draft, submit_report
from tests.clock import travel_to

TODAY = dt.date(2025, 6, 10)  # after every May report was due (5月下旬 due 2025-06-03)
MAY = dt.date(2025, 5, 1)
MAY_END = dt.date(2025, 5, 31)
APRIL_END = dt.date(2025, 4, 30)
EMPTY_MONTH = dt.date(2025, 3, 1)  # before anyone reported
LAGGING_REASON = "用地指标未落实"

TASK_A = "附件1/一/(一)"
TASK_B = "附件1/一/(二)"
TASK_C = "附件1/一/(三)"


def report(
    sid, unit_name, period_key, progress, *, on, problems="", next_steps="", targets=None, accept=True
):
    """One unit's report for a period, submitted on the day ``on``, approved and accepted."""
    travel_to(on)
    task = Task.objects.get(section__sid=sid)
    unit = Unit.objects.get(name=unit_name)
    draft = save_draft(
        SYSTEM,
        task,
        unit,
        period_key,
        ReportData(
            progress=progress,
            progress_text=f"{period_key} 推进顺利",
            problems=problems,
            next_steps=next_steps or "继续推进",
            target_values=targets or {},
        ),
    )
    done = submit_report(SYSTEM, draft)
    if accept:
        done = accept_report(SYSTEM, approve_report(SYSTEM, done))
    return done


@pytest.fixture
def reported(plan):
    """The plan with its April and May reports; today fixed at TODAY."""
    target = plan.targets.get(subject="新增规模工业企业")
    report(TASK_A, "县工信局", "2025-04-2", 10, on=dt.date(2025, 4, 21))
    report(TASK_A, "县工信局", "2025-05-1", 30, on=dt.date(2025, 5, 20), targets={target.pk: 4})  # late
    report(TASK_A, "县工信局", "2025-05-2", 30, on=dt.date(2025, 5, 21))
    report(TASK_A, "县工信局", "2025-05-3", 30, on=dt.date(2025, 6, 3))
    report(TASK_B, "县发改局", "2025-05-2", 5, on=dt.date(2025, 5, 21), problems=LAGGING_REASON)
    report(
        TASK_B,
        "县发改局",
        "2025-05-3",
        5,
        on=dt.date(2025, 6, 3),
        problems=LAGGING_REASON,
        next_steps="协调自然资源部门",
    )
    travel_to(TODAY)
    return plan


@pytest.fixture
def actors(personas):
    return {"system": SYSTEM, **{name: actor_for(user) for name, user in personas.items()}}


# ---------------------------------------------------------------- LibreOffice


def soffice() -> str | None:
    return shutil.which("soffice") or shutil.which("libreoffice")


@pytest.fixture
def to_pdf(tmp_path):
    """Convert .docx bytes to PDF with LibreOffice headless; returns (page count, text)."""
    program = soffice()
    if program is None:
        message = "LibreOffice 未安装（apt-get install libreoffice-writer-nogui fonts-noto-cjk）"
        if os.environ.get("CI") == "true":
            pytest.fail(message)
        pytest.skip(message)

    def convert(content: bytes, name: str = "doc") -> tuple[int, str]:
        from pdfminer.high_level import extract_pages, extract_text

        source = tmp_path / f"{name}.docx"
        source.write_bytes(content)
        profile = (tmp_path / "lo-profile").as_uri()
        subprocess.run(
            [
                program,
                f"-env:UserInstallation={profile}",
                "--headless",
                "--convert-to",
                "pdf",
                "--outdir",
                str(tmp_path),
                str(source),
            ],
            check=True,
            capture_output=True,
            timeout=180,
            stdin=subprocess.DEVNULL,
        )
        pdf = Path(tmp_path / f"{name}.pdf")
        assert pdf.exists(), "LibreOffice 没有生成 PDF"
        pages = sum(1 for _ in extract_pages(str(pdf)))
        return pages, extract_text(str(pdf))

    return convert
