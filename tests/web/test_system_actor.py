"""Steps taken by the system (the CLI, an Excel upload, the demo) show as 系统 in a
report's history instead of breaking the page."""

import datetime as dt

import pytest

from luoshi.accounts.permissions import SYSTEM
from luoshi.plans.models import Task, Unit
from luoshi.reporting.services import ReportData, save_draft, submit_report
from tests.clock import travel_to

pytestmark = pytest.mark.django_db


def test_report_page_names_the_system_as_actor(client, personas):
    travel_to(dt.date(2025, 5, 9))
    task = Task.objects.select_related("plan", "section", "part").get(section__sid="附件1/一/(一)")
    report = save_draft(
        SYSTEM,
        task,
        Unit.objects.get(name="县工信局"),
        "2025-05-1",
        ReportData(progress="30", progress_text="由 Excel 导入"),
    )
    submit_report(SYSTEM, report)
    client.force_login(personas["head_a"])
    response = client.get(f"/reports/{report.pk}/")
    assert response.status_code == 200
    assert "系统：草稿 → 已提交" in response.content.decode()
