"""The 对标 page: the county's tasks beside the city's candidates; the coordinator confirms,
rejects and corrects (htmx rows and plain posts alike); others read, or see nothing."""

import pytest

from luoshi.accounts.permissions import SYSTEM
from luoshi.plans.alignment_services import alignment_rows, suggest_alignment
from luoshi.plans.choices import LinkState
from luoshi.plans.models import TaskLink

pytestmark = pytest.mark.django_db


def row_of(plan, upper, sid):
    return next(r for r in alignment_rows(plan, upper) if r.task.section.sid == sid)


def test_the_page_shows_each_task_beside_its_candidates_with_their_text_and_score(
    today, plan, personas, city_plan, client_for
):
    suggest_alignment(SYSTEM, plan, city_plan)
    page = client_for(personas["coordinator"]).get(f"/plans/{plan.pk}/align/").content.decode()
    assert "示范市实施“三大攻坚”工作方案" in page
    assert "新增规模工业企业10家" in page and "新增规模工业企业100家" in page  # both sides' text
    assert "相似度" in page and "确认" in page and "生成对标建议" in page
    assert 'list="upper-tasks"' in page and "<script>" not in page  # no inline script (CSP)


def test_the_coordinator_suggests_from_the_page(today, plan, personas, city_plan, client_for):
    client = client_for(personas["coordinator"])
    response = client.post(f"/plans/{plan.pk}/align/suggest/", {"upper": city_plan.pk}, follow=True)
    assert "已生成对标建议：新增 9 条" in response.content.decode()
    assert TaskLink.objects.filter(state=LinkState.SUGGESTED).count() == 9


def test_confirm_through_htmx_returns_the_row_confirmed(today, plan, personas, city_plan, client_for):
    suggest_alignment(SYSTEM, plan, city_plan)
    link = row_of(plan, city_plan, "附件1/一/(二)").suggestions[0]
    response = client_for(personas["coordinator"]).post(
        f"/align/links/{link.pk}/confirm/", HTTP_HX_REQUEST="true"
    )
    html = response.content.decode()
    assert response.status_code == 200 and html.lstrip().startswith(f'<tr id="align-{link.lower_id}"')
    assert 'data-state="已确认"' in html and "✓" in html and "已确认" in html
    link.refresh_from_db()
    assert link.state == LinkState.CONFIRMED


def test_correct_to_another_task_and_to_none_by_a_plain_post(today, plan, personas, city_plan, client_for):
    suggest_alignment(SYSTEM, plan, city_plan)
    task_id = row_of(plan, city_plan, "附件1/一/(三)").task.pk
    client = client_for(personas["coordinator"])
    url = f"/plans/{plan.pk}/align/tasks/{task_id}/set/"
    response = client.post(
        url, {"upper": city_plan.pk, "upper_task": "附件1/二/(三) 推进保交房"}, follow=True
    )
    assert "附件1/一/(三)：已改为 附件1/二/(三)" in response.content.decode()
    assert row_of(plan, city_plan, "附件1/一/(三)").confirmed.upper.section.sid == "附件1/二/(三)"
    response = client.post(url, {"upper": city_plan.pk, "upper_task": "附件9/九"}, follow=True)
    assert "上级方案中没有条目“附件9/九”" in response.content.decode()
    client.post(url, {"upper": city_plan.pk, "upper_task": "无对应"})
    assert row_of(plan, city_plan, "附件1/一/(三)").state == "无对应"


def test_readers_see_no_buttons_and_unit_users_may_not_open_it(today, plan, personas, city_plan, client_for):
    suggest_alignment(SYSTEM, plan, city_plan)
    page = client_for(personas["leader"]).get(f"/plans/{plan.pk}/align/").content.decode()
    assert "相似度" in page and "确认</button>" not in page and "生成对标建议" not in page
    assert client_for(personas["reporter_a"]).get(f"/plans/{plan.pk}/align/").status_code == 403
    link = row_of(plan, city_plan, "附件1/一/(一)").suggestions[0]
    assert client_for(personas["leader"]).post(f"/align/links/{link.pk}/confirm/").status_code == 403
    link.refresh_from_db()
    assert link.state == LinkState.SUGGESTED


def test_the_city_reads_the_county_page_but_the_county_does_not_see_the_city_plan_page(
    today, plan, personas, city_plan, client_for
):
    suggest_alignment(SYSTEM, plan, city_plan)
    city = client_for(personas["city_coordinator"])
    page = city.get(f"/plans/{plan.pk}/align/").content.decode()
    assert "相似度" in page and "确认</button>" not in page
    assert client_for(personas["coordinator"]).get(f"/plans/{city_plan.pk}/align/").status_code == 404


def test_the_task_list_offers_the_page_where_there_is_a_plan_above(
    today, plan, personas, city_plan, client_for
):
    county = f"/tasks/?plan={plan.pk}"
    assert (
        f'href="/plans/{plan.pk}/align/"' in client_for(personas["coordinator"]).get(county).content.decode()
    )
    assert "对标上级方案" not in client_for(personas["reporter_a"]).get(county).content.decode()
    city = f"/tasks/?plan={city_plan.pk}"  # nothing above the city
    assert "对标上级方案" not in client_for(personas["city_coordinator"]).get(city).content.decode()
