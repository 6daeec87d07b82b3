"""层层分解 on the pages and in the API: the city task's 下级分解 table (each district's
part, drill-down, no double counting, 未汇总, cumulative totals), the district's breakdown
plan and the form its coordinator assigns units with; the same through the API."""

import json

from luoshi.plans.models import Task
from tests.plans.breakdown_data import T1, T2, T3, lower, upper


def test_the_city_task_page_shows_each_districts_part(reported, client_for):
    page = client_for(reported["city_coordinator"]).get(f"/tasks/{upper(reported, T1).pk}/")
    html = page.content.decode()
    assert page.status_code == 200
    assert "下级分解" in html
    dc_task, xd_task = lower(reported["dc"], T1), lower(reported["xd"], T1)
    assert '<tr data-org="鼎城区">' in html and '<tr data-org="西洞庭管理区">' in html
    assert f'href="/tasks/{dc_task.pk}/"' in html and f'href="/tasks/{xd_task.pk}/"' in html
    # the task's progress is the districts' (40 and 35), the city unit's 90 % nowhere
    assert "进度 37.5%" in html
    # its report is kept and shown as it is, marked as counting for nothing
    assert '鼎城区 <span class="muted small carried">不计入：由下级分解任务承担</span>' in html
    assert '各下级合计 <strong class="figure-total">4家</strong>' in html
    assert '<td>2025年5月上旬</td><td class="n">2</td><td class="n">1</td><td class="n">3</td>' in html
    assert "两家企业在培育" in html  # 西洞庭's latest report, in words
    assert "未汇总" not in html


def test_a_text_only_item_says_how_many_lower_reports_it_did_not_sum(reported, client_for):
    html = client_for(reported["city_coordinator"]).get(f"/tasks/{upper(reported, T2).pk}/").content.decode()
    assert '<p class="muted" id="unsummed">未汇总：1 个下级报告</p>' in html
    assert "本级：市农业农村局" in html and "（本级进度与下级分解分列，不相加）" in html


def test_the_city_drills_down_read_only(reported, client_for):
    client = client_for(reported["city_coordinator"])
    mine = lower(reported["dc"], T1)
    html = client.get(f"/tasks/{mine.pk}/").content.decode()
    assert "上级分解任务：常德市实施“三大攻坚”工作方案" in html
    assert "分配责任单位" not in html
    assert client.get(f"/tasks/{mine.pk}/assign/").status_code == 403
    assert client.post(f"/tasks/{mine.pk}/assign/", {"leads": ["鼎城区发改局"]}).status_code == 403
    assert [u.name for u in mine.leads()] == ["鼎城区工信局"]


def test_the_district_assigns_units_on_its_breakdown_plan(city, client_for):
    client = client_for(city["dc_coordinator"])
    mine = lower(city["dc"], T3)
    listing = client.get(f"/plans/{mine.plan_id}/breakdown/").content.decode()
    assert "《常德市实施“三大攻坚”工作方案》分解任务" in listing
    assert listing.count("待分配") == 3 and f'href="/tasks/{mine.pk}/assign/"' in listing
    form = client.get(f"/tasks/{mine.pk}/assign/").content.decode()
    assert '<input type="checkbox" name="leads" value="鼎城区发改局">' in form
    assert "西洞庭经发局" not in form  # a sibling's units are not the district's to give
    refused = client.post(f"/tasks/{mine.pk}/assign/", {"cooperators": ["鼎城区工信局"]})
    assert refused.status_code == 400 and "请至少指定一个牵头单位" in refused.content.decode()
    done = client.post(
        f"/tasks/{mine.pk}/assign/", {"leads": ["鼎城区发改局"], "cooperators": ["鼎城区工信局"]}
    )
    assert done.status_code == 302 and done["Location"] == f"/tasks/{mine.pk}/"
    assert [u.name for u in mine.leads()] == ["鼎城区发改局"]
    assert [u.name for u in mine.cooperators()] == ["鼎城区工信局"]


def test_the_api_gives_the_parts_and_assigns_units(reported, client_for):
    city_client = client_for(reported["city_coordinator"])
    task = upper(reported, T1)
    parts = city_client.get(f"/api/v1/tasks/{task.pk}/parts").json()
    assert [(p["organisation"], p["progress"], p["counts"]) for p in parts["parts"]] == [
        ("鼎城区", 40.0, True),
        ("西洞庭管理区", 35.0, True),
    ]
    (figure,) = parts["figures"]
    assert figure["total"] == 4.0 and [p["total"] for p in figure["by_period"]] == [3.0, 4.0]
    assert parts["unsummed_text"] == ""
    detail = city_client.get(f"/api/v1/tasks/{task.pk}").json()
    assert detail["progress"] == 37.5 and detail["lower_parts"]["parts"][1]["organisation"] == "西洞庭管理区"
    side = city_client.get(f"/api/v1/tasks/{upper(reported, T3).pk}/parts").json()
    assert side["own"] == {"units": ["市发改委"], "status": "on_track", "progress": 60.0}
    mine = lower(reported["dc"], T3)
    assert city_client.get(f"/api/v1/tasks/{mine.pk}").json()["upper_task"] == upper(reported, T3).pk
    body = json.dumps({"leads": ["鼎城区发改局"], "cooperators": ["鼎城区农业农村局"]})
    refused = city_client.put(f"/api/v1/tasks/{mine.pk}/units", body, content_type="application/json")
    assert refused.status_code == 403
    district = client_for(reported["dc_coordinator"])
    done = district.put(f"/api/v1/tasks/{mine.pk}/units", body, content_type="application/json")
    assert done.status_code == 200
    assert done.json() == {"task": mine.pk, "leads": ["鼎城区发改局"], "cooperators": ["鼎城区农业农村局"]}
    bad = district.put(
        f"/api/v1/tasks/{mine.pk}/units", json.dumps({"leads": ["市发改委"]}), content_type="application/json"
    )
    assert bad.status_code == 400 and bad.json()["error"] == "牵头单位“市发改委”不是本级单位名录中的单位"


def test_the_api_breaks_a_plan_down_again(city, client_for):
    response = client_for(city["city_coordinator"]).post(f"/api/v1/plans/{city['plan'].pk}/breakdown")
    assert response.status_code == 200
    assert [(o["organisation"], o["created"]) for o in response.json()["organisations"]] == [
        ("鼎城区", []),
        ("西洞庭管理区", []),
    ]
    assert response.json()["unchanged"] == 4
    refused = client_for(city["dc_coordinator"]).post(f"/api/v1/plans/{city['plan'].pk}/breakdown")
    assert refused.status_code == 403
    assert Task.objects.count() == 8
