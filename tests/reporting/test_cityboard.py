"""The city board's kept figures: after writes of reports it judges again only the tasks
whose kept rows changed, and what it shows equals the full recomputation (the status
engine over the reports themselves) — on SQLite and PostgreSQL alike."""

import datetime as dt
import random
import re

import pytest
from django.contrib.auth import get_user_model

from luoshi.accounts.permissions import actor_for
from luoshi.demo import province
from luoshi.plans.models import Organisation, Plan, TaskUnit
from luoshi.reporting import board, cityboard
from luoshi.reporting.models import Report
from luoshi.reporting.services import (
    ReportData,
    accept_report,
    approve_report,
    return_report,
    save_draft,
    submit_report,
)
from tests.clock import travel_to

TODAY = dt.date(2026, 1, 12)  # every 旬 of 2025 due; 12月下旬's reports handed in, not yet accepted
LAST = "2025-12-3"


@pytest.fixture
def city(db):
    travel_to(TODAY)
    board.clear_memo()
    cityboard.clear_memo()
    province.build([1, 1, 3], 12, 2025, log=lambda *_: None)
    yield Organisation.objects.get(level="city")
    cityboard.clear_memo()


def users(org):
    found = {}
    for user in get_user_model().objects.filter(username__startswith=f"b{org.pk}-").select_related("profile"):
        found[user.username.split("-", 1)[1]] = user
    return found


def random_write(rng: random.Random, districts) -> str:
    """One write of a district's reports through the services: a missing report of 12月下旬
    handed in (sometimes at 100 %), or one handed in approved and accepted, or returned."""
    district = rng.choice(districts)
    people = users(district)
    i = rng.choice((1, 2, 3))
    reporter, head, coordinator = people[f"reporter{i}"], people[f"head{i}"], people["coordinator"]
    unit = reporter.profile.unit
    mine = TaskUnit.objects.filter(task__plan__organisation=district, unit=unit).order_by("task_id")
    reports = Report.objects.filter(
        unit=unit, task__plan__organisation=district, period__key=LAST, is_current=True
    )
    handed = {r.task_id: r for r in reports}
    kind = rng.choice(("submit", "accept", "return"))
    if kind == "submit":
        open_tasks = [tu.task for tu in mine if tu.task_id not in handed]
        if open_tasks:
            task = rng.choice(open_tasks)
            progress = rng.choice(("35", "80", "100"))
            report = save_draft(
                actor_for(reporter), task, unit, LAST, ReportData(progress=progress, progress_text="推进中")
            )
            submit_report(actor_for(reporter), report)
            return f"submit {task.pk} {progress}"
    waiting = [r for r in handed.values() if r.state == "submitted"]
    if not waiting:
        return "nothing"
    report = rng.choice(waiting)
    if kind == "accept":
        accept_report(actor_for(coordinator), approve_report(actor_for(head), report))
        return f"accept {report.task_id}"
    return_report(actor_for(head), report, "请补充佐证材料")
    return f"return {report.task_id}"


def accept_one(district) -> None:
    """One report of 12月下旬 handed in by the district's first unit, approved by its head and
    accepted by the district's coordinator."""
    people = users(district)
    report = Report.objects.filter(
        task__plan__organisation=district,
        unit=people["head1"].profile.unit,
        period__key=LAST,
        state="submitted",
    ).first()
    accept_report(actor_for(people["coordinator"]), approve_report(actor_for(people["head1"]), report))


def assert_equals_full_path(result: cityboard.CityBoard) -> None:
    for line in result.lines:
        for summary in line.plans:
            plan = Plan.objects.get(pk=summary.plan_id)
            assert summary == cityboard.summarise(plan, TODAY, full=True), plan.organisation.name
        # the line's own figures (kept from the last board where its plans' are the same)
        fresh = cityboard.OrgLine(line.organisation, line.has_children, list(line.plans))
        for name in ("total", "lagging", "late_units", "missing_reports", "on_time_rate", "score"):
            assert getattr(line, name) == getattr(fresh, name), (line.organisation.name, name)


def test_after_random_writes_the_board_equals_the_full_recomputation(city):
    districts = list(Organisation.objects.filter(parent=city).order_by("path"))
    first = cityboard.city_board(city, TODAY)
    assert first.recomputed == len(districts)
    assert_equals_full_path(first)
    rng = random.Random(16)
    patched = 0
    for _round in range(8):
        done = [random_write(rng, districts) for _ in range(rng.choice((1, 2, 3)))]
        result = cityboard.city_board(city, TODAY)
        assert result.recomputed <= len(districts), done
        patched += result.recomputed
        assert_equals_full_path(result)
    assert patched  # the writes moved the figures the board keeps


def test_the_page_follows_a_write(city, client):
    coordinator = users(city)["coordinator"]
    client.force_login(coordinator)
    districts = list(Organisation.objects.filter(parent=city).order_by("path"))

    def lagging_on_page() -> int:
        html = client.get("/board/orgs/").content.decode()
        return int(re.search(r'id="kpi-lagging">(\d+)<', html).group(1))

    assert lagging_on_page() == cityboard.city_board(city, TODAY).lagging_count
    rng = random.Random(7)
    for _ in range(6):
        random_write(rng, districts)
        shown = lagging_on_page()
        full = sum(
            len(cityboard.summarise(plan, TODAY, full=True).lagging)
            for plan in Plan.objects.filter(organisation__in=districts)
        )
        assert shown == full


