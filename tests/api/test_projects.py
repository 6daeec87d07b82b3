"""/api/v1/projects: the projects a user sees, weekly updates by the owner unit only,
reconciliation by the coordinator only, the rates of the page, If-Match on writes."""

import datetime as dt
import json
from decimal import Decimal
from io import BytesIO

import pytest
from openpyxl import load_workbook

from luoshi.accounts.permissions import SYSTEM
from luoshi.plans.models import Unit
from luoshi.projects.models import Project, ProjectUpdate, Reconciliation
from luoshi.projects.services import register_project, submit_update
from tests.clock import travel_to

pytestmark = pytest.mark.django_db

URL = "/api/v1/projects"


def post(client, url, data=None, **headers):
    return client.post(url, json.dumps(data or {}), content_type="application/json", headers=headers)


@pytest.fixture
def projects(plan):
    """P-1 of 县工信局 (unit A) reported in 2025-W29; P-2 of 县发改局 (unit B) not yet."""
    travel_to(dt.date(2025, 3, 1))
    one = register_project(
        SYSTEM, code="P-1", name="产业园标准化厂房", owner_unit=Unit.objects.get(name="县工信局"),
        year=2025, annual_planned_investment=Decimal(1000), planned_start=dt.date(2025, 4, 1),
    )  # fmt: skip
    two = register_project(
        SYSTEM, code="P-2", name="城区道路改造", owner_unit=Unit.objects.get(name="县发改局"),
        year=2025, annual_planned_investment=Decimal(500), planned_start=dt.date(2025, 5, 1),
    )  # fmt: skip
    travel_to(dt.date(2025, 7, 15))
    submit_update(
        SYSTEM, one, "2025-W29",
        {"funds_applied": Decimal(400), "funds_won": Decimal(300), "funds_allocated": Decimal(200),
         "funds_paid": Decimal(150), "actual_start": dt.date(2025, 4, 10),
         "annual_completed_investment": Decimal(400), "physical_progress": Decimal(40)},
    )  # fmt: skip
    return one, two


def codes(body) -> list[str]:
    return [p["code"] for p in body["items"]]


def test_each_unit_sees_its_own_projects_as_on_the_page(projects, personas, client_for):
    one, two = projects
    assert codes(client_for(personas["leader"]).get(URL).json()) == ["P-1", "P-2"]
    reporter_b = client_for(personas["reporter_b"])
    assert codes(reporter_b.get(URL).json()) == ["P-2"]
    assert reporter_b.get(f"{URL}/{one.pk}").status_code == 404
    detail = reporter_b.get(f"{URL}/{two.pk}").json()
    assert detail["can_update"] is True and detail["can_reconcile"] is False
    assert [h["action"] for h in detail["history"]] == ["create"]
    assert codes(client_for(personas["leader"]).get(URL, {"owner_unit": "县发改局"}).json()) == ["P-2"]
    assert codes(client_for(personas["leader"]).get(URL, {"q": "厂房"}).json()) == ["P-1"]


def test_the_rates_are_the_pages(projects, personas, client_for):
    leader = client_for(personas["leader"])
    rates = leader.get(f"{URL}/rates").json()
    assert rates["overall"]["funding_rate"] == 75.0 and rates["overall"]["start_rate"] == 50.0
    html = leader.get("/projects/").content.decode()
    assert "75%" in html and "50%" in html
    by_unit = leader.get(f"{URL}/rates", {"by": "unit"}).json()["groups"]
    assert by_unit["县工信局"]["funding_rate"] == 75.0
    mine = client_for(personas["reporter_a"]).get(f"{URL}/rates").json()["overall"]
    assert mine["projects"] == 1 and mine["start_rate"] == 100.0
    assert leader.get(f"{URL}/rates", {"by": "colour"}).status_code == 400


def test_the_owner_unit_submits_a_weekly_update_that_the_page_then_shows(projects, personas, client_for):
    _one, two = projects
    reporter_b = client_for(personas["reporter_b"])
    body = {"week": "2025-W29", "funds_applied": "100", "funds_won": "80", "actual_start": "2025-07-01",
            "progress_text": "完成路基"}  # fmt: skip
    response = post(reporter_b, f"{URL}/{two.pk}/updates", body)
    assert response.status_code == 201 and response.json()["funds_won"] == 80.0
    assert response.json()["state"] == "reported" and response.json()["week"] == "2025-W29"
    html = client_for(personas["leader"]).get("/projects/").content.decode()
    assert "100%" in html  # both planned starts have started: 项目开工率 100 %
    updates = reporter_b.get(f"{URL}/{two.pk}/updates").json()["items"]
    assert [u["week"] for u in updates][0] == "2025-W29"
    assert post(client_for(personas["reporter_a"]), f"{URL}/{two.pk}/updates", body).status_code == 404
    response = post(client_for(personas["leader"]), f"{URL}/{two.pk}/updates", body)
    assert response.status_code == 403 and response.json() == {"error": "您对该项目只有查看权限"}


