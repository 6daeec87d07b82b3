"""Plan import in the browser's pages: upload, review with unit fixes, confirm; a revised
plan shows its differences and keeps unchanged tasks."""

import json
import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from luoshi.plans.choices import ImportState
from luoshi.plans.models import GroupMapping, PendingImport, Plan, Task, Unit
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
    assert response.status_code == 400 and "x.json" in response.content.decode()
    assert not PendingImport.objects.exists()


def test_only_the_coordinator_imports(personas, today, client_for):
    for who in ("office", "leader", "reporter_a"):
        assert client_for(personas[who]).get("/import/").status_code == 403


def review_html(client, pending) -> str:
    return client.get(f"/import/{pending.pk}/").content.decode()


def section_of(html: str, anchor: str) -> str:
    """The HTML of one card of the review page (``<section … id="anchor">``)."""
    start = html.index(f'id="{anchor}"')
    return html[start : html.index("</section>", start)]


def test_the_diff_names_changed_fields_in_chinese(personas, plan, today, client_for):
    client = client_for(personas["coordinator"])
    revised = make_plan()
    revised["sections"][2]["text"] = revised["sections"][2]["text"].replace("10家", "12家")
    revised["tasks"][1]["cooperators"] = ["县发改局", "城关镇"]
    upload(client, revised)
    pending = PendingImport.objects.get()
    diff = section_of(review_html(client, pending), "diff")
    assert "修改：附件1/一/(一)（内容）" in diff and "修改：附件1/一/(二)（责任单位）" in diff
    assert "text" not in diff and "units" not in diff
    client.post(f"/import/{pending.pk}/", {"action": "confirm"})
    html = client.get(f"/import/{pending.pk}/result/").content.decode()
    assert "修改：附件1/一/(一)（内容）" in html and "（text）" not in html


def test_a_unit_name_corrected_in_review_is_not_asked_again(personas, today, client_for):
    client = client_for(personas["coordinator"])
    first = make_plan(title="示范县甲方案")
    first["tasks"][0]["cooperators"] = ["县发改委", "城关镇"]  # an odd spelling of 县发改局
    upload(client, first)
    pending = PendingImport.objects.get()
    assert "县发改委" in section_of(review_html(client, pending), "units")
    client.post(f"/import/{pending.pk}/", {"rename:县发改委": "县发改局", "action": "confirm"})
    result = client.get(f"/import/{pending.pk}/result/").content.decode()
    assert "以后导入任何方案不再询问：“县发改委”即县发改局" in result
    assert Unit.objects.filter(name="县发改局").exists() and not Unit.objects.filter(name="县发改委").exists()

    second = make_plan(title="示范县乙方案")
    second["tasks"][1]["leads"] = ["县发改委"]
    upload(client, second)
    later = PendingImport.objects.exclude(pk=pending.pk).get()
    html = review_html(client, later)
    assert "县发改委" not in html[html.index('id="units"') : html.index('id="units-known"')]  # not asked
    assert "县发改委</td>" in section_of(html, "units") and "别名：县发改局" in section_of(html, "units")
    client.post(f"/import/{later.pk}/", {"action": "confirm"})
    later.refresh_from_db()
    task = later.plan.tasks.get(section__sid="附件1/一/(二)")
    assert [u.name for u in task.leads()] == ["县发改局"]
    assert not Unit.objects.filter(name="县发改委").exists()


def test_groups_are_shown_apart_mapped_and_remembered(personas, today, client_for):
    client = client_for(personas["coordinator"])
    upload(client, make_plan(title="示范县甲方案"))
    pending = PendingImport.objects.get()
    html = review_html(client, pending)
    assert "县直有关单位" in section_of(html, "groups") and "未处理" in section_of(html, "groups")
    assert "县直有关单位" not in section_of(html, "units")
    # a name that is no unit is refused in Chinese and nothing is kept
    response = client.post(
        f"/import/{pending.pk}/", {"group:县直有关单位": "县财政局", "action": "apply"}, follow=True
    )
    assert "“县财政局”不在单位名录中，也不是本方案中的单位" in response.content.decode()
    pending.refresh_from_db()
    assert pending.groups == {}
    client.post(f"/import/{pending.pk}/", {"group:县直有关单位": "县发改局、县工信局", "action": "apply"})
    assert "对应 县发改局、县工信局" in section_of(review_html(client, pending), "groups")
    client.post(f"/import/{pending.pk}/", {"group:县直有关单位": "县发改局、县工信局", "action": "confirm"})
    pending.refresh_from_db()
    task = pending.plan.tasks.get(section__sid="附件1/一/(三)")
    assert [u.name for u in task.cooperators()] == ["县发改局", "县工信局"]

    upload(client, make_plan(title="示范县乙方案"))
    later = PendingImport.objects.exclude(pk=pending.pk).get()
    assert "沿用上次：对应 县发改局、县工信局" in section_of(review_html(client, later), "groups")
    client.post(f"/import/{later.pk}/", {"action": "confirm"})
    later.refresh_from_db()
    task = later.plan.tasks.get(section__sid="附件1/一/(三)")
    assert [u.name for u in task.cooperators()] == ["县发改局", "县工信局"]


