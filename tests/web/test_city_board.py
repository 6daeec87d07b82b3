"""各地挂图: a city sees each district's campaigns against 序时进度, ranked, and drills down
read-only to the district's battle map and tasks; a district sees nothing of the city's
board nor of its siblings; a write in one district works out that district's plan only."""

import datetime as dt
import re
from urllib.parse import quote

import pytest
from django.contrib.auth import get_user_model

from luoshi.accounts.permissions import actor_for
from luoshi.demo import province
from luoshi.plans.models import Organisation, Plan, Task, TaskUnit
from luoshi.reporting import board, cityboard, kept
from luoshi.reporting.models import Report
from luoshi.reporting.services import ReportData, save_draft, submit_report
from tests.clock import travel_to

TODAY = dt.date(2025, 7, 15)  # 7月上旬 was due on the 14th


@pytest.fixture
def tree(db):
    travel_to(TODAY)
    board.clear_memo()
    cityboard.clear_memo()
    province.build([1, 2, 4], 14, 2025, log=lambda *_: None)
    yield {
        "province": Organisation.objects.get(parent__isnull=True),
        "cities": list(Organisation.objects.filter(level="city").order_by("order")),
        "districts": list(Organisation.objects.filter(level="district").order_by("order")),
    }
    cityboard.clear_memo()


def user(org, role="coordinator"):
    return get_user_model().objects.get(username=f"b{org.pk}-{role}")


def signed_in(client, org, role="coordinator"):
    client.force_login(user(org, role))
    return client


def ranking_names(html: str) -> list[str]:
    table = html.split('id="rank-table"', 1)[1].split("</table>", 1)[0]
    return re.findall(r'<a href="/board/orgs/\d+/">([^<]+)</a>', table)


def drop_latest_reports(org):
    """Take back the org's reports of 7月上旬 (due on the 14th): its units become late."""
    Report.objects.filter(task__plan__organisation=org, period__key="2025-07-1").delete()
    kept.rebuild(Plan.objects.get(organisation=org))


def test_the_city_sees_each_district_with_its_campaigns_and_a_drill_down(tree, client):
    city = tree["cities"][0]
    mine = [d for d in tree["districts"] if d.parent_id == city.pk]
    page = signed_in(client, city).get("/board/orgs/")
    assert page.status_code == 200
    html = page.content.decode()
    for district in mine:
        assert f'href="/board/orgs/{district.pk}/"' in html
        assert district.name in html
    for other in (d for d in tree["districts"] if d.parent_id != city.pk):
        assert other.name not in html
    assert 'data-echart="progress"' in html and "city-charts" in html
    assert "<script>" not in html  # CSP: data only, drawn by the static scripts

    district = mine[0]
    plan = Plan.objects.get(organisation=district)
    drill = client.get(f"/board/orgs/{district.pk}/").content.decode()
    for key in ("附件1", "附件7"):  # each campaign, to the district's own battle map
        assert f"/board/?plan={plan.pk}&amp;campaign={quote(key)}" in drill
    lagging = [
        row
        for row in cityboard.summarise(plan, TODAY).lagging  # the engine's lights
    ]
    assert lagging, "the data set has lagging tasks"
    assert f'href="/tasks/{lagging[0].task_id}/"' in drill
    # the district's board and task, read by the city
    assert client.get(f"/board/?plan={plan.pk}").status_code == 200
    assert client.get(f"/tasks/{lagging[0].task_id}/").status_code == 200


def test_the_figures_are_the_district_boards_own(tree):
    city = tree["cities"][0]
    result = cityboard.city_board(city, TODAY)
    for line in result.lines:
        plan = Plan.objects.get(organisation=line.organisation)
        own = board.board_for(plan, TODAY)
        assert line.total.total == own.total.total
        assert line.total.progress == own.total.progress
        assert line.lagging_count == len(own.lagging)
        assert line.late_units == sorted(unit for unit, _ in own.missing)


def test_ranking_by_the_stated_score_a_district_with_late_reports_ranks_last(tree, client):
    city = tree["cities"][0]
    first, second = [d for d in tree["districts"] if d.parent_id == city.pk]
    drop_latest_reports(first)
    result = cityboard.city_board(city, TODAY)
    ranked = result.ranking
    assert [line.organisation for line in ranked] == [second, first]
    assert ranked[0].score > ranked[1].score
    assert ranked[1].on_time_rate == 0 and ranked[1].late_units
    html = signed_in(client, city).get("/board/orgs/").content.decode()
    assert ranking_names(html) == [second.name, first.name]
    assert "综合得分 = 最近一期按时报送率 × 50%" in html


def test_a_district_user_sees_no_city_board_and_no_sibling(tree, client):
    city = tree["cities"][0]
    district, sibling = [d for d in tree["districts"] if d.parent_id == city.pk]
    signed_in(client, district)
    assert client.get("/board/orgs/").status_code == 404  # nothing below it
    assert client.get(f"/board/orgs/{city.pk}/").status_code == 404
    assert client.get(f"/board/orgs/{sibling.pk}/").status_code == 404
    own = client.get(f"/board/orgs/{district.pk}/")
    assert own.status_code == 200 and sibling.name not in own.content.decode()
    # a city's reporter reads no board of the districts; another city's coordinator neither
    other_city = tree["cities"][1]
    assert signed_in(client, city, "reporter1").get("/board/orgs/").status_code == 404
    assert signed_in(client, other_city).get(f"/board/orgs/{district.pk}/").status_code == 404


