"""Major projects: the ledger import with every bad cell and broken rule named, weekly
updates by the owner unit, biweekly reconciliation flagging each difference, the rates
of a past date from the snapshots, and the ledger round trip."""

import datetime as dt
from decimal import Decimal as D
from io import BytesIO

import pytest
from django.core.exceptions import PermissionDenied
from django.http import Http404
from openpyxl import Workbook, load_workbook

from luoshi.accounts.permissions import SYSTEM, actor_for
from luoshi.core.sheets import SheetError
from luoshi.projects import permissions
from luoshi.projects.choices import ReconState, UpdateState
from luoshi.projects.figures import project_rates
from luoshi.projects.ledger import PROJECT_COLUMNS, write_ledger
from luoshi.projects.models import Project, ProjectChange, ProjectUpdate
from luoshi.projects.services import (
    ProjectError,
    import_projects,
    reconcile,
    submit_update,
)
from luoshi.reporting.periods import span_containing
from tests.clock import travel_to

TODAY = dt.date(2025, 6, 4)  # Wednesday of 2025-W23
NEXT_WEEK = dt.date(2025, 6, 11)  # 2025-W24, the same fortnight
FORTNIGHT = span_containing("fortnight", TODAY).key

HEADER = ["项目编号", "项目名称", "责任单位", "所属攻坚", "总投资(万元)", "年度计划投资(万元)", "年度完成投资(万元)",
          "申报资金(万元)", "争取资金(万元)", "到位资金(万元)", "支付资金(万元)", "计划开工日期", "实际开工日期",
          "计划竣工日期", "形象进度(%)"]  # fmt: skip
ROWS = [
    ["XM-01", "园区污水管网", "县发改局", "附件1", 5000, 2000, 900, 1000, 600, 800, 400, "2025-03-01", "2025-03-15", "2026-06-30", 45],
    ["XM-02", "标准厂房", "县发改局", "附件1", 3000, 1000, 300, 500, 400, 300, 300, "2025-05-01", None, "2026-12-31", 10],
    ["XM-03", "数字政务平台", "县工信局", None, 800, 500, 100, 0, 0, 200, 50, "2025-06-01", "2025-06-02", "2025-12-31", 20],
]  # fmt: skip


def xlsx(rows, header=HEADER) -> bytes:
    book = Workbook()
    sheet = book.active
    sheet.append(header)
    for row in rows:
        sheet.append(row)
    out = BytesIO()
    book.save(out)
    return out.getvalue()


@pytest.fixture(autouse=True)
def today(db):
    travel_to(TODAY)


@pytest.fixture
def actors(personas):
    return {"system": SYSTEM, **{name: actor_for(user) for name, user in personas.items()}}


@pytest.fixture
def projects(actors, plan):
    import_projects(actors["coordinator"], xlsx(ROWS), "重大项目台账.xlsx")
    return {p.code: p for p in Project.objects.all()}


def test_import_registers_projects_with_a_snapshot_each(projects):
    p1 = projects["XM-01"]
    assert (p1.owner_unit.name, p1.part.key, p1.funds_paid, p1.actual_start, p1.year) == (
        "县发改局",
        "附件1",
        D("400.00"),
        dt.date(2025, 3, 15),
        2025,
    )
    assert ProjectUpdate.objects.count() == 3 and ProjectChange.objects.filter(action="create").count() == 3


@pytest.mark.parametrize(
    ("column", "value", "message"),
    [
        (10, 900, "第2行（项目 XM-01）：支付资金（900.00万元）不能大于到位资金（800.00万元）"),
        (12, "2026-07-01", "第2行（项目 XM-01）：实际开工日期（2026-07-01）不能晚于今天"),
        (
            11,
            "2027-01-01",
            "第2行（项目 XM-01）：计划开工日期（2027-01-01）不能晚于计划竣工日期（2026-06-30）",
        ),
        (14, 120, "第2行 O2（形象进度）：应在 0 到 100 之间（120）"),
        (9, -5, "第2行 J2（到位资金）：不能为负数（-5）"),
        (7, "约800", "第2行 H2（申报资金）：“约800”不是数字"),
        (2, "县不存在局", "第2行 C2（责任单位）：找不到单位“县不存在局”"),
    ],
)
def test_import_refuses_bad_rows_naming_the_field(actors, plan, column, value, message):
    rows = [list(row) for row in ROWS]
    rows[0][column] = value
    with pytest.raises(SheetError) as caught:
        import_projects(actors["coordinator"], xlsx(rows), "台账.xlsx")
    assert caught.value.errors[0].startswith(message)
    assert not Project.objects.exists() and not ProjectUpdate.objects.exists()


