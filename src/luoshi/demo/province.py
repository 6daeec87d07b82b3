"""A province for the benchmarks (``luoshi bench-data``): an organisation tree (a province,
its cities, their districts), one plan per organisation with its units and users, and a year
of 旬 reports with their kept rows — written in bulk (COPY on PostgreSQL), in minutes.

Deterministic for a seed: the same sizes give the same data. Each organisation has its own
pace: most tasks keep up with 序时进度, some lag (more in some districts than others), and a
few reports are missing, so the boards and their ranking have something to show.
"""

import datetime as dt
import random
import time
from dataclasses import dataclass

from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import make_password
from django.db import connection, transaction
from django.utils import timezone

from luoshi.accounts.choices import Role
from luoshi.accounts.models import Profile
from luoshi.plans.choices import OrgLevel, UnitKind
from luoshi.plans.models import Organisation, Part, Plan, Section, Task, TaskUnit, Unit
from luoshi.reporting import kept
from luoshi.reporting.policy import ensure_periods, policy_for
from luoshi.reporting.workdays import add_workdays

PASSWORD = "Luoshi@2025"
CAMPAIGNS = 7
UNITS_PER_ORG = 12
SQLITE_MAX_TASKS = 3000  # SQLite holds a small tree only
LEVELS = (OrgLevel.PROVINCE, OrgLevel.CITY, OrgLevel.DISTRICT, OrgLevel.TOWN)
LEVEL_SUFFIX = {OrgLevel.PROVINCE: "省", OrgLevel.CITY: "市", OrgLevel.DISTRICT: "区", OrgLevel.TOWN: "镇"}
DEPARTMENTS = ("发改局", "工信局", "财政局", "住建局", "交通局", "农业农村局", "商务局", "文旅局", "生态环境局", "教育局", "卫健委", "自然资源局")  # fmt: skip


class SizeError(ValueError):
    """Sizes that cannot be built (a Chinese message naming the option)."""


@dataclass
class Built:
    organisations: int
    plans: int
    tasks: int
    reports: int
    kept: int
    users: int
    seconds: float


def parse_orgs(text: str) -> list[int]:
    """``1+14+130`` → [1, 14, 130]: how many organisations at each level, top down."""
    try:
        sizes = [int(part) for part in (text or "").split("+")]
    except ValueError:
        raise SizeError(f"--orgs {text!r} 应为各层组织数，用“+”连接，如 1+14+130") from None
    if not sizes or sizes[0] != 1:
        raise SizeError(f"--orgs {text!r}：最上一层只能有 1 个组织（如 1+14+130）")
    if len(sizes) > len(LEVELS):
        raise SizeError(f"--orgs {text!r}：最多 {len(LEVELS)} 层（省、市、县区、乡镇）")
    for upper, lower in zip(sizes, sizes[1:], strict=False):
        if lower < upper:
            raise SizeError(f"--orgs {text!r}：每层组织数不能少于上一层（{lower} < {upper}）")
    return sizes


def _levels(sizes: list[int]) -> list[str]:
    """A single organisation is a district (a single-district install); a tree starts at
    the province."""
    if len(sizes) == 1:
        return [OrgLevel.DISTRICT]
    return list(LEVELS[: len(sizes)])


