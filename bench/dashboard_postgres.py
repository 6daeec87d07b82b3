"""Server time of the battle map (/board/) with 100,000 tasks on PostgreSQL.

    python bench/dashboard_postgres.py [--url postgresql://postgres@127.0.0.1:5432/luoshi_bench]
                                       [--tasks 100000] [--runs 100] [--rebuild]
                                       [--with-proposed-engine-cache]

Migrates the database at ``--url`` (it must exist and is the benchmark's own), builds the
data set through bulk inserts when it is not there yet (one plan of 8 campaigns,
``--tasks`` tasks with a lead and two cooperators each among 400 units, 800 targets,
reports of the leads for the last three due 旬 and of the cooperators for the latest,
20,000 milestones), fixes today at 15 July 2025, signs in as a leader and times
``--runs`` requests of /board/. Bar: p95 < 300 ms. Exits 1 when missed.

``--with-proposed-engine-cache`` applies, in this process only, the two memoisations
proposed for the reporting engine in bench/README.md (working days cached; the latest due
period cached per cadence, start, deadline and date); without them the first, cold
computation of the status at 100,000 tasks takes minutes in ``chinese_calendar``.
"""

import argparse
import datetime as dt
import os
import random
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

TODAY = dt.date(2025, 7, 15)
SERIES = "基准测试：十万项任务的实施方案"


def build(tasks: int) -> None:
    from django.contrib.auth import get_user_model
    from django.db import transaction
    from django.utils import timezone

    from luoshi.accounts.models import Profile
    from luoshi.plans.models import Part, Plan, Section, Target, Task, TaskForce, TaskUnit, Unit
    from luoshi.reporting.models import Milestone, Period, Report, TargetValue
    from luoshi.reporting.periods import span_for_key
    from luoshi.reporting.policy import ensure_periods, policy_for

    rng = random.Random(2025)
    started = time.perf_counter()
    with transaction.atomic():
        units = Unit.objects.bulk_create([Unit(name=f"基准单位{i:03d}", order=i) for i in range(400)])
        plan = Plan.objects.create(
            series=SERIES, version=1, title=SERIES, year=2025, date=dt.date(2025, 1, 1), content_hash="bench"
        )
        parts = Part.objects.bulk_create(
            [Part(plan=plan, key=f"附件{i + 1}", title=f"第{i + 1}项攻坚实施方案", order=i) for i in range(8)]
        )
        for part in parts:
            TaskForce.objects.create(
                plan=plan, part=part, name=f"{part.title}工作专班", office=units[parts.index(part)]
            )
        sections = Section.objects.bulk_create(
            [
                Section(
                    plan=plan,
                    part=parts[i % 8],
                    sid=f"{parts[i % 8].key}/{i}",
                    number=str(i),
                    title=f"任务{i}",
                    text=f"第{i}项任务的内容。",
                    order=i,
                )
                for i in range(tasks)
            ],
            batch_size=5000,
        )
        deadlines = [dt.date(2025, 6, 30), dt.date(2025, 9, 30), dt.date(2025, 12, 31), None]
        task_rows = Task.objects.bulk_create(
            [
                Task(plan=plan, part=s.part, section=s, title=s.title, text=s.text, deadline=deadlines[i % 4])
                for i, s in enumerate(sections)
            ],
            batch_size=5000,
        )
        roles = []
        for task in task_rows:
            picked = rng.sample(range(400), 3)
            roles.append(TaskUnit(task=task, unit=units[picked[0]], role="lead", order=0))
            roles += [
                TaskUnit(task=task, unit=units[j], role="cooperator", order=k)
                for k, j in enumerate(picked[1:])
            ]
        TaskUnit.objects.bulk_create(roles, batch_size=10000)
        targets = Target.objects.bulk_create(
            [
                Target(
                    plan=plan,
                    part=sections[i].part,
                    section=sections[i],
                    subject=f"指标{i}",
                    op=">=",
                    value=100,
                    unit="个",
                    order=i,
                )
                for i in range(800)
            ]
        )
        policy_for(plan)
        ensure_periods("dekad", 2025)
        periods = {p.key: p for p in Period.objects.filter(cadence="dekad")}
        now = timezone.now()
        reports = []
        leads = {r.task_id: r.unit_id for r in roles if r.role == "lead"}
        for key, share in (("2025-06-2", 0.97), ("2025-06-3", 0.95), ("2025-07-1", 0.85)):
            period = periods[key]
            due = span_for_key(key).end + dt.timedelta(days=3)
            for task in task_rows:
                if task.deadline and task.deadline < period.start or rng.random() > share:
                    continue
                reports.append(
                    Report(
                        task=task,
                        unit_id=leads[task.pk],
                        period=period,
                        role="lead",
                        state="accepted",
                        due=due,
                        progress=rng.randint(10, 80),
                        progress_text="按计划推进",
                        problems="" if rng.random() > 0.2 else "要素保障不足",
                        submitted_at=now,
                        accepted_at=now,
                    )
                )
        period = periods["2025-07-1"]
        for role in roles:
            if role.role == "cooperator" and rng.random() < 0.5:
                reports.append(
                    Report(
                        task_id=role.task_id,
                        unit_id=role.unit_id,
                        period=period,
                        role="cooperator",
                        state="submitted",
                        due=dt.date(2025, 7, 14),
                        progress_text="配合推进",
                        submitted_at=now,
                    )
                )
        Report.objects.bulk_create(reports, batch_size=10000)
        Milestone.objects.bulk_create(
            [
                Milestone(
                    task=task_rows[i * 5],
                    title="节点",
                    due_date=dt.date(2025, 5 + i % 6, 15),
                    done=i % 3 == 0,
                )
                for i in range(20000)
            ],
            batch_size=10000,
        )
        first = Report.objects.filter(period=period, role="lead").order_by("pk").first()
        TargetValue.objects.bulk_create(
            [TargetValue(report=first, target=t, value=rng.randint(20, 90)) for t in targets[:1]]
        )
        user = get_user_model().objects.create_user("bench_leader", password="Bench#2025x")
        Profile.objects.create(user=user, role="leader")
    print(
        f"built {tasks} tasks, {len(roles)} task units, {len(reports)} reports in {time.perf_counter() - started:.0f} s"
    )


