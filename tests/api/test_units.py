"""/api/v1/units: everyone with a role reads the registry; the coordinator adds, renames,
gives aliases and merges (the admin's work), and what it did shows on the tasks and in
later lookups. Everyone else gets 403 with nothing written."""

import pytest

from luoshi.audit.models import AuditLog
from luoshi.plans.models import TaskUnit, Unit, UnitAlias
from tests.api.helpers import patch, post, send, walk
from tests.web.helpers import TASK_A, task

pytestmark = pytest.mark.django_db


def test_the_registry_is_read_by_every_role_and_walks_whole(personas, today, client_for):
    seen, count, _ = walk(client_for(personas["reporter_a"]), "/api/v1/units", limit=2)
    names = [u["name"] for u in seen]
    assert count == len(names) == len(set(names)) == Unit.objects.exclude(kind="group").count()
    assert "县直有关单位" not in names
    gx = next(u for u in seen if u["name"] == "县工信局")
    assert gx["leads"] == 1
    found = client_for(personas["leader"]).get("/api/v1/units", {"q": "住建"}).json()["items"]
    assert [u["name"] for u in found] == ["县住建局(交通局)"]
    assert {a["name"] for a in found[0]["aliases"]} == {"县住建(交通)局"}


def test_the_coordinator_adds_renames_and_aliases_a_unit(personas, today, client_for):
    client = client_for(personas["coordinator"])
    created = post(client, "/api/v1/units", {"name": "县 数据局"})
    assert created.status_code == 200 and created.json()["name"] == "县数据局"
    unit_id = created.json()["id"]
    renamed = patch(
        client,
        f"/api/v1/units/{unit_id}",
        {"name": "县数据资源局", "short_name": "数据局"},
        **{"If-Match": created["ETag"]},
    )
    assert renamed.status_code == 200 and renamed.json()["name"] == "县数据资源局"
    alias = post(client, f"/api/v1/units/{unit_id}/aliases", {"name": "县大数据局"})
    assert alias.status_code == 200
    shown = client.get(f"/api/v1/units/{unit_id}").json()
    assert [a["name"] for a in shown["aliases"]] == ["县大数据局"]
    # a later lookup by the alias finds the unit, as the task list's unit filter does
    assert client.get("/api/v1/units", {"q": "大数据"}).json()["items"][0]["id"] == unit_id
    removed = send(client, "delete", f"/api/v1/units/{unit_id}/aliases/{alias.json()['id']}")
    assert removed.status_code == 200 and removed.json()["aliases"] == []
    assert (
        AuditLog.objects.filter(
            operation__in=["新增单位", "修改单位", "新增单位别名", "删除单位别名"]
        ).count()
        == 4
    )


def test_a_name_taken_by_a_unit_or_an_alias_is_400_with_nothing_written(personas, today, client_for):
    client = client_for(personas["coordinator"])
    before = Unit.objects.count()
    response = post(client, "/api/v1/units", {"name": "县工信局"})
    assert response.status_code == 400 and "已是名录中的单位" in response.json()["error"]
    response = post(client, "/api/v1/units", {"name": "县住建(交通)局"})
    assert response.status_code == 400 and "别名" in response.json()["error"]
    unit = Unit.objects.get(name="县发改局")
    response = patch(client, f"/api/v1/units/{unit.pk}", {"name": "县工信局"})
    assert response.status_code == 400
    response = post(client, "/api/v1/units", {"name": "  "})
    assert response.status_code == 400 and "不能为空" in response.json()["error"]
    assert Unit.objects.count() == before and Unit.objects.filter(name="县发改局").exists()


def test_merging_moves_the_tasks_and_keeps_the_old_name_as_an_alias(personas, today, client_for):
    client = client_for(personas["coordinator"])
    keep = Unit.objects.get(name="县工信局")
    other = Unit.objects.get(name="城关镇")  # cooperates on (一), which 县工信局 leads
    response = post(client, f"/api/v1/units/{keep.pk}/merge", {"other": other.pk})
    assert response.status_code == 200, response.content
    body = response.json()
    assert "城关镇" in body["message"] and "城关镇" in {a["name"] for a in body["unit"]["aliases"]}
    assert not Unit.objects.filter(name="城关镇").exists()
    assert TaskUnit.objects.get(task=task(TASK_A), unit=keep).role == "lead"
    assert client.get(f"/api/v1/units/{other.pk}").status_code == 404
    response = post(client, f"/api/v1/units/{keep.pk}/merge", {"other": keep.pk})
    assert response.status_code == 400 and "自己" in response.json()["error"]


def test_no_one_else_may_change_the_registry(personas, today, client_for):
    unit = Unit.objects.get(name="县发改局")
    other = Unit.objects.get(name="城关镇")
    for who in ("reporter_a", "head_a", "office", "leader"):
        client = client_for(personas[who])
        assert post(client, "/api/v1/units", {"name": "县新单位"}).status_code == 403
        assert patch(client, f"/api/v1/units/{unit.pk}", {"name": "改名"}).status_code == 403
        assert post(client, f"/api/v1/units/{unit.pk}/aliases", {"name": "别名"}).status_code == 403
        response = post(client, f"/api/v1/units/{unit.pk}/merge", {"other": other.pk})
        assert response.status_code == 403 and "综合协调组" in response.json()["error"]
    assert Unit.objects.filter(name="城关镇").exists() and not UnitAlias.objects.filter(name="别名").exists()
    assert Unit.objects.get(pk=unit.pk).name == "县发改局"


def test_a_stale_if_match_on_a_unit_is_412_and_nothing_changes(personas, today, client_for):
    client = client_for(personas["coordinator"])
    unit = Unit.objects.get(name="县发改局")
    etag = client.get(f"/api/v1/units/{unit.pk}")["ETag"]
    post(client, f"/api/v1/units/{unit.pk}/aliases", {"name": "县发展改革局"})
    response = patch(client, f"/api/v1/units/{unit.pk}", {"short_name": "发改"}, **{"If-Match": etag})
    assert response.status_code == 412
    assert Unit.objects.get(pk=unit.pk).short_name == ""