def test_import_refuses_missing_columns(actors, plan):
    with pytest.raises(SheetError, match="缺少必需的列：项目名称、责任单位"):
        import_projects(actors["coordinator"], xlsx([[r[0]] for r in ROWS], ["项目编号"]), "台账.xlsx")


def test_only_the_coordinator_imports(actors, plan):
    with pytest.raises(PermissionDenied):
        import_projects(actors["head_b"], xlsx(ROWS), "台账.xlsx")


def test_weekly_update_by_the_owner_unit(actors, projects):
    p2 = projects["XM-02"]
    update = submit_update(
        actors["reporter_b"],
        p2,
        "2025-W23",
        {"actual_start": dt.date(2025, 6, 3), "physical_progress": D(15)},
    )
    p2.refresh_from_db()
    assert (p2.actual_start, p2.physical_progress, update.state) == (
        dt.date(2025, 6, 3),
        D(15),
        UpdateState.REPORTED,
    )
    again = submit_update(actors["reporter_b"], p2, "2025-W23", {"physical_progress": D(18)})
    assert (
        again.pk == update.pk and ProjectUpdate.objects.filter(project=p2, period_key="2025-W23").count() == 1
    )
    change = ProjectChange.objects.filter(project=p2, action="update").last()
    assert change.changes == {"physical_progress": ["15.00", "18"]}


@pytest.mark.parametrize(
    ("who", "week", "figures", "error", "message"),
    [
        (
            "reporter_a",
            "2025-W23",
            {"physical_progress": D(20)},
            PermissionDenied,
            "只有责任单位（县发改局）",
        ),
        ("reporter_b", "2025-W24", {"physical_progress": D(20)}, ProjectError, "尚未开始"),
        ("reporter_b", "2025-06", {"physical_progress": D(20)}, ProjectError, "应按周填报"),
        (
            "reporter_b",
            "2025-W23",
            {"funds_paid": D(500)},
            ProjectError,
            "支付资金（500万元）不能大于到位资金（300.00万元）",
        ),
        ("reporter_b", "2025-W23", {"total_investment": D(1)}, ProjectError, "每周调度不能修改：总投资"),
    ],
)
def test_weekly_update_refused(actors, projects, who, week, figures, error, message):
    p2 = projects["XM-02"]
    with pytest.raises(error, match=message):
        submit_update(actors[who], p2, week, figures)
    p2.refresh_from_db()
    assert p2.physical_progress == D(10) and not ProjectUpdate.objects.filter(period_key=week).exists()


def test_reconciliation_flags_every_difference(actors, projects):
    p1 = projects["XM-01"]
    submit_update(actors["reporter_b"], p1, "2025-W23", {"funds_paid": D(450)})
    recon = reconcile(
        actors["coordinator"],
        p1,
        FORTNIGHT,
        {"funds_allocated": D(800), "funds_paid": D(420), "funds_won": D(650)},
    )
    assert recon.state == ReconState.DIFFERS
    flagged = {
        line.field: (line.reported, line.confirmed, line.difference)
        for line in recon.lines.filter(flagged=True)
    }
    assert flagged == {"funds_paid": (D(450), D(420), D(-30)), "funds_won": (D(600), D(650), D(50))}
    assert recon.lines.get(field="funds_allocated").flagged is False
    assert ProjectUpdate.objects.get(project=p1, period_key="2025-W23").state == UpdateState.DISCREPANT
    matched = reconcile(actors["coordinator"], p1, FORTNIGHT, {"funds_paid": D(450)})
    assert matched.pk == recon.pk and matched.state == ReconState.MATCHED and matched.lines.count() == 1
    with pytest.raises(PermissionDenied):
        reconcile(actors["head_b"], p1, FORTNIGHT, {"funds_paid": D(450)})
    with pytest.raises(ProjectError, match="不是双周"):
        reconcile(actors["coordinator"], p1, "2025-W23", {"funds_paid": D(450)})


