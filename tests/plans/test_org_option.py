"""``--org`` on the commands that write in an organisation: the ledger's units, the
project codes, the plan of a template or a schedule are those of the organisation named;
an unknown one is refused with the words of ``luoshi import --org``, nothing written."""

import json
from io import BytesIO, StringIO

import pytest
from django.core.management import CommandError, call_command
from openpyxl import Workbook

from luoshi.accounts.permissions import SYSTEM
from luoshi.plans.models import Plan, Unit
from luoshi.projects.models import Project
from luoshi.projects.services import ProjectError, register_project
from luoshi.supervision.models import SupervisionItem

pytestmark = pytest.mark.django_db

UNKNOWN = "找不到组织“无此县”（luoshi org list 列出全部）\n未写入任何内容。"
PROJECT_HEADER = ["项目编号", "项目名称", "责任单位", "年度计划投资(万元)"]
LEDGER_HEADER = ["序号", "问题描述", "整改措施", "责任单位", "配合单位", "整改时限", "来源"]


def xlsx(header, rows, title=None) -> bytes:
    book = Workbook()
    if title:
        book.active.append([title])
    book.active.append(header)
    for row in rows:
        book.active.append(row)
    out = BytesIO()
    book.save(out)
    return out.getvalue()


def run(*args) -> str:
    out = StringIO()
    call_command(*args, stdout=out)
    return out.getvalue()


COMMANDS = [
    ("import_plan", "{file}"),
    ("projects", "import", "{file}"),
    ("projects", "update", "--week", "2025-W21", "--file", "{file}"),
    ("projects", "reconcile", "{file}", "--period", "2025-F10"),
    ("supervise", "import-ledger", "{file}"),
    ("template", "--unit", "鼎城区工信局", "--period", "2025-05-2", "-o", "{out}"),
    ("schedule", "--cadence", "month"),
]


@pytest.mark.parametrize("command", COMMANDS, ids=lambda c: " ".join(c[:2]))
def test_an_unknown_org_is_refused_as_luoshi_import_says_it(command, city, tmp_path):
    source = tmp_path / "台账.xlsx"
    source.write_bytes(xlsx(PROJECT_HEADER, [["2025-001", "标准厂房", "鼎城区工信局", 100]]))
    args = [a.format(file=source, out=tmp_path / "模板.xlsx") for a in command]
    before = (Plan.objects.count(), Project.objects.count(), SupervisionItem.objects.count())
    with pytest.raises(CommandError) as refused:
        call_command(*args, "--org", "无此县")
    assert str(refused.value) == UNKNOWN
    assert (Plan.objects.count(), Project.objects.count(), SupervisionItem.objects.count()) == before
    assert not (tmp_path / "模板.xlsx").exists()


def test_two_districts_each_have_project_2025_001(city, tmp_path):
    dc_ledger = tmp_path / "鼎城区项目.xlsx"
    dc_ledger.write_bytes(xlsx(PROJECT_HEADER, [["2025-001", "标准厂房", "鼎城区工信局", 100]]))
    xd_ledger = tmp_path / "西洞庭项目.xlsx"
    xd_ledger.write_bytes(xlsx(PROJECT_HEADER, [["2025-001", "污水管网", "西洞庭经发局", 300]]))
    assert json.loads(run("projects", "import", str(dc_ledger), "--org", "鼎城区", "--json"))["created"] == 1
    # 西洞庭's units are not 鼎城区's: without --org they are not found, nothing written
    with pytest.raises(CommandError, match="找不到单位“西洞庭经发局”"):
        run("projects", "import", str(xd_ledger))
    assert (
        json.loads(run("projects", "import", str(xd_ledger), "--org", "西洞庭管理区", "--json"))["created"]
        == 1
    )
    projects = Project.objects.filter(code="2025-001").order_by("organisation__path")
    assert [(p.organisation.name, p.name, p.owner_unit.name) for p in projects] == [
        ("鼎城区", "标准厂房", "鼎城区工信局"),
        ("西洞庭管理区", "污水管网", "西洞庭经发局"),
    ]
    # a weekly update names the project by its code in the organisation given
    run("projects", "update", "2025-001", "--week", "2025-W21", "--progress", "30", "--org", "西洞庭管理区")
    assert [str(p.physical_progress) for p in projects.all()] == ["0.00", "30.00"]
    # the same code twice in one organisation is refused, naming it
    with pytest.raises(ProjectError, match="项目编号 2025-001 在“鼎城区”已存在"):
        register_project(
            SYSTEM, code="2025-001", name="另一个", owner_unit=Unit.objects.get(name="鼎城区发改局")
        )


def test_a_ledger_imported_into_a_district_finds_its_units(city, tmp_path):
    source = tmp_path / "整改台账.xlsx"
    rows = [
        [1, "巡察发现问题：台账资料不全", "补齐资料", "西洞庭经发局", "西洞庭社会事务局", "2025-06-30", ""]
    ]
    source.write_bytes(xlsx(LEDGER_HEADER, rows, title="西洞庭巡察整改台账"))
    with pytest.raises(CommandError, match="找不到单位“西洞庭经发局”"):
        run("supervise", "import-ledger", str(source))
    assert not SupervisionItem.objects.exists()
    summary = json.loads(run("supervise", "import-ledger", str(source), "--org", "西洞庭管理区", "--json"))
    assert summary["created"] == 1
    item = SupervisionItem.objects.get()
    assert item.lead_unit.organisation == city["xd"]
    assert [u.name for u in item.cooperating_units.all()] == ["西洞庭社会事务局"]


def test_a_template_and_a_schedule_of_a_district(reported, tmp_path):
    out = tmp_path / "模板.xlsx"
    text = run(
        "template",
        "--unit",
        "鼎城区工信局",
        "--period",
        "2025-05-2",
        "-o",
        str(out),
        "--org",
        "鼎城区",
        "--json",
    )
    data = json.loads(text)
    district_plan = Plan.objects.get(organisation=reported["dc"])
    assert data["plan"] == district_plan.pk and data["unit"] == "鼎城区工信局" and data["tasks"] >= 1
    assert out.exists()
    shown = run("schedule", "--org", "鼎城区")
    assert shown.startswith(str(district_plan))
