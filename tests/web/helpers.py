"""Shared test data for the page and API tests: a fixed today, the test plan's tasks and
reports made through the reporting services."""

import datetime as dt

from luoshi.accounts.permissions import actor_for
from luoshi.plans.models import Task, Unit
from luoshi.reporting import services
from luoshi.reporting.services import ReportData

JULY_15 = dt.date(2025, 7, 15)  # a Tuesday: 7月上旬 was due on Monday the 14th
PERIOD = "2025-07-1"  # 2025年7月上旬
TASK_A = "附件1/一/(一)"  # 县工信局 leads, 县发改局 and 城关镇 cooperate
TASK_B = "附件1/一/(二)"  # 县发改局 leads
TASK_C = "附件1/一/(三)"  # 县政务服务中心 leads
PASSWORD = "Luoshi@2025x"


def task(sid: str) -> Task:
    return Task.objects.select_related("plan", "part", "section").get(section__sid=sid)


def draft(user, sid=TASK_A, *, progress="30", text="完成企业摸底", problems="", period=PERIOD, values=None):
    actor = actor_for(user)
    return services.save_draft(
        actor,
        task(sid),
        Unit.objects.get(pk=actor.unit_id),
        period,
        ReportData(progress=progress, progress_text=text, problems=problems, target_values=values or {}),
    )


def submitted(user, sid=TASK_A, **kwargs):
    report = draft(user, sid, **kwargs)
    return services.submit_report(actor_for(user), report)


def approved(reporter, head, sid=TASK_A, **kwargs):
    report = submitted(reporter, sid, **kwargs)
    return services.approve_report(actor_for(head), report)