def test_bad_figures_are_refused_in_chinese_with_nothing_written(projects, personas, client_for):
    _one, two = projects
    reporter_b = client_for(personas["reporter_b"])
    before = ProjectUpdate.objects.count()
    response = post(
        reporter_b, f"{URL}/{two.pk}/updates", {"week": "2025-W29", "funds_allocated": 10, "funds_paid": 20}
    )
    assert (
        response.status_code == 400
        and "支付资金（20万元）不能大于到位资金（10万元）" in response.json()["error"]
    )
    response = post(reporter_b, f"{URL}/{two.pk}/updates", {"week": "2025-W40", "funds_won": 1})
    assert response.status_code == 400 and "尚未开始" in response.json()["error"]
    response = post(reporter_b, f"{URL}/{two.pk}/updates", {"week": "2025-W29", "colour": "red"})
    assert response.status_code == 400 and "不认识的字段" in response.json()["error"]
    assert ProjectUpdate.objects.count() == before
    assert Project.objects.get(pk=two.pk).funds_paid == 0


def test_the_coordinator_reconciles_and_differences_are_flagged(projects, personas, client_for):
    one, _two = projects
    coordinator = client_for(personas["coordinator"])
    body = {"fortnight": "2025-F15", "confirmed": {"funds_won": 300, "funds_paid": 120}, "note": "财政局确认"}
    response = post(coordinator, f"{URL}/{one.pk}/reconciliations", body)
    assert response.status_code == 201
    recon = response.json()
    assert recon["state"] == "differs"
    assert {line["field"]: line["flagged"] for line in recon["lines"]} == {
        "funds_won": False,
        "funds_paid": True,
    }
    listed = coordinator.get(f"{URL}/{one.pk}/reconciliations").json()["items"]
    assert [r["id"] for r in listed] == [recon["id"]]
    assert coordinator.get(f"{URL}/{one.pk}/updates").json()["items"][0]["state"] == "discrepant"
    response = post(client_for(personas["reporter_a"]), f"{URL}/{one.pk}/reconciliations", body)
    assert response.status_code == 403 and "综合协调组办公室" in response.json()["error"]
    assert Reconciliation.objects.count() == 1


def test_if_match_mismatch_is_412_and_nothing_written(projects, personas, client_for):
    _one, two = projects
    reporter_b = client_for(personas["reporter_b"])
    etag = reporter_b.get(f"{URL}/{two.pk}")["ETag"]
    body = {"week": "2025-W29", "funds_won": "80"}
    response = post(reporter_b, f"{URL}/{two.pk}/updates", body, **{"If-Match": '"stale"'})
    assert response.status_code == 412 and "If-Match 与当前版本不符" in response.json()["error"]
    assert (
        Project.objects.get(pk=two.pk).funds_won == 0
        and not ProjectUpdate.objects.filter(period_key="2025-W29", project=two).exists()
    )
    response = post(reporter_b, f"{URL}/{two.pk}/updates", body, **{"If-Match": etag})
    assert response.status_code == 201
    assert reporter_b.get(f"{URL}/{two.pk}")["ETag"] != etag
    assert post(reporter_b, f"{URL}/{two.pk}/updates", body, **{"If-Match": etag}).status_code == 412


def test_the_ledger_downloads_as_a_workbook(projects, personas, client_for):
    response = client_for(personas["reporter_b"]).get(f"{URL}/ledger.xlsx")
    assert response.status_code == 200 and response["Content-Type"].startswith("application/vnd.openxml")
    book = load_workbook(BytesIO(response.content))
    rows = [row[0] for row in book["项目台账"].iter_rows(min_row=3, values_only=True)]
    assert "P-2" in rows and "P-1" not in rows


def test_pagination_walks_every_project_once(plan, personas, client_for):
    travel_to(dt.date(2025, 7, 15))
    unit = Unit.objects.get(name="县发改局")
    for n in range(17):
        register_project(SYSTEM, code=f"X-{n:02d}", name=f"项目{n}", owner_unit=unit)
    client, seen, cursor = client_for(personas["head_b"]), [], None
    while True:
        body = client.get(URL, {"limit": 4, **({"cursor": cursor} if cursor else {})}).json()
        seen += codes(body)
        cursor = body["next_cursor"]
        if not cursor:
            break
    assert seen == sorted(f"X-{n:02d}" for n in range(17))
