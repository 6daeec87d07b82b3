"""/api/v1/plans and /api/v1/imports: versions with their content and diffs; 方案导入
through the API — the same staging, review, fixes, dry run and confirmation as the page,
for the coordinator only."""

import copy
import json

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from luoshi.plans.models import PendingImport, Plan
from tests.api.helpers import post, walk
from tests.plans.factories import make_plan

pytestmark = pytest.mark.django_db


def revised() -> dict:
    plan = make_plan()
    plan["sections"] = copy.deepcopy(plan["sections"])
    for section in plan["sections"]:
        if section["id"] == "附件1/一/(二)":
            section["text"] += "年内完成投资10亿元。"
    plan["tasks"] = [t for t in plan["tasks"] if t["section"] != "附件1/一/(三)"]
    return plan


def upload(client, plan: dict, name="方案.json", **fields):
    data = json.dumps(plan, ensure_ascii=False).encode()
    return client.post("/api/v1/imports", {"file": SimpleUploadedFile(name, data), **fields})


def test_an_import_through_the_api_makes_version_2_with_its_diff(personas, plan, today, client_for):
    client = client_for(personas["coordinator"])
    dry = upload(client, revised(), dry_run="true")
    assert dry.status_code == 200, dry.content
    body = dry.json()
    assert body["state"] == "dry_run" and body["previous_version"] == 1 and body["id"] is None
    assert body["dry_run"]["diff"]["tasks_removed"] == ["附件1/一/(三)"]
    assert Plan.objects.count() == 1 and not PendingImport.objects.exists()

    staged = upload(client, revised()).json()
    assert staged["state"] == "pending" and staged["dry_run"]["version"] == 2
    assert Plan.objects.count() == 1
    rehearsal = post(client, f"/api/v1/imports/{staged['id']}/confirm", {"dry_run": True}).json()
    assert rehearsal["state"] == "pending" and Plan.objects.count() == 1
    done = post(client, f"/api/v1/imports/{staged['id']}/confirm").json()
    assert done["state"] == "confirmed" and done["result"]["version"] == 2
    newest = Plan.objects.get(version=2)

    versions, count, _ = walk(client, f"/api/v1/plans/{plan.pk}/versions", limit=1)
    assert [(v["version"], v["is_current"]) for v in versions] == [(2, True), (1, False)] and count == 2
    assert versions[0]["changes"]["tasks_removed"] == 1
    diff = client.get(f"/api/v1/plans/{newest.pk}/diff").json()
    assert [s["version"] for s in diff["steps"]] == [2]
    changed = diff["steps"][0]["diff"]["tasks_changed"]
    assert changed[0]["section"] == "附件1/一/(二)" and "内容" in changed[0]["fields"]
    since = client.get(f"/api/v1/plans/{newest.pk}/diff", {"since": plan.pk}).json()
    assert since["from_version"] == 1 and since["to_version"] == 2
    assert client.get(f"/api/v1/plans/{plan.pk}/diff", {"since": newest.pk}).status_code == 400
    assert client.get("/api/v1/plans").json()["items"][0]["version"] == 2


def test_a_versions_content_is_its_document_scoped_for_a_unit(personas, plan, today, client_for):
    whole = client_for(personas["leader"]).get(f"/api/v1/plans/versions/{plan.pk}").json()
    assert len(whole["document"]["tasks"]) == 3 and whole["version"] == 1
    mine = client_for(personas["reporter_a"]).get(f"/api/v1/plans/versions/{plan.pk}").json()
    assert {t["section"].split("/")[0] for t in mine["document"]["tasks"]} == {"附件1"}
    assert all(p["key"] == "附件1" for p in mine["document"]["parts"])
    assert client_for(personas["leader"]).get("/api/v1/plans/versions/999999").status_code == 404


def test_only_the_coordinator_imports_or_sees_the_diff(personas, plan, today, client_for):
    for who in ("reporter_a", "office", "leader"):
        client = client_for(personas[who])
        response = upload(client, revised())
        assert response.status_code == 403 and "综合协调组" in response.json()["error"]
        assert client.get(f"/api/v1/plans/{plan.pk}/diff").status_code == 403
        assert client.get("/api/v1/imports").status_code == 403
    assert not PendingImport.objects.exists()


def test_the_clerks_fixes_go_into_the_dry_run(personas, plan, today, client_for):
    client = client_for(personas["coordinator"])
    changed = revised()
    changed["tasks"][0]["leads"] = ["县工信局局"]
    staged = upload(client, changed).json()
    assert "县工信局局" in {u["name"] for u in staged["units_to_check"]}
    fixed = post(client, f"/api/v1/imports/{staged['id']}/fixes", {"renames": {"县工信局局": "县工信局"}})
    assert fixed.status_code == 200 and fixed.json()["dry_run"]["diff"]["units_added"] == []
    bad = post(
        client,
        f"/api/v1/imports/{staged['id']}/fixes",
        {"targets": {"0": {"subject": "x", "op": ">=", "value": "很多"}}},
    )
    assert bad.status_code == 400 and "不是数字" in bad.json()["error"]
    assert PendingImport.objects.get().target_fixes == {}
    post(client, f"/api/v1/imports/{staged['id']}/discard")
    response = post(client, f"/api/v1/imports/{staged['id']}/confirm")
    assert response.status_code == 400 and "已放弃" in response.json()["error"]
    assert Plan.objects.count() == 1


def test_a_file_that_is_no_plan_is_400_in_chinese(personas, plan, today, client_for):
    client = client_for(personas["coordinator"])
    response = client.post("/api/v1/imports", {"file": SimpleUploadedFile("坏.json", b"{not json")})
    assert response.status_code == 400 and "坏.json" in response.json()["error"]
    assert not PendingImport.objects.exists()