def build(sizes: list[int], tasks_per_plan: int, year: int, *, seed: int = 2025, log=print) -> Built:
    """Build the tree into an empty database (no plan yet)."""
    if tasks_per_plan < 1:
        raise SizeError("--tasks-per-plan 至少为 1")
    if (
        Plan.objects.exists()
        or Organisation.objects.filter(parent__isnull=False).exists()
        or Organisation.objects.filter(parent__isnull=True).count() > 1
    ):
        raise SizeError("数据库中已有方案或组织树：bench-data 只在空数据库上生成（请新建数据库后再运行）")
    total_tasks = sum(sizes) * tasks_per_plan
    if connection.vendor != "postgresql" and total_tasks > SQLITE_MAX_TASKS:
        raise SizeError(
            f"bench-data 在 {connection.vendor} 上只生成小规模数据（任务总数不超过 {SQLITE_MAX_TASKS}，"
            f"本次 {total_tasks}）：大规模数据请使用 PostgreSQL（设置 LUOSHI_DATABASE_URL）"
        )
    rng = random.Random(seed)
    started = time.perf_counter()
    with transaction.atomic():
        orgs = _organisations(sizes)
        log(f"组织 {len(orgs)} 个")
        periods = ensure_periods("dekad", year)
        password = make_password(PASSWORD)
        plans, tasks, users = 0, 0, 0
        leads: list[tuple[int, int, str, float]] = []  # task id, unit id, role, pace
        for index, org in enumerate(orgs):
            units = _units(org, orgs)
            users += _users(org, units, password)
            pace = 1.0 - 0.25 * ((index * 7919) % 11) / 10  # 1.0 … 0.75: some organisations lag
            made = _plan(org, units, tasks_per_plan, year, rng, pace)
            leads += made
            plans += 1
            tasks += tasks_per_plan
        log(f"方案 {plans} 个，任务 {tasks} 项，用户 {users} 个：{time.perf_counter() - started:.0f} 秒")
        reports = _reports(leads, periods, rng)
        log(f"旬报 {reports} 份：{time.perf_counter() - started:.0f} 秒")
        rows = kept.rebuild()
        log(f"报送现状 {rows} 行：{time.perf_counter() - started:.0f} 秒")
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
    return Built(len(orgs), plans, tasks, reports, rows, users, time.perf_counter() - started)