def test_a_view_while_nothing_moved_reads_no_district(city, client, django_assert_max_num_queries):
    """The page is kept per data version: a second view costs the page frame and one
    small query, however many districts there are (no query per district or plan)."""
    client.force_login(users(city)["coordinator"])
    assert client.get("/board/orgs/").status_code == 200
    client.get("/board/orgs/")  # the session's activity stamp written once, if due
    # the session, the user (with its profile, unit and organisation: the frame's names and
    # the board's organisation), the data version and the unread messages
    with django_assert_max_num_queries(4):
        page = client.get("/board/orgs/")
    assert page.status_code == 200 and page.context["board"].recomputed == 0


def test_the_reports_due_counted_again_from_kept_rows_equal_the_query(city):
    """A board counts the 报送率 of the tasks whose reports were written from their kept
    rows (``due_again``); for every plan and each of the last three 旬 (handed in on time,
    late and not at all among them) that equals what the query counts, before and after
    a kept row changes."""
    from luoshi.reporting.engine.completeness import due_again, due_by_task
    from luoshi.reporting.engine.reports import kept_rows
    from luoshi.reporting.models import Period, Standing
    from luoshi.reporting.periods import span_for_key
    from luoshi.reporting.policy import Schedule

    compared = on_time = late = 0
    for plan in Plan.objects.filter(organisation__parent=city):
        schedule = Schedule.of(plan)
        tasks = list(plan.tasks.values_list("pk", flat=True))
        for key in ("2025-12-1", "2025-12-2", LAST):
            span = span_for_key(key)
            period_id = Period.objects.get(cadence=span.cadence, key=key).pk
            due = schedule.due(span)
            counted = due_by_task(plan, schedule, span, period_id, TODAY)
            assert counted, key
            assert due_again(counted, kept_rows(tasks), period_id, due, span.end, TODAY) == counted, key
            compared += 1
            on_time += sum(n.on_time for n in counted.values())
            late += sum(n.due - n.on_time for n in counted.values())
            # a report of the period handed in on time found late after all: both count it so
            row, slot = next(
                (r, i)
                for r in kept_rows(tasks)
                for i in (0, 1, 2)
                if r[6 + i] == period_id and r[11 + i] is not None and r[11 + i] <= due
            )
            Standing.objects.filter(task_id=row[0], unit_id=row[1]).update(
                **{f"d{slot + 1}": due + dt.timedelta(days=1)}
            )
            after = due_by_task(plan, schedule, span, period_id, TODAY)
            assert after[row[0]].on_time == counted[row[0]].on_time - 1
            assert due_again(counted, kept_rows(tasks), period_id, due, span.end, TODAY) == after, key
    assert compared == 9 and on_time and late  # both kinds were there to count


def test_a_period_stored_since_the_board_was_kept_is_judged_with(city):
    """A period stored (the first report of a new 旬 anywhere) moves every task's due
    periods: the tasks of a report written since are not judged again on the periods the
    plan was judged with (the periods stored are read with the rows changed), the plan is
    worked out again."""
    from luoshi.reporting.engine import plan_status
    from luoshi.reporting.engine.plan import basis_of, judge_again, periods_stored
    from luoshi.reporting.models import Period
    from luoshi.reporting.periods import span_for_key
    from luoshi.reporting.policy import ensure_period

    district = Organisation.objects.filter(parent=city).order_by("path").first()
    plan = Plan.objects.get(organisation=district)
    cityboard.city_board(city, TODAY)
    status, basis = plan_status(plan, TODAY), basis_of(plan, TODAY)
    task = status.rows[0].task_id
    assert judge_again(plan, status, basis, {task}) is not None
    assert not Period.objects.filter(key="2026-01-1").exists()
    ensure_period(span_for_key("2026-01-1"))
    assert judge_again(plan, status, basis, {task}) is None
    assert judge_again(plan, status, basis, {task}, periods=periods_stored()) is None
    assert cityboard._window(cityboard.timezone.now())[1] == periods_stored()
    accept_one(district)
    after = cityboard.city_board(city, TODAY)
    assert after.recomputed == 1
    assert_equals_full_path(after)


def test_the_first_view_after_a_write_reads_that_writes_tasks_only(
    city, client, django_assert_max_num_queries
):
    """After a report accepted in one district the page works out that district's plan
    alone, from the rows the write changed: a few small queries, none per district."""
    district = Organisation.objects.filter(parent=city).order_by("path").first()
    client.force_login(users(city)["coordinator"])
    client.get("/board/orgs/")
    client.get("/board/orgs/")  # the session's activity stamp written once, if due
    accept_one(district)
    # the session, the user, the data version, the kept rows changed (with the periods
    # stored), the changed task's kept rows, the unread messages
    with django_assert_max_num_queries(6):
        page = client.get("/board/orgs/")
    assert page.status_code == 200 and page.context["board"].recomputed == 1


def test_kept_rows_of_a_period_not_known_cannot_answer(city):
    """Rows read after a period was stored that the periods known do not hold (stored
    between the two reads) leave the judging to the full path, no error."""
    from luoshi.reporting.engine.reports import kept_handed_in, kept_rows, period_spans

    plan = Plan.objects.get(organisation=Organisation.objects.filter(parent=city).order_by("path").first())
    task = plan.tasks.order_by("pk").first().pk
    rows = kept_rows([task])
    spans = period_spans()
    assert kept_handed_in(plan, [task], {}, None, TODAY, spans, rows) is not None
    known = {pk: span for pk, span in spans.items() if pk != rows[0][2]}
    assert kept_handed_in(plan, [task], {}, None, TODAY, known, rows) is None
