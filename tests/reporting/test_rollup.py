"""Roll-up without double counting: the city task's part from each district is the
district task's progress and light; the city's unit standing for a district is due
nothing on the city task (its report there counts for nothing); the city's own units and
the districts' parts are shown side by side, never added; figures are summed across
districts, a text-only report is counted as 未汇总; totals are cumulative by period."""

from decimal import Decimal

from luoshi.reporting.engine import completeness, plan_status
from luoshi.reporting.rollup import task_rollup
from luoshi.reporting.status import Status
from tests.clock import travel_to
from tests.plans.breakdown_data import AS_OF, T1, T2, T3, T4, hand_in, lower, upper


def rows(plan, **kw):
    return {row.sid: row for row in plan_status(plan, AS_OF, **kw).rows}


def test_the_districts_report_on_their_tasks_as_on_any(reported):
    dc_rows = rows(lower(reported["dc"], T1).plan)
    assert dc_rows[T1].leads == ("鼎城区工信局",)
    assert dc_rows[T1].progress == Decimal(40)
    assert dc_rows[T3].status == Status.NOT_REPORTED and dc_rows[T3].missing_units == ("鼎城区发改局",)


def test_the_city_task_is_its_districts_parts_and_the_city_unit_counts_for_nothing(reported):
    row = rows(reported["plan"])[T1]
    parts = {part.organisation: part for part in row.parts}
    assert list(parts) == ["鼎城区", "西洞庭管理区"]
    assert (parts["鼎城区"].progress, parts["西洞庭管理区"].progress) == (Decimal(40), Decimal(35))
    # 90 % from the city's unit 鼎城区 is neither the task's progress nor added to it
    assert row.progress == Decimal("37.5")
    assert row.own_status is None and row.own_progress is None
    assert row.status == Status.ON_TRACK
    assert row.missing_units == ()


def test_the_city_unit_standing_for_a_district_is_due_nothing(reported):
    _span, _due, table = completeness(reported["plan"], "2025-05-2", AS_OF)
    units = {r.unit: r for r in table}
    assert "鼎城区" not in units and "西洞庭管理区" not in units
    assert units["市发改委"].submitted == 1
    _span, _due, full = completeness(reported["plan"], "2025-05-2", AS_OF, full=True)
    assert [r.as_json() for r in full] == [r.as_json() for r in table]


def test_own_units_and_parts_side_by_side_never_added(reported):
    row = rows(reported["plan"])[T3]
    assert row.own_status == Status.ON_TRACK and row.own_progress == Decimal(60)
    assert row.progress == Decimal(60)  # its own, not (60 + 15) / 2
    # the worst of its own light and the district's: 鼎城区 has not reported 5月中旬
    assert row.status == Status.NOT_REPORTED
    assert row.reason == "鼎城区：2025年5月中旬未报送"


def test_a_cooperating_districts_part_only_supports(reported):
    row = rows(reported["plan"])[T2]
    (part,) = row.parts
    assert part.organisation == "鼎城区" and not part.counts and part.progress == Decimal(50)
    assert row.progress == Decimal(20) and row.status == row.own_status


def test_a_district_that_has_not_assigned_units_is_not_reported(city):
    travel_to(AS_OF)
    row = rows(city["plan"])[T1]
    assert row.status == Status.NOT_REPORTED
    assert row.reason == "鼎城区：尚未分配责任单位"


def test_kept_rows_and_the_full_path_agree(reported):
    kept, full = rows(reported["plan"]), rows(reported["plan"], full=True)
    for sid in (T1, T2, T3, T4):
        assert (kept[sid].status, kept[sid].progress, kept[sid].reason) == (
            full[sid].status,
            full[sid].progress,
            full[sid].reason,
        )