def _organisations(sizes: list[int]) -> list[Organisation]:
    """The tree, level by level; each level's organisations spread evenly over the one
    above (a city gets ⌈130/14⌉ or ⌊130/14⌋ districts)."""
    levels = _levels(sizes)
    root = Organisation.objects.filter(parent__isnull=True).order_by("pk").first()
    everyone: list[Organisation] = []
    above: list[Organisation] = [None]  # type: ignore[list-item]
    for depth, (count, level) in enumerate(zip(sizes, levels, strict=True)):
        made = []
        for i in range(count):
            parent = above[i * len(above) // count]
            name = (
                "基准省"
                if depth == 0 and level == OrgLevel.PROVINCE
                else f"基准{i + 1:03d}{LEVEL_SUFFIX[level]}"
            )
            if depth == 0 and level != OrgLevel.PROVINCE:
                name = f"基准{LEVEL_SUFFIX[level]}"
            if depth == 0 and root is not None:  # the install's organisation, made by the migration
                root.name, root.level, root.order = name, level, 0
                root.save()
                made.append(root)
                continue
            made.append(Organisation.objects.create(name=name, level=level, parent=parent, order=i))
        everyone += made
        above = made
    return everyone


def _units(org: Organisation, orgs: list[Organisation]) -> list[Unit]:
    """The organisation's departments; and a unit standing for each organisation right
    below it (the city's ``基准001区`` is the district)."""
    units = Unit.objects.bulk_create(
        [
            Unit(organisation=org, name=f"{org.name}{dept}", short_name=dept, order=i)
            for i, dept in enumerate(DEPARTMENTS[:UNITS_PER_ORG])
        ]
    )
    below = [o for o in orgs if o.parent_id == org.pk]
    if below:
        Unit.objects.bulk_create(
            [
                Unit(organisation=org, name=o.name, kind=UnitKind.STREET_TOWN, represents=o, order=100 + i)
                for i, o in enumerate(below)
            ]
        )
    return units


def _users(org: Organisation, units: list[Unit], password: str) -> int:
    """A coordinator and a leader of the organisation, and a reporter and a head of each
    of its first three departments: ``b{org}-coordinator``, ``b{org}-reporter1`` …"""
    user_model = get_user_model()
    specs = [(f"b{org.pk}-coordinator", Role.COORDINATOR, None), (f"b{org.pk}-leader", Role.LEADER, None)]
    for i, unit in enumerate(units[:3], start=1):
        specs += [(f"b{org.pk}-reporter{i}", Role.REPORTER, unit), (f"b{org.pk}-head{i}", Role.HEAD, unit)]
    users = user_model.objects.bulk_create(
        [user_model(username=name, password=password, first_name=name) for name, _, _ in specs]
    )
    Profile.objects.bulk_create(
        [
            Profile(user=user, role=role, unit=unit, organisation=org)
            for user, (_, role, unit) in zip(users, specs, strict=True)
        ]
    )
    return len(users)


def _plan(
    org: Organisation, units: list[Unit], count: int, year: int, rng: random.Random, pace: float
) -> list[tuple[int, int, str, float]]:
    title = f"{org.name}{year}年重点工作攻坚方案"
    plan = Plan.objects.create(
        organisation=org,
        series=title,
        title=title,
        year=year,
        date=dt.date(year, 1, 1),
        content_hash=f"bench-{org.pk}",
    )
    policy_for(plan)
    campaigns = min(CAMPAIGNS, count)
    parts = Part.objects.bulk_create(
        [Part(plan=plan, key=f"附件{i + 1}", title=f"第{i + 1}项攻坚", order=i) for i in range(campaigns)]
    )
    sections = Section.objects.bulk_create(
        [
            Section(
                plan=plan,
                part=parts[i % campaigns],
                sid=f"{parts[i % campaigns].key}/{i + 1}",
                number=str(i + 1),
                title=f"{org.name}任务{i + 1}",
                order=i,
            )
            for i in range(count)
        ]
    )
    tasks = Task.objects.bulk_create(
        [
            Task(plan=plan, part=s.part, section=s, title=s.title, deadline=dt.date(year, 12, 31))
            for s in sections
        ]
    )
    roles, made = [], []
    for index, task in enumerate(tasks):
        lead, cooperator = rng.sample(units, 2)
        # a task's pace: most keep up, some lag (more where the organisation lags)
        speed = pace * (0.55 if rng.random() < 0.12 else 1.0)
        roles.append(TaskUnit(task=task, unit=lead, role="lead", order=0))
        made.append((task.pk, lead.pk, "lead", speed))
        if index % 3 == 0:  # a cooperator on every third task, filing its contribution
            roles.append(TaskUnit(task=task, unit=cooperator, role="cooperator", order=1))
            made.append((task.pk, cooperator.pk, "cooperator", speed))
    TaskUnit.objects.bulk_create(roles)
    return made


REPORT_COLUMNS = (
    "created_at", "updated_at", "task_id", "unit_id", "period_id", "role", "revision", "is_current", "state",
    "due", "progress", "progress_text", "problems", "next_steps", "coordination", "submitted_at",
    "accepted_at", "return_reason",
)  # fmt: skip


def _reports(leads: list[tuple[int, int, str, float]], periods, rng: random.Random) -> int:
    """The units' 旬 reports of the year (about 96 % handed in, all accepted but the
    last period's), by COPY on PostgreSQL, else in batches."""
    from luoshi.reporting.models import Report

    def rows():
        last = len(periods) - 1
        for index, period in enumerate(periods):
            due = add_workdays(period.end, 1)
            moment = timezone.make_aware(dt.datetime.combine(due, dt.time(10)))
            share = (index + 1) / len(periods) * 100
            for task_id, unit_id, role, pace in leads:
                if rng.random() < 0.04:
                    continue
                progress = max(0, min(100, round(share * pace + rng.uniform(-4, 3))))
                accepted = index < last
                problems = "" if pace > 0.7 else "要素保障不足，进度滞后"
                yield (
                    moment, moment, task_id, unit_id, period.pk, role, 1, True,
                    "accepted" if accepted else "submitted", due, progress, "按计划推进", problems, "", "",
                    moment, moment if accepted else None, "",
                )  # fmt: skip

    count = 0
    if connection.vendor == "postgresql":
        table = Report._meta.db_table
        with (
            connection.cursor() as cursor,
            cursor.connection.cursor().copy(f"COPY {table} ({', '.join(REPORT_COLUMNS)}) FROM STDIN") as copy,
        ):
            for row in rows():
                copy.write_row(row)
                count += 1
        return count
    batch = []
    for row in rows():
        batch.append(Report(**dict(zip(REPORT_COLUMNS, row, strict=True))))
        if len(batch) >= 2000:
            Report.objects.bulk_create(batch)
            count += len(batch)
            batch = []
    Report.objects.bulk_create(batch)
    return count + len(batch)
