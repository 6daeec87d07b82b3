"""Test helpers for reporting: a named day and reports made through the services."""

import datetime as dt

from luoshi.accounts.permissions import SYSTEM, actor_for
from luoshi.plans.models import Task, Unit
from luoshi.reporting.services import ReportData, accept_report, approve_report, save_draft, submit_report

MAY_9 = dt.date(2025, 5, 9)  # inside 2025年5月上旬 (due Mon 12 May)


def task(sid: str) -> Task:
    return Task.objects.select_related("plan", "section", "part").get(
        section__sid=sid,
        plan__version=Task.objects.filter(section__sid=sid)
        .order_by("-plan__version")
        .values_list("plan__version", flat=True)
        .first(),
    )


def unit(name: str) -> Unit:
    return Unit.objects.get(name=name)


def report(sid, unit_name, period="2025-05-1", progress="40", text="按计划推进", user=None, **fields):
    actor = actor_for(user) if user else SYSTEM
    data = ReportData(progress=progress, progress_text=text, **fields)
    return save_draft(actor, task(sid), unit(unit_name), period, data)


def accepted(sid, unit_name, period="2025-05-1", progress="40", **kw):
    r = submit_report(SYSTEM, report(sid, unit_name, period, progress, **kw))
    r = approve_report(SYSTEM, r)
    return accept_report(SYSTEM, r)