def test_figures_are_summed_and_cumulative_per_district(reported):
    row = rows(reported["plan"])[T1]
    rollup = task_rollup(upper(reported, T1), row, AS_OF)
    (figure,) = rollup.figures
    assert figure.summed and figure.unit == "家"
    assert figure.by_org == [("鼎城区", Decimal(3)), ("西洞庭管理区", Decimal(1))]
    assert figure.total == Decimal(4)  # not 54: the city unit's 50 is not a district's
    assert [(p["period"], p["values"], p["total"]) for p in figure.by_period] == [
        ("2025年5月上旬", {"鼎城区": Decimal(2), "西洞庭管理区": Decimal(1)}, Decimal(3)),
        ("2025年5月中旬", {"鼎城区": Decimal(3), "西洞庭管理区": Decimal(1)}, Decimal(4)),
    ]
    assert rollup.reported == 2 and rollup.unsummed == 0


def test_a_text_only_item_is_counted_not_summed(reported):
    row = rows(reported["plan"])[T2]
    rollup = task_rollup(upper(reported, T2), row, AS_OF)
    assert rollup.figures == []
    assert rollup.unsummed_text == "未汇总：1 个下级报告"
    assert rollup.parts[0].latest["text"] == "完成村庄清洁行动春季战役"
    assert rollup.own_units == ("市农业农村局",)


def test_the_city_target_is_the_districts_sum_not_the_city_units_figure(reported):
    from luoshi.reporting.engine import target_statuses

    (target,) = [t for t in target_statuses(reported["plan"], AS_OF) if t.sid == T1]
    assert target.actual == Decimal(4)  # 3 + 1 from the districts; the city unit's 50 left out
    assert target.attainment == Decimal(40)


def test_the_city_status_sees_a_district_report_at_once(reported):
    from luoshi.reporting import board

    def city_row():
        return {r.sid: r for r in board.status_of(reported["plan"], AS_OF).rows}[T3]

    assert city_row().status == Status.NOT_REPORTED
    # the district's unit hands in 5月中旬: its kept row changes, nothing of the city's does
    hand_in(lower(reported["dc"], T3), "鼎城区发改局", "2025-05-2", 30)
    row = city_row()
    assert row.status == Status.ON_TRACK
    assert [(p.organisation, p.progress) for p in row.parts] == [("鼎城区", Decimal(30))]
    assert row.progress == Decimal(60)


def test_a_confirmed_alignment_counts_like_a_breakdown(reported):
    """A district plan imported on its own, one of its tasks aligned (对标) to the city's
    (四), confirmed by a person: the city task's light weighs that district's part."""
    import datetime as dt

    from luoshi.plans.choices import LinkKind, LinkState
    from luoshi.plans.models import Part, Plan, Section, Task, TaskLink, TaskUnit, Unit

    xd = reported["xd"]
    own = Plan.objects.create(
        organisation=xd,
        series="西洞庭优化营商环境",
        title="西洞庭优化营商环境方案",
        year=2025,
        date=dt.date(2025, 4, 1),
        content_hash="x",
    )
    part = Part.objects.create(plan=own, key="正文", title="正文")
    section = Section.objects.create(
        plan=own, part=part, sid="正文/一", number="一", title="一网通办", text="推进一网通办。"
    )
    task = Task.objects.create(
        plan=own,
        part=part,
        section=section,
        title="一网通办",
        text="推进一网通办。",
        deadline=dt.date(2025, 12, 31),
    )
    TaskUnit.objects.create(task=task, unit=Unit.objects.get(name="西洞庭社会事务局"), role="lead")
    link = TaskLink.objects.create(
        upper=upper(reported, T4), lower=task, kind=LinkKind.ALIGNMENT, state=LinkState.SUGGESTED
    )
    assert rows(reported["plan"])[T4].parts == ()  # a suggestion counts for nothing
    link.state = LinkState.CONFIRMED
    link.save()
    row = rows(reported["plan"])[T4]
    (part_row,) = row.parts
    assert (part_row.organisation, part_row.kind, part_row.counts) == ("西洞庭管理区", "对标", True)
    assert row.own_progress == Decimal(30) and row.progress == Decimal(30)
    # 西洞庭 has not reported 5月中旬 on its own task: the city task's light says so
    assert row.status == Status.NOT_REPORTED and row.reason == "西洞庭管理区：2025年5月中旬未报送"
