"""Breakdown (层层分解): a city plan whose tasks name its districts — 各区县, or a district
by name — gives each district a 《…》分解任务 plan with the linked tasks, text and deadline
locked and following the city's; the district's coordinator assigns its own units."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.management import CommandError, call_command

from luoshi.accounts.permissions import SYSTEM, actor_for
from luoshi.plans.breakdown import assign_units, break_down
from luoshi.plans.choices import LinkKind, LinkState
from luoshi.plans.models import Plan, Target, Task, TaskLink
from luoshi.plans.services import import_plan
from luoshi.plans.validation import PlanError
from luoshi.reporting.models import Message
from tests.plans.breakdown_data import T1, T2, T3, T4, city_plan

TITLE = "《常德市实施“三大攻坚”工作方案》分解任务"


def lower(org, sid) -> Task:
    return Task.objects.select_related("section", "part", "plan").get(
        plan__organisation=org, section__sid=sid
    )


def test_a_city_plan_breaks_down_into_each_named_district(city):
    dc, xd = city["dc"], city["xd"]
    plans = {p.organisation.name: p for p in Plan.objects.exclude(pk=city["plan"].pk)}
    assert sorted(plans) == ["西洞庭管理区", "鼎城区"]
    assert {p.title for p in plans.values()} == {TITLE}
    # 各区县 reaches both; 鼎城区 named as a cooperator (二) and as a lead (三) reaches it alone
    assert list(
        Task.objects.filter(plan__organisation=dc)
        .order_by("section__order")
        .values_list("section__sid", flat=True)
    ) == [T1, T2, T3]
    assert list(Task.objects.filter(plan__organisation=xd).values_list("section__sid", flat=True)) == [T1]
    assert not Task.objects.filter(section__sid=T4).exclude(plan=city["plan"]).exists()
    # the district's task is the city's, word for word, in the campaign of the same key
    upper, mine = Task.objects.get(plan=city["plan"], section__sid=T1), lower(dc, T1)
    assert (mine.title, mine.text, mine.deadline) == (upper.title, upper.text, upper.deadline)
    assert (mine.part.key, mine.part.title) == ("附件1", "产业攻坚实施方案")
    assert not mine.task_units.exists()  # the district assigns its own units
    link = TaskLink.objects.get(upper=upper, lower=mine)
    assert (link.kind, link.state, link.via_unit.name) == (LinkKind.BREAKDOWN, LinkState.CONFIRMED, "鼎城区")
    # the target comes down with the task: the district reports its own figure
    assert Target.objects.filter(section=mine.section).values_list("subject", "unit").get() == (
        "新增规模工业企业",
        "家",
    )


def test_the_districts_coordinators_are_told_and_nobody_else(city):
    for person, count in (("dc_coordinator", 3), ("xd_coordinator", 1)):
        message = Message.objects.get(user=city[person])
        assert message.subject == f"上级分解任务 {count} 项：常德市实施“三大攻坚”工作方案"
        assert message.url == f"/plans/{lower(city[person[:2]], T1).plan_id}/breakdown/"
    assert not Message.objects.filter(user__in=[city["city_coordinator"], city["dc_reporter"]]).exists()


def test_running_it_again_changes_nothing(city):
    counts = (Plan.objects.count(), Task.objects.count(), TaskLink.objects.count(), Message.objects.count())
    stamps = set(Task.objects.exclude(plan=city["plan"]).values_list("pk", "updated_at"))
    result = break_down(actor_for(city["city_coordinator"]), city["plan"])
    assert not result.changed and result.unchanged == 4
    assert "新分解 0 项，更新 0 项" in result.message()
    assert (
        Plan.objects.count(),
        Task.objects.count(),
        TaskLink.objects.count(),
        Message.objects.count(),
    ) == counts
    # nothing written: the boards' data version stays as it was
    assert set(Task.objects.exclude(plan=city["plan"]).values_list("pk", "updated_at")) == stamps


def test_a_revision_of_the_city_plan_updates_the_locked_text(city):
    dc = city["dc"]
    before = lower(dc, T1)
    data = city_plan()
    data["sections"][1]["text"] = "全年新增规模工业企业12家。(各区县负责)"
    data["tasks"][0]["deadline"] = "2025-11-30"
    data["targets"][0].update(value=12, text="全年新增规模工业企业12家")
    result = import_plan(SYSTEM, data)
    assert result.plan.version == 2
    assert result.breakdown.updated == {"鼎城区": [T1], "西洞庭管理区": [T1]}
    after = lower(dc, T1)
    assert after.pk == before.pk  # the same task: what the district reported stays on it
    assert after.text == "全年新增规模工业企业12家。(各区县负责)"
    assert str(after.deadline) == "2025-11-30"
    assert after.section.text == after.text
    assert Target.objects.get(section=after.section).value == 12
    assert Plan.objects.filter(organisation=dc).count() == 1  # one plan per upper series
    told = Message.objects.filter(user=city["dc_coordinator"], subject__startswith="上级分解任务已更新").get()
    assert told.subject == "上级分解任务已更新 1 项：常德市实施“三大攻坚”工作方案"
    assert "（附件1/一/(一)）的内容或完成时限随之更新" in told.body
    # a district task dropped by the revision is kept, and said so
    data["tasks"][1]["cooperators"] = []
    result = import_plan(SYSTEM, data)
    assert result.breakdown.dropped == {"鼎城区": [T2]}
    assert "上级方案已不再分解 1 项" in result.breakdown.message()
    assert Task.objects.filter(pk=lower(dc, T2).pk).exists()


def test_editing_a_broken_down_task_in_the_district_is_refused(city):
    mine = lower(city["dc"], T1)
    mine.text = "全年新增规模工业企业5家。"
    with pytest.raises(ValidationError) as refused:
        mine.full_clean()
    assert "由上级方案《常德市实施“三大攻坚”工作方案》分解下达，内容随上级任务，不能在本级修改" in str(
        refused.value
    )
    mine.refresh_from_db()
    mine.full_clean()  # unchanged: nothing to refuse
    own = Task.objects.get(plan=city["plan"], section__sid=T4)
    own.text = "改写"
    own.full_clean()  # the city's own task is the city's to change


def test_the_city_coordinator_breaks_down_its_plan_and_nobody_else(city):
    with pytest.raises(PermissionDenied, match="只有本级综合协调组办公室可以分解方案任务"):
        break_down(actor_for(city["dc_coordinator"]), city["plan"])
    with pytest.raises(PermissionDenied):
        break_down(actor_for(city["dc_reporter"]), city["plan"])


def test_the_district_coordinator_assigns_its_own_units(city):
    mine = lower(city["dc"], T1)
    coordinator = actor_for(city["dc_coordinator"])
    assign_units(coordinator, mine, ["鼎城区工信局"], ["鼎城区发改局", "鼎城区工信局"])
    assert [u.name for u in mine.leads()] == ["鼎城区工信局"]
    assert [u.name for u in mine.cooperators()] == ["鼎城区发改局"]
    with pytest.raises(PlanError, match="牵头单位“西洞庭经发局”不是本级单位名录中的单位"):
        assign_units(coordinator, mine, ["西洞庭经发局"], [])
    with pytest.raises(PlanError, match="请至少指定一个牵头单位"):
        assign_units(coordinator, mine, [], ["鼎城区发改局"])
    assert [u.name for u in mine.leads()] == ["鼎城区工信局"]  # nothing half-written
    for person in ("city_coordinator", "xd_coordinator", "dc_reporter"):
        with pytest.raises(
            PermissionDenied, match="只有本级综合协调组办公室可以为上级分解的任务分配责任单位"
        ):
            assign_units(actor_for(city[person]), mine, ["鼎城区发改局"], [])
    own = Task.objects.get(plan=city["plan"], section__sid=T4)
    with pytest.raises(PlanError, match="不是上级分解下达的任务"):
        assign_units(SYSTEM, own, ["市商务局"], [])


def test_a_unit_that_reported_cannot_be_taken_off(city):
    from luoshi.reporting.services import submit_report

    mine = lower(city["dc"], T1)
    coordinator = actor_for(city["dc_coordinator"])
    assign_units(coordinator, mine, ["鼎城区工信局"], [])
    submit_report(SYSTEM, _report(mine))
    with pytest.raises(PlanError, match="“鼎城区工信局”已报送过本任务的进度，不能撤下"):
        assign_units(coordinator, mine, ["鼎城区发改局"], [])


def _report(task):
    from luoshi.plans.models import Unit
    from luoshi.reporting.services import ReportData, save_draft

    return save_draft(
        SYSTEM,
        task,
        Unit.objects.get(name="鼎城区工信局"),
        "2025-05-1",
        ReportData(progress="10", progress_text="摸底"),
    )


def test_the_command_breaks_down_and_says_so(city, capsys):
    call_command("breakdown", str(city["plan"].pk))
    out = capsys.readouterr().out
    assert f"鼎城区：{TITLE}，新分解 0 项，更新 0 项" in out
    with pytest.raises(CommandError, match="找不到方案"):
        call_command("breakdown", "没有这个方案")


def test_a_district_passes_a_task_on_to_its_town(city):
    """层层分解 a level further: the district gives the task to its unit standing for a
    town, and the town gets it in its own breakdown plan, linked to the district's."""
    from luoshi.plans.choices import OrgLevel, UnitKind
    from luoshi.plans.models import Organisation, Unit

    town = Organisation.objects.create(name="花岩溪镇", level=OrgLevel.TOWN, parent=city["dc"])
    Unit.objects.create(organisation=city["dc"], name="花岩溪镇", kind=UnitKind.STREET_TOWN, represents=town)
    mine = lower(city["dc"], T1)
    assign_units(actor_for(city["dc_coordinator"]), mine, ["鼎城区工信局"], ["花岩溪镇"])
    theirs = lower(town, T1)
    assert theirs.plan.title == TITLE  # after the plan the task first came from
    assert theirs.text == mine.text
    link = TaskLink.objects.get(lower=theirs)
    assert (link.upper_id, link.via_unit.name) == (mine.pk, "花岩溪镇")
