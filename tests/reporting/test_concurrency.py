"""200 reporters submitting at the same moment: every report stored once, no
“database is locked” reaching anyone, on SQLite and on PostgreSQL."""

import datetime as dt
import threading

import pytest
from django.contrib.auth import get_user_model
from django.db import connection

from luoshi.accounts.models import Profile
from luoshi.accounts.permissions import SYSTEM, actor_for
from luoshi.plans.models import Task, Unit
from luoshi.plans.services import import_plan
from luoshi.reporting.choices import ReportState
from luoshi.reporting.models import Report, ReportTransition
from luoshi.reporting.services import ReportData, ReportingError, save_draft, submit_report
from tests.clock import travel_to
from tests.conftest import ON_POSTGRES

REPORTERS = 200
WORKERS = 40
MAY_9 = dt.date(2025, 5, 9)


def big_plan(n: int) -> dict:
    sections = [{"id": "一", "part": "正文", "parent": None, "number": "一", "title": "重点任务", "text": ""}]
    tasks = []
    for i in range(1, n + 1):
        sid = f"一/{i}"
        sections.append(
            {
                "id": sid,
                "part": "正文",
                "parent": "一",
                "number": str(i),
                "title": f"任务{i}",
                "text": f"任务{i}。(测试{i}局牵头负责)",
            }
        )
        tasks.append({"section": sid, "leads": [f"测试{i}局"], "cooperators": [], "deadline": None})
    return {
        "schema": "luoshi.plan/1", "title": "并发测试方案", "issuer": "", "doc_number": "", "date": "2025-03-01",
        "parts": [{"key": "正文", "title": "并发测试方案"}], "sections": sections, "tasks": tasks, "targets": [], "task_forces": [],
    }  # fmt: skip


@pytest.mark.django_db(transaction=True)
def test_two_hundred_reporters_submit_at_once():
    import_plan(SYSTEM, big_plan(REPORTERS))
    travel_to(MAY_9)
    users = []
    for i in range(1, REPORTERS + 1):
        user = get_user_model().objects.create_user(f"tb{i}", password="x")
        Profile.objects.create(user=user, role="reporter", unit=Unit.objects.get(name=f"测试{i}局"))
        users.append(user)
    tasks = {t.section.sid: t for t in Task.objects.select_related("plan", "section", "part")}
    barrier = threading.Barrier(REPORTERS)
    # All 200 arrive at once. On PostgreSQL (100 connections by default) they are served,
    # as by the server's worker threads, at most WORKERS at a time; on SQLite all at once.
    workers = threading.BoundedSemaphore(WORKERS if ON_POSTGRES else REPORTERS)
    failures: list[str] = []

    def reporter(i: int) -> None:
        barrier.wait(timeout=60)
        workers.acquire()
        try:
            user = get_user_model().objects.get(username=f"tb{i}")
            actor = actor_for(user)
            unit = Unit.objects.get(name=f"测试{i}局")
            report = save_draft(
                actor,
                tasks[f"一/{i}"],
                unit,
                "2025-05-1",
                ReportData(progress=str(i % 100), progress_text=f"第{i}项进展"),
            )
            submit_report(actor, report)
            # the same reporter clicking submit twice: refused, not stored twice
            try:
                submit_report(actor, report)
                failures.append(f"{i}: second submit accepted")
            except ReportingError:
                pass
        except Exception as exc:  # noqa: BLE001 - every failure is reported below
            failures.append(f"{i}: {type(exc).__name__}: {exc}")
        finally:
            connection.close()
            workers.release()

    threads = [threading.Thread(target=reporter, args=(i,)) for i in range(1, REPORTERS + 1)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=300)

    assert failures == []
    assert Report.objects.count() == REPORTERS
    assert Report.objects.filter(state=ReportState.SUBMITTED).count() == REPORTERS
    assert ReportTransition.objects.filter(to_state=ReportState.SUBMITTED).count() == REPORTERS
    assert sorted(Report.objects.values_list("unit__name", flat=True)) == sorted(
        f"测试{i}局" for i in range(1, REPORTERS + 1)
    )
