"""``luoshi bench-data``: a consistent province tree at small sizes; bad sizes and big sizes
on SQLite refused with a Chinese message and nothing written."""

import pytest
from django.core.management import CommandError, call_command
from django.db import connection

from luoshi.accounts.models import Profile
from luoshi.plans.models import Organisation, Plan, Task, TaskUnit, Unit
from luoshi.reporting.engine import plan_status
from luoshi.reporting.models import Report, Standing


def test_a_small_tree_is_consistent(db, capsys):
    call_command("bench_data", "--orgs", "1+2+3", "--tasks-per-plan", "5", "--year", "2025")
    assert "已生成：组织 6 个，方案 6 个，任务 30 项" in capsys.readouterr().out
    root = Organisation.objects.get(parent__isnull=True)  # the install's own, renamed
    assert (root.name, root.level) == ("基准省", "province")
    cities = list(Organisation.objects.filter(parent=root).order_by("order"))
    districts = list(Organisation.objects.filter(level="district").order_by("order"))
    assert [c.level for c in cities] == ["city", "city"] and len(districts) == 3
    assert {d.parent_id for d in districts} == {c.pk for c in cities}
    for org in Organisation.objects.all():
        assert org.path == (org.parent.path if org.parent else "/") + f"{org.pk}/"
        plan = Plan.objects.get(organisation=org)
        assert plan.tasks.count() == 5 and plan.parts.count() == 5
        # every unit on a task, every user, in the plan's organisation
        units = Unit.objects.filter(task_roles__task__plan=plan).distinct()
        assert set(units.values_list("organisation_id", flat=True)) == {org.pk}
        profiles = Profile.objects.filter(organisation=org)
        assert profiles.filter(role="coordinator").count() == 1
        assert not profiles.filter(must_change_password=True).exists()  # they sign in straight away
        assert all(p.unit is None or p.unit.organisation_id == org.pk for p in profiles)
        # the kept rows agree with the reports, the lights read them
        assert plan_status(plan, plan.date.replace(month=7, day=15)).rows
    # a unit of each city stands for each of its districts
    for city in cities:
        below = set(Organisation.objects.filter(parent=city).values_list("pk", flat=True))
        assert set(Unit.objects.filter(organisation=city, represents__isnull=False).values_list("represents", flat=True)) == below  # fmt: skip
    pairs = set(Report.objects.values_list("task_id", "unit_id").distinct())
    assert set(Standing.objects.values_list("task_id", "unit_id")) == pairs
    assert pairs <= set(TaskUnit.objects.values_list("task_id", "unit_id"))
    assert Task.objects.count() == 30


def test_a_single_district(db):
    call_command("bench_data", "--orgs", "1", "--tasks-per-plan", "4")
    org = Organisation.objects.get()
    assert org.level == "district" and Plan.objects.get().organisation == org


@pytest.mark.parametrize(
    "orgs, message",
    [
        ("1+x", "应为各层组织数"),
        ("2+14", "最上一层只能有 1 个组织"),
        ("1+14+3", "每层组织数不能少于上一层"),
        ("1+1+1+1+1", "最多 4 层"),
    ],
)
def test_bad_sizes_are_refused(db, orgs, message):
    with pytest.raises(CommandError, match=message):
        call_command("bench_data", "--orgs", orgs, "--tasks-per-plan", "2")
    assert not Plan.objects.exists() and Organisation.objects.filter(parent__isnull=False).count() == 0


def test_only_into_an_empty_database(db):
    call_command("bench_data", "--orgs", "1+2", "--tasks-per-plan", "2")
    with pytest.raises(CommandError, match="只在空数据库上生成"):
        call_command("bench_data", "--orgs", "1+2", "--tasks-per-plan", "2")
    assert Plan.objects.count() == 3


@pytest.mark.skipif("connection.vendor == 'postgresql'")
def test_sqlite_refuses_a_province(db):
    assert connection.vendor == "sqlite"
    with pytest.raises(CommandError, match="只生成小规模数据.*PostgreSQL"):
        call_command("bench_data", "--orgs", "1+14+130", "--tasks-per-plan", "150")
    assert not Plan.objects.exists() and not Organisation.objects.filter(parent__isnull=False).exists()


def test_the_cli_names_it_and_refuses_a_province_on_sqlite(run_luoshi):
    assert "bench-data --orgs 1+14+130" in run_luoshi("--help").stdout
    assert run_luoshi("migrate").returncode == 0
    result = run_luoshi("bench-data", "--orgs", "1+14+130", "--tasks-per-plan", "150", "--year", "2025")
    assert result.returncode == 1
    assert "错误：bench-data 在 sqlite 上只生成小规模数据" in result.stderr
    small = run_luoshi("bench-data", "--orgs", "1+2", "--tasks-per-plan", "2")
    assert small.returncode == 0 and "已生成：组织 3 个" in small.stdout
