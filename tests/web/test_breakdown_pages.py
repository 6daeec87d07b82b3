"""层层分解 on the pages and in the API: the district's breakdown plan and the form its
coordinator assigns units with; breaking a plan down again through the API."""

from luoshi.plans.models import Task
from tests.plans.breakdown_data import T3, lower


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
