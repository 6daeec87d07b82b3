"""/api/v1/reports: every step the pages offer — draft, change, evidence, submit, approve,
accept, return with a reason, revise — through the reporting services, each seen
afterwards where the pages show it (the report, the task, the list)."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from luoshi.reporting.choices import ReportState
from luoshi.reporting.models import Evidence, Report
from tests.api.helpers import patch, post, walk
from tests.web.helpers import PERIOD, TASK_A, TASK_B, draft, task

pytestmark = pytest.mark.django_db


def upload(client, report_id, name="名单.pdf", content=b"%PDF-1.4 list", **headers):
    return client.post(
        f"/api/v1/reports/{report_id}/evidence",
        {"file": SimpleUploadedFile(name, content)},
        headers=headers,
    )


def test_the_whole_round_from_draft_to_revision(personas, today, client_for):
    reporter, head, office = (client_for(personas[p]) for p in ("reporter_a", "head_a", "office"))
    created = post(reporter, "/api/v1/reports", {"task": task(TASK_A).pk, "period": PERIOD, "progress": "20"})
    report_id = created.json()["id"]
    changed = patch(reporter, f"/api/v1/reports/{report_id}", {"progress_text": "完成摸底"})
    assert changed.json()["progress"] == 20.0 and changed.json()["progress_text"] == "完成摸底"
    assert upload(reporter, report_id).status_code == 200
    files = reporter.get(f"/api/v1/reports/{report_id}/evidence").json()
    assert [f["name"] for f in files["items"]] == ["名单.pdf"]
    assert post(reporter, f"/api/v1/reports/{report_id}/submit").json()["state"] == ReportState.SUBMITTED
    response = post(head, f"/api/v1/reports/{report_id}/return", {"reason": "补充数据"})
    assert response.json()["state"] == ReportState.RETURNED
    assert reporter.get(f"/api/v1/reports/{report_id}").json()["return_reason"] == "补充数据"
    assert "退回原因：</b>补充数据" in reporter.get(f"/reports/{report_id}/").content.decode()  # the page
    patch(reporter, f"/api/v1/reports/{report_id}", {"progress": "35"})
    post(reporter, f"/api/v1/reports/{report_id}/submit")
    assert post(head, f"/api/v1/reports/{report_id}/approve").json()["state"] == ReportState.APPROVED
    assert post(office, f"/api/v1/reports/{report_id}/accept").json()["state"] == ReportState.ACCEPTED
    shown = reporter.get(f"/api/v1/tasks/{task(TASK_A).pk}").json()
    assert shown["progress"] == 35.0 and shown["reports"][0]["state"] == ReportState.ACCEPTED
    assert "已审定" in reporter.get(f"/tasks/{task(TASK_A).pk}/").content.decode()  # the task page
    response = post(reporter, f"/api/v1/reports/{report_id}/revise", {"reason": ""})
    assert response.status_code == 400 and "原因" in response.json()["error"]
    revised = post(reporter, f"/api/v1/reports/{report_id}/revise", {"reason": "数据更正"}).json()
    assert revised["revision"] == 2 and revised["state"] == ReportState.DRAFT and revised["id"] != report_id
    listed = reporter.get("/api/v1/reports").json()["items"]
    assert [(r["id"], r["revision"]) for r in listed] == [(revised["id"], 2)]


def test_a_submitted_report_takes_no_change_nor_file(personas, today, client_for):
    reporter = client_for(personas["reporter_a"])
    report = draft(personas["reporter_a"])
    post(reporter, f"/api/v1/reports/{report.pk}/submit")
    response = patch(reporter, f"/api/v1/reports/{report.pk}", {"progress": "90"})
    assert response.status_code == 403
    assert upload(reporter, report.pk).status_code == 403
    assert Report.objects.get(pk=report.pk).progress == 30 and not Evidence.objects.exists()


def test_a_refused_file_is_400_in_chinese_and_not_kept(personas, today, client_for):
    report = draft(personas["reporter_a"])
    response = upload(client_for(personas["reporter_a"]), report.pk, name="病毒.exe", content=b"MZ")
    assert response.status_code == 400 and "病毒.exe" in response.json()["error"]
    assert not Evidence.objects.exists()


def test_another_units_report_is_404_for_every_step(personas, today, client_for):
    theirs = draft(personas["reporter_b"], TASK_B)
    mine = client_for(personas["reporter_a"])
    assert post(mine, f"/api/v1/reports/{theirs.pk}/revise", {"reason": "x"}).status_code == 404
    assert patch(mine, f"/api/v1/reports/{theirs.pk}", {"progress": "1"}).status_code == 404
    assert mine.get(f"/api/v1/reports/{theirs.pk}/evidence").status_code == 404
    assert post(mine, f"/api/v1/reports/{theirs.pk}/submit").status_code == 404
    assert upload(mine, theirs.pk).status_code == 404
    assert Report.objects.get(pk=theirs.pk).state == ReportState.DRAFT


def test_a_leader_reads_every_report_but_may_not_step_it(personas, today, client_for):
    draft(personas["reporter_b"], TASK_B)
    report = draft(personas["reporter_a"])
    post(client_for(personas["reporter_a"]), f"/api/v1/reports/{report.pk}/submit")
    leader = client_for(personas["leader"])
    seen, count, _ = walk(leader, "/api/v1/reports", limit=1)
    assert count == 2 and len({r["id"] for r in seen}) == 2
    for step in ("approve", "accept"):
        assert post(leader, f"/api/v1/reports/{report.pk}/{step}").status_code == 403
    assert post(leader, f"/api/v1/reports/{report.pk}/return", {"reason": "x"}).status_code == 403
    assert Report.objects.get(pk=report.pk).state == ReportState.SUBMITTED


def test_a_stale_if_match_on_a_change_is_412_and_nothing_is_written(personas, today, client_for):
    reporter = client_for(personas["reporter_a"])
    report = draft(personas["reporter_a"])
    etag = reporter.get(f"/api/v1/reports/{report.pk}")["ETag"]
    assert (
        patch(
            reporter, f"/api/v1/reports/{report.pk}", {"problems": "资金不足"}, **{"If-Match": etag}
        ).status_code
        == 200
    )
    response = patch(reporter, f"/api/v1/reports/{report.pk}", {"problems": "别的"}, **{"If-Match": etag})
    assert response.status_code == 412
    assert upload(reporter, report.pk, **{"If-Match": etag}).status_code == 412
    report.refresh_from_db()
    assert report.problems == "资金不足" and not Evidence.objects.exists()


def test_a_user_of_no_unit_filing_a_report_is_403_in_chinese(personas, today, client_for):
    for user in (_unitless_coordinator(), personas["leader"]):
        response = post(client_for(user), "/api/v1/reports", {"task": task(TASK_A).pk, "period": PERIOD})
        assert response.status_code == 403 and "不属于任何单位" in response.json()["error"]
    assert not Report.objects.exists()


def _unitless_coordinator():
    from django.contrib.auth import get_user_model

    from luoshi.accounts.models import Profile

    user = get_user_model().objects.create_user("coordinator_without_unit", password="Luoshi@2025x")
    Profile.objects.create(user=user, role="coordinator")
    return user


def test_an_evidence_file_over_the_limit_is_413_naming_the_limit_and_not_kept(
    personas, today, client_for, settings
):
    settings.LUOSHI_LIMITS = {**settings.LUOSHI_LIMITS, "upload_max_bytes": 1024}
    report = draft(personas["reporter_a"])
    response = upload(client_for(personas["reporter_a"]), report.pk, content=b"%PDF-1.4 " + b"x" * 4096)
    assert response.status_code == 413
    assert response.json()["error"] == "文件“名单.pdf”有 4 KB，超过上传上限 1 KB"
    assert not Evidence.objects.exists()
    assert upload(client_for(personas["reporter_a"]), report.pk, content=b"%PDF-1.4 small").status_code == 200
