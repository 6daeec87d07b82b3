"""Plan import in the browser's pages: upload, review with unit fixes, confirm; a revised
plan shows its differences and keeps unchanged tasks."""

import json

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from luoshi.plans.choices import ImportState
from luoshi.plans.models import PendingImport, Plan, Task
from tests.plans.factories import make_plan

pytestmark = pytest.mark.django_db


def upload(client, data: dict, name="plan.json"):
    file = SimpleUploadedFile(name, json.dumps(data, ensure_ascii=False).encode())
    return client.post("/import/", {"file": file})


def test_upload_review_fix_and_confirm(personas, today, client_for):
    client = client_for(personas["coordinator"])
    data = make_plan(title="示范县实施“两大攻坚”工作方案")
    response = upload(client, data)
    pending = PendingImport.objects.get()
    assert response["Location"] == f"/import/{pending.pk}/"
    html = client.get(f"/import/{pending.pk}/").content.decode()
    assert '<mark class="unit lead">县工信局</mark>' in html
    assert '<mark class="target">新增规模工业企业10家</mark>' in html
    assert "未写明牵头单位" not in html  # every test task names its lead
    assert "近似：县住建局(交通局)" in html or "县住建(交通)局" in html
    client.post(f"/import/{pending.pk}/", {"rename:城关镇": "城关镇人民政府", "action": "apply"})
    response = client.post(f"/import/{pending.pk}/", {"rename:城关镇": "城关镇人民政府", "action": "confirm"})
    assert response["Location"] == f"/import/{pending.pk}/result/"
    pending.refresh_from_db()
    assert pending.state == ImportState.CONFIRMED
    plan = pending.plan
    assert plan.tasks.filter(task_units__unit__name="城关镇人民政府").exists()
    assert "已导入" in client.get(f"/import/{pending.pk}/result/").content.decode()


def test_revised_plan_shows_the_diff_before_and_after(personas, plan, today, client_for):
    client = client_for(personas["coordinator"])
    revised = make_plan()
    revised["sections"][2]["text"] = revised["sections"][2]["text"].replace("10家", "12家")
    revised["tasks"] = [t for t in revised["tasks"] if t["section"] != "附件1/一/(三)"]
    kept = Task.objects.get(section__sid="附件1/一/(一)").pk
    upload(client, revised)
    pending = PendingImport.objects.get()
    html = client.get(f"/import/{pending.pk}/").content.decode()
    assert "与现行第1版相比" in html and "删除：附件1/一/(三)" in html and "修改：附件1/一/(一)" in html
    assert Plan.objects.count() == 1  # the review's dry run wrote nothing
    client.post(f"/import/{pending.pk}/", {"action": "confirm"})
    html = client.get(f"/import/{pending.pk}/result/").content.decode()
    assert "第2版" in html and "删除：附件1/一/(三)" in html
    assert Task.objects.get(pk=kept).plan.version == 2


def test_bad_file_gets_a_chinese_message(personas, today, client_for):
    client = client_for(personas["coordinator"])
    response = client.post("/import/", {"file": SimpleUploadedFile("x.json", b"{not json")})
    assert response.status_code == 200 and "x.json" in response.content.decode()
    assert not PendingImport.objects.exists()


def test_only_the_coordinator_imports(personas, today, client_for):
    for who in ("office", "leader", "reporter_a"):
        assert client_for(personas[who]).get("/import/").status_code == 403