def test_rates_of_a_past_date_use_the_figures_reported_by_then(actors, projects):
    before = project_rates(actors["coordinator"], TODAY)
    # 资金支付率 today: 400 + 300 + 50 / 800 + 300 + 200 = 750 / 1300
    assert before.payment_rate == D("57.7")
    travel_to(NEXT_WEEK)
    submit_update(
        actors["reporter_b"], projects["XM-02"], "2025-W24", {"funds_allocated": D(700), "funds_paid": D(700)}
    )
    # next week: 400 + 700 + 50 / 800 + 700 + 200 = 1150 / 1700 = 67.6 %
    assert project_rates(actors["coordinator"], NEXT_WEEK).payment_rate == D("67.6")
    assert project_rates(actors["coordinator"], TODAY).payment_rate == D("57.7")
    # a unit sees only its own projects
    mine = project_rates(actors["reporter_a"], NEXT_WEEK)
    assert (mine.projects, mine.payment_rate) == (1, D("25.0"))
    by_unit = project_rates(actors["coordinator"], NEXT_WEEK, "unit")
    assert set(by_unit) == {"县发改局", "县工信局"}


def test_ledger_round_trip_keeps_every_project(actors, projects, tmp_path):
    coordinator = actors["coordinator"]
    path = tmp_path / "项目台账.xlsx"
    write_ledger(
        Project.objects.order_by("code"),
        project_rates(coordinator, TODAY),
        project_rates(coordinator, TODAY, "unit"),
        project_rates(coordinator, TODAY, "campaign"),
        [],
        TODAY,
        path,
    )
    book = load_workbook(path)
    assert book.sheetnames == ["项目台账", "四比四提高", "对账差异"]
    sheet = book["项目台账"]
    assert [c.value for c in sheet[2]] == [c.title for c in PROJECT_COLUMNS]
    sheet.cell(row=4, column=2).value = "标准厂房（一期）"
    book.save(path)
    result = import_projects(coordinator, path.read_bytes(), "项目台账.xlsx")
    assert (len(result.created), len(result.updated), result.unchanged) == (0, 1, 2)
    assert Project.objects.count() == 3 and Project.objects.get(code="XM-02").name == "标准厂房（一期）"
    assert (
        book["四比四提高"]["C3"].value == "66.7%"
    )  # 争资 600 + 400 / 1000 + 500 (XM-03 applied for nothing)


SEES = {
    "reporter_a": {"XM-03"},
    "head_a": {"XM-03"},
    "reporter_b": {"XM-01", "XM-02"},
    "head_b": {"XM-01", "XM-02"},
    "office": {"XM-01", "XM-02", "XM-03"},  # 附件1's office, and 县工信局's own
    "coordinator": {"XM-01", "XM-02", "XM-03"},
    "leader": {"XM-01", "XM-02", "XM-03"},
    "system": {"XM-01", "XM-02", "XM-03"},
}
UPDATES = {
    "reporter_a": {"XM-03"},
    "head_a": {"XM-03"},
    "reporter_b": {"XM-01", "XM-02"},
    "head_b": {"XM-01", "XM-02"},
    "office": set(),
    "coordinator": {"XM-01", "XM-02", "XM-03"},
    "leader": set(),
    "system": {"XM-01", "XM-02", "XM-03"},
}
MANAGES = {"coordinator", "system"}


@pytest.mark.parametrize("role", list(SEES))
def test_who_sees_updates_and_manages(role, actors, projects):
    actor = actors[role]
    assert set(permissions.visible_projects(actor).values_list("code", flat=True)) == SEES[role]
    assert {c for c, p in projects.items() if permissions.can_update(actor, p)} == UPDATES[role]
    assert permissions.can_manage(actor) is (role in MANAGES)
    for code, project in projects.items():
        if code not in SEES[role]:
            with pytest.raises(Http404):
                permissions.get_project_for(actor, project.pk)
        elif code not in UPDATES[role]:
            with pytest.raises(PermissionDenied):
                permissions.get_project_for(actor, project.pk, write=True)
        else:
            assert permissions.get_project_for(actor, project.pk, write=True) == project
