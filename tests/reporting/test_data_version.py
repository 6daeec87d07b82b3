"""The data version per organisation (``board.data_version``): a district's battle map is
worked out again after every write that changes what it shows — a report, a plan revision,
a unit renamed, a milestone, the reporting policy — and never after another district's
writes; a city's and the province's move with every district below them."""

import datetime as dt
import io

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command

from luoshi.accounts.permissions import SYSTEM, actor_for
from luoshi.demo import province
from luoshi.plans.models import Organisation, Plan, Task, TaskLink, TaskUnit, Unit
from luoshi.plans.organisations import add_organisation, move_organisation
from luoshi.plans.registry import change_unit
from luoshi.reporting import board, cityboard
from luoshi.reporting.milestones import add_milestone
from luoshi.reporting.models import Period, Report
from luoshi.reporting.services import ReportData, save_draft, submit_report
from tests.clock import travel_to

TODAY = dt.date(2025, 7, 15)


@pytest.fixture
def tree(db):
    travel_to(TODAY)
    board.clear_memo()
    province.build([1, 2, 4], 14, 2025, log=lambda *_: None)
    cities = list(Organisation.objects.filter(level="city").order_by("order"))
    first_city = cities[0]
    district, sibling = Organisation.objects.filter(parent=first_city).order_by("order")
    yield {
        "province": Organisation.objects.get(parent__isnull=True),
        "city": first_city,
        "other_city": cities[1],
        "district": district,
        "sibling": sibling,
        "cousins": list(Organisation.objects.filter(parent=cities[1])),
    }
    board.clear_memo()
    cityboard.clear_memo()


def versions(tree) -> dict[str, tuple]:
    orgs = {name: tree[name] for name in ("province", "city", "other_city", "district", "sibling")}
    orgs["cousin"] = tree["cousins"][0]
    return {name: board.data_version(org.pk) for name, org in orgs.items()}


def moved(before: dict, after: dict) -> set[str]:
    return {name for name in before if before[name] != after[name]}


def report_in(district) -> tuple:
    """A report handed in by a unit of ``district`` on a task it leads, for a 旬 up to
    today the data set left missing."""
    users = get_user_model().objects
    for i in (1, 2, 3):
        reporter = users.get(username=f"b{district.pk}-reporter{i}")
        actor = actor_for(reporter)
        led = Task.objects.filter(
            plan__organisation=district, task_units__unit_id=actor.unit_id, task_units__role="lead"
        ).order_by("pk")
        handed_in = set(Report.objects.filter(unit_id=actor.unit_id).values_list("task_id", "period__key"))
        for period in Period.objects.filter(cadence="dekad", end__lte=TODAY).order_by("-end"):
            for task in led:
                if (task.pk, period.key) not in handed_in:
                    data = ReportData(progress="77", progress_text="推进中")
                    report = save_draft(actor, task, reporter.profile.unit, period.key, data)
                    return task, submit_report(actor, report)
    raise AssertionError("every report was handed in")


def coordinator(org):
    return actor_for(get_user_model().objects.get(username=f"b{org.pk}-coordinator"))


def test_a_report_in_a_district_moves_its_version_its_citys_and_the_provinces_only(tree):
    before = versions(tree)
    report_in(tree["district"])
    assert moved(before, versions(tree)) == {"district", "city", "province"}


def test_the_district_board_is_kept_through_a_siblings_write_and_fresh_after_its_own(tree):
    plan = Plan.objects.get(organisation=tree["district"])
    shown = board.board_for(plan, TODAY)
    report_in(tree["sibling"])
    report_in(tree["cousins"][0])
    assert board.board_for(plan, TODAY) is shown  # nothing of it was worked out again
    report_in(tree["district"])
    assert board.board_for(plan, TODAY) is not shown


def test_a_unit_renamed_moves_its_districts_version_and_the_names_on_the_board(tree):
    district = tree["district"]
    plan = Plan.objects.get(organisation=district)
    board.status_of(plan, TODAY)
    unit = Unit.objects.filter(organisation=district, task_roles__role="lead").distinct().first()
    before = versions(tree)
    change_unit(coordinator(district), unit, name="区改名局")
    assert moved(before, versions(tree)) == {"district", "city", "province"}
    names = {name for row in board.status_of(plan, TODAY).rows for name in row.leads}
    assert "区改名局" in names and unit.name not in names


def test_a_milestone_and_a_policy_change_move_the_districts_version_only(tree):
    district = tree["district"]
    plan = Plan.objects.get(organisation=district)
    task = Task.objects.filter(plan=plan).order_by("pk").first()
    before = versions(tree)
    add_milestone(coordinator(district), task, "完成初步设计", dt.date(2025, 7, 1))
    after_milestone = versions(tree)
    assert moved(before, after_milestone) == {"district", "city", "province"}
    call_command("schedule", plan=str(plan.pk), thresholds="5,20", stdout=io.StringIO())
    assert moved(after_milestone, versions(tree)) == {"district", "city", "province"}


def test_a_plan_revision_and_a_link_below_move_the_uppers(tree):
    district, city = tree["district"], tree["city"]
    plan = Plan.objects.get(organisation=district)
    before = versions(tree)
    Plan.objects.create(
        organisation=district,
        series=plan.series,
        version=2,
        title=plan.title,
        year=plan.year,
        content_hash="v2",
    )
    after_revision = versions(tree)
    assert moved(before, after_revision) == {"district", "city", "province"}
    # a city task broken down into the district: both ends' versions move, the sibling's not
    upper = Task.objects.filter(plan__organisation=city).order_by("pk").first()
    lower = Task.objects.filter(plan=plan).order_by("pk").first()
    standing_for = Unit.objects.get(organisation=city, represents=district)
    TaskUnit.objects.create(task=upper, unit=standing_for, role="lead", order=1)
    TaskLink.objects.create(
        upper=upper, lower=lower, kind="breakdown", state="confirmed", via_unit=standing_for
    )
    assert moved(after_revision, versions(tree)) == {"district", "city", "province"}


def test_a_district_moved_to_another_city_moves_both_cities(tree):
    before = versions(tree)
    move_organisation(SYSTEM, tree["sibling"], tree["other_city"])
    assert moved(before, versions(tree)) >= {"city", "other_city"}
    assert "district" not in moved(before, versions(tree))


def test_a_town_added_below_a_district_moves_the_district_and_its_uppers(tree):
    before = versions(tree)
    add_organisation(SYSTEM, "新镇", level="town", parent=tree["district"])
    assert moved(before, versions(tree)) == {"district", "city", "province"}


def test_a_lone_organisation_reads_the_same_version_as_the_whole_installation(tree):
    root = tree["province"]
    assert board.data_version(root.pk) == board.data_version()
    assert board.data_version(root.pk) == board.data_version()  # the second read: whole tables
    district_version = board.data_version(tree["district"].pk)
    assert district_version != board.data_version()
    assert len(district_version) == len(board.data_version())