def proposed_engine_cache() -> None:
    """The change proposed for reporting/workdays.py and reporting/policy.py, applied here."""
    import functools

    from luoshi.reporting import policy, workdays

    workdays.is_workday = functools.lru_cache(maxsize=8192)(workdays.is_workday)
    original = policy.Schedule.latest_due_span
    cache: dict = {}

    def latest_due_span(self, cadence, start, deadline, as_of):
        key = (id(self), cadence, start, deadline, as_of)
        if key not in cache:
            cache[key] = original(self, cadence, start, deadline, as_of)
        return cache[key]

    policy.Schedule.latest_due_span = latest_due_span


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument(
        "--url",
        default=os.environ.get(
            "LUOSHI_BENCH_DATABASE_URL", "postgresql://postgres@127.0.0.1:5432/luoshi_bench"
        ),
    )
    parser.add_argument("--tasks", type=int, default=100_000)
    parser.add_argument("--runs", type=int, default=100)
    parser.add_argument("--rebuild", action="store_true")
    parser.add_argument("--with-proposed-engine-cache", action="store_true")
    args = parser.parse_args()
    os.environ["LUOSHI_DATABASE_URL"] = args.url
    os.environ.setdefault("LUOSHI_DATA_DIR", "/tmp/luoshi-bench-pg")
    os.environ["DJANGO_SETTINGS_MODULE"] = "luoshi.settings"
    import django

    django.setup()
    from dashboard_common import report, time_page
    from django.contrib.auth import get_user_model
    from django.core.management import call_command
    from django.db import connection
    from django.test import Client

    from luoshi.core import clock
    from luoshi.plans.models import Plan, Task

    call_command("migrate", verbosity=0)
    if args.rebuild:
        call_command("flush", "--no-input", verbosity=0)
    if not Plan.objects.filter(series=SERIES).exists():
        build(args.tasks)
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
    if args.with_proposed_engine_cache:
        proposed_engine_cache()
    clock.store_fixed_today(TODAY)
    client = Client()
    client.force_login(get_user_model().objects.get(username="bench_leader"))
    plan = Plan.objects.get(series=SERIES)
    print(
        f"data: {Task.objects.filter(plan=plan).count()} tasks; today {clock.today()}; engine cache proposal {'on' if args.with_proposed_engine_cache else 'off'}"
    )
    ok = report(
        "/board/ (PostgreSQL, 100k tasks)", time_page(client, f"/board/?plan={plan.pk}", args.runs), 300
    )
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
