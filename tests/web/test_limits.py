"""What a careless user or an attacker sends: NUL and other control characters, texts
too long, bombs of workbooks. Pages and API answer 4xx in Chinese and write nothing, on
SQLite and PostgreSQL alike."""

import io
import json

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from luoshi.plans.models import PendingImport
from luoshi.reporting.models import Report
from tests.web.helpers import PERIOD, TASK_A, draft, task

pytestmark = pytest.mark.django_db


def post_json(client, url, data):
    return client.post(url, json.dumps(data), content_type="application/json")


@pytest.mark.parametrize("url", ["/tasks/?q=%00", "/tasks/?unit=%E5%8E%BF%01", "/api/v1/reports?period=%00"])
def test_nul_in_a_query_parameter_is_a_chinese_400(personas, today, client_for, url):
    response = client_for(personas["leader"]).get(url)
    assert response.status_code == 400
    text = response.json()["error"] if url.startswith("/api/") else response.content.decode()
    assert "网址参数" in text and "控制字符" in text


def test_nul_in_the_path_is_a_chinese_400(personas, today, client_for):
    response = client_for(personas["leader"]).get("/tasks/%00/")
    assert (
        response.status_code == 400 and "网址路径含有不可见的控制字符（U+0000）" in response.content.decode()
    )


def test_nul_in_report_text_on_the_page_is_refused_naming_the_field(personas, today, client_for):
    target = task(TASK_A)
    response = client_for(personas["reporter_a"]).post(
        f"/fill/{target.pk}/{PERIOD}/", {"progress": "30", "progress_text": "完成\x00摸底", "action": "save"}
    )
    assert response.status_code == 400
    assert "“本期进展”含有不可见的控制字符（U+0000）" in response.content.decode()
    assert not Report.objects.exists()


def test_report_text_over_the_limit_on_the_page_is_400_with_nothing_written(
    personas, today, client_for, settings
):
    settings.LUOSHI_LIMITS = {**settings.LUOSHI_LIMITS, "report_text_max": 100}
    target = task(TASK_A)
    response = client_for(personas["reporter_a"]).post(
        f"/fill/{target.pk}/{PERIOD}/", {"progress": "30", "progress_text": "进" * 101, "action": "save"}
    )
    assert response.status_code == 400
    assert "本期进展最多 100 字，现有 101 字" in response.content.decode()
    assert not Report.objects.exists()


def test_editing_a_draft_with_a_long_text_keeps_the_old_text(personas, today, client_for, settings):
    settings.LUOSHI_LIMITS = {**settings.LUOSHI_LIMITS, "report_text_max": 100}
    report = draft(personas["reporter_a"], text="完成企业摸底")
    response = client_for(personas["reporter_a"]).post(
        f"/reports/{report.pk}/", {"progress": "30", "problems": "问" * 101, "action": "save"}
    )
    assert response.status_code == 400 and "存在问题最多 100 字" in response.content.decode()
    report.refresh_from_db()
    assert report.problems == "" and report.progress_text == "完成企业摸底"


def test_nul_in_report_text_through_the_api_is_a_400_error(personas, today, client_for):
    client = client_for(personas["reporter_a"])
    response = post_json(
        client,
        "/api/v1/reports",
        {"task": task(TASK_A).pk, "period": PERIOD, "progress_text": "完成\x00摸底"},
    )
    assert response.status_code == 400
    assert response.json() == {
        "error": "字段“progress_text”含有不可见的控制字符（U+0000），请删去后重新填写（可能是从其他软件复制时带入的）"
    }
    assert not Report.objects.exists()


def test_report_text_over_the_limit_through_the_api_is_a_400_error(personas, today, client_for, settings):
    settings.LUOSHI_LIMITS = {**settings.LUOSHI_LIMITS, "report_text_max": 100}
    client = client_for(personas["reporter_a"])
    response = post_json(
        client, "/api/v1/reports", {"task": task(TASK_A).pk, "period": PERIOD, "coordination": "协" * 101}
    )
    assert response.status_code == 400
    assert response.json()["error"] == "需协调事项最多 100 字，现有 101 字：请精简后再提交"
    assert not Report.objects.exists()


def test_a_plan_file_with_a_control_character_is_refused_with_400(personas, today, client_for):
    plan = {"title": "某县方案\x01", "parts": []}
    upload = SimpleUploadedFile("方案.json", json.dumps(plan).encode())
    response = client_for(personas["coordinator"]).post("/import/", {"file": upload})
    assert response.status_code == 400
    assert "title含有不可见的控制字符（U+0001）" in response.content.decode()
    assert not PendingImport.objects.exists()


def test_a_plan_file_over_the_upload_limit_is_refused_with_400(personas, today, client_for, settings):
    settings.LUOSHI_LIMITS = {**settings.LUOSHI_LIMITS, "upload_max_bytes": 1024}
    upload = SimpleUploadedFile("方案.txt", "一、总体要求\n".encode() * 200)
    response = client_for(personas["coordinator"]).post("/import/", {"file": upload})
    assert response.status_code == 400 and "超过上传上限 1 KB" in response.content.decode()
    assert not PendingImport.objects.exists()


def test_a_workbook_bomb_uploaded_on_the_fill_page_is_refused(personas, today, client_for, settings):
    import zipfile

    settings.LUOSHI_LIMITS = {**settings.LUOSHI_LIMITS, "xlsx_max_expanded_bytes": 1024 * 1024}
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("xl/worksheets/sheet1.xml", b" " * (4 * 1024 * 1024))
    upload = SimpleUploadedFile("填报.xlsx", out.getvalue())
    response = client_for(personas["reporter_a"]).post("/fill/excel/upload/", {"file": upload})
    assert response.status_code == 400 and "疑似“压缩炸弹”" in response.content.decode()
    assert not Report.objects.exists()


def test_nul_in_a_token_header_is_a_400_not_a_500(personas, today, client):
    response = client.get("/api/v1/tasks", HTTP_AUTHORIZATION="Bearer abc\x00def")
    assert response.status_code == 400 and "请求头“Authorization”" in response.json()["error"]


def test_nul_in_the_session_cookie_is_a_chinese_400(personas, today, client):
    client.cookies["sessionid"] = "abc\x00def"
    response = client.get("/tasks/")
    assert response.status_code == 400 and "控制字符" in response.content.decode()


def test_an_excel_upload_over_the_size_limit_is_refused_before_it_is_read(
    personas, today, client_for, settings
):
    settings.LUOSHI_LIMITS = {**settings.LUOSHI_LIMITS, "upload_max_bytes": 1024}
    upload = SimpleUploadedFile("填报.xlsx", b"PK\x03\x04" + b"\x00" * 2048)
    response = client_for(personas["reporter_a"]).post("/fill/excel/upload/", {"file": upload})
    assert response.status_code == 400 and "超过上传上限 1 KB" in response.content.decode()
