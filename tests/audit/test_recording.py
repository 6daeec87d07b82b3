"""Every write leaves one audit row through one service, from whichever door it came:
actor, address (the client's IP; on the command line ``cli:`` and the system user), the
object by type, id and name, and the fields changed with their values before and after."""

import json

import pytest
from django.contrib.auth import get_user_model

from luoshi.audit.choices import AuditAction
from luoshi.audit.models import AuditLog
from luoshi.audit.services import os_user, verify_chain
from luoshi.cli import main as luoshi
from luoshi.plans.models import Unit
from tests.web.helpers import PERIOD, TASK_A, draft, task

pytestmark = pytest.mark.django_db


def rows_since(mark: int):
    return list(AuditLog.objects.filter(sequence__gt=mark).order_by("sequence"))


def last_sequence() -> int:
    return AuditLog.objects.order_by("-sequence").values_list("sequence", flat=True).first() or 0


def test_a_page_write_records_the_object_and_its_fields_before_and_after(personas, today, client_for):
    report = draft(personas["reporter_a"], progress="20", text="摸底")
    client = client_for(personas["reporter_a"])
    mark = last_sequence()
    client.post(
        f"/reports/{report.pk}/",
        {"progress": "30", "progress_text": "完成企业摸底", "action": "save"},
        REMOTE_ADDR="10.1.2.3",
        HTTP_USER_AGENT="测试浏览器",
    )
    [row] = rows_since(mark)
    report.refresh_from_db()
    assert (row.user, row.address, row.user_agent) == (personas["reporter_a"], "10.1.2.3", "测试浏览器")
    assert (row.object_type, row.object_id, row.object_repr) == (
        "reporting.report",
        str(report.pk),
        str(report),
    )
    assert row.action == AuditAction.CHANGE and row.operation == "填写报告"
    assert row.changes == {"progress": ["20.0", "30.0"], "progress_text": ["摸底", "完成企业摸底"]}


def test_an_api_write_records_the_object_and_its_changes(personas, today, client_for):
    client = client_for(personas["reporter_a"])
    mark = last_sequence()
    response = client.post(
        "/api/v1/reports",
        json.dumps(
            {"task": task(TASK_A).pk, "period": PERIOD, "progress": "25", "progress_text": "开展摸底"}
        ),
        content_type="application/json",
        REMOTE_ADDR="10.9.8.7",
    )
    report_id = response.json()["id"]
    client.post(f"/api/v1/reports/{report_id}/submit", "{}", content_type="application/json")
    created, submitted = rows_since(mark)
    assert created.action == AuditAction.CREATE and created.object_id == str(report_id)
    assert created.changes["progress_text"] == [None, "开展摸底"] and created.address == "10.9.8.7"
    assert submitted.operation == "提交报告" and submitted.changes == {"state": ["draft", "submitted"]}
    assert submitted.user == personas["reporter_a"]


def test_a_command_line_write_records_the_system_user(personas, today, capsys):
    mark = last_sequence()
    assert luoshi(["milestones", TASK_A, "--add", "完成选址", "2025-09-30"]) == 0
    [row] = rows_since(mark)
    assert row.address == f"cli:{os_user()}" and row.username == "系统" and row.user is None
    assert row.method == "CLI" and row.path.startswith("luoshi milestones")
    assert row.object_type == "reporting.milestone" and row.changes["title"] == [None, "完成选址"]


def test_an_excel_upload_records_each_report_it_writes(personas, today, tmp_path, capsys):
    from openpyxl import load_workbook

    from tests.reporting.test_excel import MAY_FIRST_DEKAD, fill

    path = tmp_path / "县工信局.xlsx"
    assert luoshi(["template", "--unit", "县工信局", "--period", MAY_FIRST_DEKAD, "-o", str(path)]) == 0
    fill(load_workbook(path)).save(path)
    mark = last_sequence()
    assert luoshi(["upload", str(path)]) == 0
    written = rows_since(mark)
    assert [r.operation for r in written] == ["填写报告", "提交报告"]
    assert all(r.object_type == "reporting.report" and r.address.startswith("cli:") for r in written)
    assert written[0].changes["progress"] == [None, "30.0"]


def test_an_admin_write_records_the_fields_before_and_after(personas, today):
    from django.test import Client

    admin = get_user_model().objects.create_superuser("admin", "a@example.com", "Luoshi@2025x")
    client = Client()
    client.force_login(admin)
    unit = Unit.objects.get(name="县工信局")
    mark = last_sequence()
    response = client.post(
        f"/admin/plans/unit/{unit.pk}/change/",
        {
            "name": unit.name,
            "kind": unit.kind,
            "short_name": "工信",
            "order": unit.order,
            "aliases-TOTAL_FORMS": "0",
            "aliases-INITIAL_FORMS": "0",
        },
        REMOTE_ADDR="10.0.0.9",
    )
    assert response.status_code == 302
    [row] = rows_since(mark)
    assert row.user == admin and row.address == "10.0.0.9" and row.operation == "后台修改"
    assert row.object_type == "plans.unit" and row.changes == {"short_name": ["", "工信"]}
    assert verify_chain().ok


def test_a_refused_write_is_recorded_as_refused(personas, today, client_for):
    client = client_for(personas["reporter_a"])
    mark = last_sequence()
    response = client.post("/import/")
    assert response.status_code == 403
    [row] = rows_since(mark)
    assert row.action == AuditAction.DENIED and row.status_code == 403


def test_a_plan_import_records_its_upload_fixes_and_confirmation_not_its_dry_run(personas, today, client_for):
    from tests.plans.factories import make_plan
    from tests.web.test_import import upload

    client = client_for(personas["coordinator"])
    mark = last_sequence()
    upload(client, make_plan(title="示范县实施“两大攻坚”工作方案"))
    [staged] = rows_since(mark)  # the review's trial import was rolled back, and so was its row
    assert staged.operation == "上传方案待审" and staged.object_type == "plans.pendingimport"
    pk = staged.object_id
    client.post(f"/import/{pk}/", {"rename:城关镇": "城关镇人民政府", "action": "apply"})
    client.post(f"/import/{pk}/", {"rename:城关镇": "城关镇人民政府", "action": "confirm"})
    operations = [r.operation for r in rows_since(staged.sequence)]
    assert operations == ["更正单位名称", "导入方案"]
    assert all(r.user == personas["coordinator"] for r in rows_since(mark))