def test_a_group_left_unmapped_has_no_reporting_duty_and_is_no_unit(personas, today, client_for):
    client = client_for(personas["coordinator"])
    upload(client, make_plan(title="示范县甲方案"))
    pending = PendingImport.objects.get()
    client.post(f"/import/{pending.pk}/", {"group:县直有关单位": "", "action": "confirm"})
    assert "“县直有关单位”不承担报送" in client.get(f"/import/{pending.pk}/result/").content.decode()
    pending.refresh_from_db()
    task = pending.plan.tasks.get(section__sid="附件1/一/(三)")
    assert [u.name for u in task.cooperators()] == ["县直有关单位"]
    assert GroupMapping.objects.get(name="县直有关单位").units.count() == 0
    units_tab = client.get(f"/tasks/?plan={pending.plan.pk}&list=units").content.decode()
    assert "县政务服务中心" in units_tab and "县直有关单位" not in units_tab


def test_a_target_is_corrected_in_place(personas, today, client_for):
    client = client_for(personas["coordinator"])
    data = make_plan(title="示范县甲方案")
    data["targets"][2]["subject"] = "实施"  # the parser cut the indicator's name
    upload(client, data)
    pending = PendingImport.objects.get()
    targets = section_of(review_html(client, pending), "targets")
    assert "1 个需核对，排在最前" in targets
    assert targets.index('id="target-2"') < targets.index('id="target-0"')  # the doubtful first
    assert "指标名称“实施”过短，可能缺少主语" in targets
    url = f"/import/{pending.pk}/targets/2/"
    htmx = {"HTTP_HX_REQUEST": "true"}
    bad = client.post(url, {"subject": "实施重点项目", "op": ">=", "value": "约20", "unit": "个"}, **htmx)
    assert bad.status_code == 422
    assert "目标值“约20”不是数字" in bad.content.decode() and 'value="约20"' in bad.content.decode()
    pending.refresh_from_db()
    assert pending.target_fixes == {}
    good = client.post(url, {"subject": "实施重点项目", "op": ">=", "value": "25", "unit": "个"}, **htmx)
    assert good.status_code == 200 and "已保存" in good.content.decode()
    assert "需核对" not in good.content.decode()
    # without htmx: the whole page again, the error beside the row
    page = client.post(url, {"subject": "", "op": "about", "value": "1", "unit": "个"})
    assert page.status_code == 422 and "请填写指标名称" in page.content.decode()
    assert "请选择比较方式" in page.content.decode()
    client.post(f"/import/{pending.pk}/", {"action": "confirm"})
    pending.refresh_from_db()
    target = pending.plan.targets.get(section__sid="附件1/一/(二)")
    assert (target.subject, target.op, target.value, target.unit) == ("实施重点项目", ">=", 25, "个")


def test_the_review_lists_what_it_did_not_find(personas, today, client_for):
    client = client_for(personas["coordinator"])
    data = make_plan(title="示范县甲方案", task_forces=[])
    data["sections"][4]["text"] = (
        "新建5G基站30个，一网通办率达到90%。(县政务服务中心牵头负责，县直有关单位按职责分工负责)"
    )
    data["sections"].insert(
        5,
        {
            "id": "附件1/一/(四)",
            "part": "附件1",
            "parent": "附件1/一",
            "number": "(四)",
            "title": "加强要素保障",
            "text": "统筹用地、用能、资金等要素，保障重点项目建设需要。",
        },
    )
    data["sections"][6]["text"] = "各专班每月调度一次。"
    data["targets"].append(
        {
            "section": "附件1/一/(三)",
            "text": "一网通办率达到90%",
            "subject": "一网通办率",
            "op": ">=",
            "value": 90,
            "unit": "%",
        }
    )
    upload(client, data)
    pending = PendingImport.objects.get()
    missing = section_of(review_html(client, pending), "missing")
    assert "附件1/一/(四)「加强要素保障」：未写明责任单位，没有生成任务" in missing
    assert "附件1/一/(三)：5G基站30个" in missing or "附件1/一/(三)：30个" in missing
    assert "90%" not in missing  # read as a target
    assert "文中提到“专班”，但没有读出其组成" in missing
    data = make_plan(title="示范县乙方案")
    upload(client, data)
    later = PendingImport.objects.exclude(pk=pending.pk).get()
    missing = section_of(review_html(client, later), "missing")
    assert "工作专班" not in missing.split("</h2>", 1)[1].split("没有遗漏")[0]


def test_the_review_counts_the_units_of_the_clauses_and_the_task_forces(personas, today, client_for):
    """USERS.md: the clerk uploads the seed plan and sees 44 units (the gold's count: 42
    names in the clauses, 区直有关单位 and two other groups among them, and 区妇联, 区残联
    named only in task forces)."""
    from luoshi.demo.seed import DEMO_PLAN

    client = client_for(personas["coordinator"])
    file = SimpleUploadedFile("七大攻坚.txt", DEMO_PLAN.read_bytes())
    client.post("/import/", {"file": file})
    html = client.get(f"/import/{PendingImport.objects.get().pk}/").content.decode()
    kpis = dict(
        (label, int(value))
        for value, label in re.findall(r'<div class="v">(\d+)</div><div class="l">([^<]+)</div>', html)
    )
    assert kpis["责任单位"] == 44 and kpis["任务"] == 116
