"""重大项目 page: the 四比四提高 rates and the projects a user may see; the ledger download."""

import datetime as dt
from decimal import Decimal
from io import BytesIO

import pytest
from openpyxl import load_workbook

from luoshi.accounts.permissions import SYSTEM
from luoshi.plans.models import Unit
from luoshi.projects.services import register_project, submit_update
from tests.clock import travel_to

pytestmark = pytest.mark.django_db


@pytest.fixture
def projects(plan):
    travel_to(dt.date(2025, 3, 1))
    one = register_project(
        SYSTEM, code="P-1", name="产业园标准化厂房", owner_unit=Unit.objects.get(name="县工信局"),
        year=2025, annual_planned_investment=Decimal(1000), planned_start=dt.date(2025, 4, 1),
    )  # fmt: skip
    register_project(
        SYSTEM, code="P-2", name="城区道路改造", owner_unit=Unit.objects.get(name="县发改局"),
        year=2025, annual_planned_investment=Decimal(500), planned_start=dt.date(2025, 5, 1),
    )  # fmt: skip
    travel_to(dt.date(2025, 7, 15))
    submit_update(
        SYSTEM, one, "2025-W28",
        {"funds_applied": Decimal(400), "funds_won": Decimal(300), "funds_allocated": Decimal(200),
         "funds_paid": Decimal(150), "actual_start": dt.date(2025, 4, 10),
         "annual_completed_investment": Decimal(400), "physical_progress": Decimal(40)},
    )  # fmt: skip


def test_leader_sees_the_four_rates_and_every_project(projects, personas, client_for):
    html = client_for(personas["leader"]).get("/projects/").content.decode()
    assert "争资占比率" in html and "75%" in html  # 300 ÷ 400
    assert "项目开工率" in html and "50%" in html  # 1 of 2 planned by now
    assert "资金支付率" in html and "实物完成率" in html
    assert "产业园标准化厂房" in html and "城区道路改造" in html


def test_a_reporter_sees_only_its_units_projects(projects, personas, client_for):
    html = client_for(personas["reporter_b"]).get("/projects/").content.decode()
    assert "城区道路改造" in html and "产业园标准化厂房" not in html


def test_ledger_downloads_with_every_visible_project(projects, personas, client_for):
    response = client_for(personas["coordinator"]).get("/projects/ledger.xlsx")
    assert response.status_code == 200
    book = load_workbook(BytesIO(response.content))
    codes = [row[0] for row in book["项目台账"].iter_rows(min_row=3, values_only=True)]
    assert "P-1" in codes and "P-2" in codes


def _cells(data: bytes) -> dict:
    book = load_workbook(BytesIO(data))
    return {
        sheet.title: [[(cell.value, cell.number_format) for cell in row] for row in sheet.iter_rows()]
        for sheet in book.worksheets
    }


def test_the_page_the_api_and_the_job_hand_over_the_same_ledger(
    projects, personas, client_for, settings, tmp_path
):
    from luoshi.core.jobs import run_queued

    settings.MEDIA_ROOT = str(tmp_path / "files")
    coordinator = client_for(personas["coordinator"])
    page = coordinator.get("/projects/ledger.xlsx")
    api = coordinator.get("/api/v1/projects/ledger.xlsx")
    queued = coordinator.post("/projects/ledger.xlsx")
    assert run_queued() == 1
    job = coordinator.get(queued["Location"] + "file/")
    assert page.status_code == api.status_code == job.status_code == 200
    names = {response["Content-Disposition"] for response in (page, api, job)}
    assert names == {
        "attachment; filename*=UTF-8''%E9%87%8D%E5%A4%A7%E9%A1%B9%E7%9B%AE%E5%8F%B0%E8%B4%A6-20250715.xlsx"
    }
    page_cells = _cells(page.content)
    assert page_cells == _cells(api.content) == _cells(job.getvalue())
    assert list(page_cells) == ["项目台账", "四比四提高", "对账差异"]
    assert any("P-1" in [value for value, _ in row] for row in page_cells["项目台账"])