def test_the_province_drills_down_city_then_district(tree, client):
    for line in cityboard.city_board(tree["province"], TODAY).lines:  # a city with its districts
        districts = Organisation.objects.filter(parent=line.organisation).count()
        assert districts and line.total.total == 14 * (1 + districts)
    signed_in(client, tree["province"])
    html = client.get("/board/orgs/").content.decode()
    for city in tree["cities"]:
        assert f'href="/board/orgs/{city.pk}/"' in html
    city = tree["cities"][1]
    page = client.get(f"/board/orgs/{city.pk}/").content.decode()
    for district in (d for d in tree["districts"] if d.parent_id == city.pk):
        assert f'href="/board/orgs/{district.pk}/"' in page
    # the htmx drill-in panel is the figures alone
    panel = client.get(f"/board/orgs/{city.pk}/", headers={"HX-Request": "true"}).content.decode()
    assert "<html" not in panel and city.name in panel


def test_a_write_in_one_district_works_out_that_district_only(tree):
    city = tree["cities"][0]
    district = next(d for d in tree["districts"] if d.parent_id == city.pk)
    drop_latest_reports(district)
    first = cityboard.city_board(city, TODAY)
    assert first.recomputed == 2
    assert cityboard.city_board(city, TODAY).recomputed == 0  # kept
    line = next(x for x in first.lines if x.organisation == district)
    late_before = len(line.late_units)
    task = reporter = None
    for i in (1, 2, 3):  # a reporter whose unit leads a task
        reporter = user(district, f"reporter{i}")
        actor = actor_for(reporter)
        task = (
            Task.objects.filter(
                plan__organisation=district, task_units__unit_id=actor.unit_id, task_units__role="lead"
            )
            .order_by("pk")
            .first()
        )
        if task:
            break
    assert task is not None
    report = save_draft(
        actor, task, reporter.profile.unit, "2025-07-1", ReportData(progress="60", progress_text="推进中")
    )
    submit_report(actor, report)
    after = cityboard.city_board(city, TODAY)
    assert after.recomputed == 1
    line = next(x for x in after.lines if x.organisation == district)
    leads = TaskUnit.objects.filter(task__plan__organisation=district, role="lead", unit_id=actor.unit_id)
    if leads.count() == 1:  # its only task: the unit is no longer late
        assert len(line.late_units) == late_before - 1
    assert (
        line.missing_reports == next(x for x in first.lines if x.organisation == district).missing_reports - 1
    )


def test_kept_rows_deleted_are_noticed(tree):
    city = tree["cities"][0]
    first, second = [d for d in tree["districts"] if d.parent_id == city.pk]
    before = {line.organisation: line for line in cityboard.city_board(city, TODAY).lines}
    plan = Plan.objects.get(organisation=second)
    # the only reports of a few tasks taken back: their kept rows go, nothing else moves
    tasks = list(Task.objects.filter(plan=plan).order_by("pk")[:3])
    Report.objects.filter(task__in=tasks).delete()
    kept.rebuild(plan, task_ids=[t.pk for t in tasks])
    after = cityboard.city_board(city, TODAY)
    assert after.recomputed == 1
    line = next(x for x in after.lines if x.organisation == second)
    assert line.missing_reports > before[second].missing_reports


def test_a_write_below_a_linked_task_works_out_the_upper_plan_too(tree):
    from luoshi.plans.models import TaskLink, Unit

    province_org = tree["province"]
    city = tree["cities"][0]
    district = next(d for d in tree["districts"] if d.parent_id == city.pk)
    city_plan, district_plan = Plan.objects.get(organisation=city), Plan.objects.get(organisation=district)
    upper = Task.objects.filter(plan=city_plan).order_by("pk").first()
    lower = Task.objects.filter(plan=district_plan).order_by("pk").first()
    standing_for = Unit.objects.get(organisation=city, represents=district)  # the city's 基准001区
    TaskUnit.objects.create(task=upper, unit=standing_for, role="lead", order=1)
    TaskLink.objects.create(
        upper=upper, lower=lower, kind="breakdown", state="confirmed", via_unit=standing_for
    )
    cityboard.city_board(province_org, TODAY)  # every plan worked out and kept

    def city_plan_summary():
        line = next(x for x in cityboard.city_board(province_org, TODAY).lines if x.organisation == city)
        return next(p for p in line.plans if p.plan_id == city_plan.pk)

    # the lower task's reports taken back: its light, and so the upper task's, moves
    Report.objects.filter(task=lower).delete()
    kept.rebuild(district_plan, task_ids=[lower.pk])
    cityboard.city_board(city, TODAY)  # the city's board works out the district first
    kept_one = city_plan_summary()
    fresh = cityboard.summarise(city_plan, TODAY)
    assert kept_one.total.counts == fresh.total.counts
    assert [t.task_id for t in kept_one.lagging] == [t.task_id for t in fresh.lagging]
    assert cityboard._uppers({district_plan.pk}, cityboard._links()) == {city_plan.pk}
