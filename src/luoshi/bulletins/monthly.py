"""Gather the monthly bulletin (月通报): status as of the month end against the month
before, lagging tasks with their reasons, the month's reporting, and targets."""

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field

from luoshi.plans.models import Part, Plan
from luoshi.reporting import engine
from luoshi.reporting.choices import ReportState
from luoshi.reporting.policy import Schedule
from luoshi.reporting.status import Rollup, Status

from .gather import (
    CampaignBlock,
    Counts,
    PeriodInfo,
    Plain,
    TargetLine,
    TaskLine,
    UnitReporting,
    _reports,
    campaign_units,
    month_span,
    reporting_as_of,
    reporting_rows,
    spans_ending_in,
)

# ---------------------------------------------------------------- monthly bulletin


@dataclass
class MonthlyData(Plain):
    """Everything a monthly bulletin (月通报) states, for a plan or one campaign."""

    plan_title: str
    issuer: str
    doc_number: str
    campaign_key: str
    campaign_title: str
    month: str
    as_of: str
    previous_as_of: str
    reporting_as_of: str
    summary: Counts
    previous: Counts
    campaigns: list = field(default_factory=list)
    lagging: list = field(default_factory=list)
    periods: list = field(default_factory=list)
    reporting: list = field(default_factory=list)
    targets: list = field(default_factory=list)
    reports_in_month: int = 0

    nested = {
        "summary": Counts,
        "previous": Counts,
        "campaigns": CampaignBlock,
        "lagging": TaskLine,
        "periods": PeriodInfo,
        "reporting": UnitReporting,
        "targets": TargetLine,
    }

    @property
    def no_reports(self) -> bool:
        return self.reports_in_month == 0

    @property
    def month_date(self) -> dt.date:
        return dt.date.fromisoformat(self.month)

    @property
    def as_of_date(self) -> dt.date:
        return dt.date.fromisoformat(self.as_of)

    def delta(self, status: Status | str) -> int:
        """Change in the number of tasks of a status since last month."""
        return self.summary.n(status) - self.previous.n(status)

    @property
    def late_units(self) -> list[UnitReporting]:
        return [r for r in self.reporting if r.late]

    @property
    def missing_units(self) -> list[UnitReporting]:
        return [r for r in self.reporting if r.missing]

    @property
    def reporting_totals(self) -> dict:
        due = sum(r.due for r in self.reporting)
        submitted = sum(r.submitted for r in self.reporting)
        return {
            "due": due,
            "submitted": submitted,
            "on_time": sum(r.on_time for r in self.reporting),
            "late": sum(r.late for r in self.reporting),
            "missing": sum(r.missing for r in self.reporting),
            "rate": round(submitted / due * 100, 1) if due else 100.0,
        }


def gather_monthly(plan: Plan, month: dt.date, campaign: Part | None = None) -> MonthlyData:
    """The numbers of the monthly bulletin of ``month``: status as of the month end against
    the previous month end, lagging tasks with their reasons, reporting of the month's
    periods, and targets."""
    first, last = month_span(month)
    previous_end = first - dt.timedelta(days=1)
    key = campaign.key if campaign is not None else None
    status = engine.plan_status(plan, last, campaign=key)
    before = engine.plan_status(plan, previous_end, campaign=key)

    schedule = Schedule.of(plan)
    parts = {p.key: p for p in Part.objects.filter(plan=plan)}
    now_by_part, before_by_part = status.by_campaign(), before.by_campaign()
    rows_by_part = defaultdict(list)
    for row in status.rows:
        rows_by_part[row.part_key].append(TaskLine.of(row))
    campaigns = [
        CampaignBlock(
            key=part_key,
            title=parts[part_key].title if part_key in parts else part_key,
            summary=Counts.of(rollup),
            previous=Counts.of(before_by_part.get(part_key, Rollup())),
            tasks=rows_by_part[part_key],
        )
        for part_key, rollup in sorted(
            now_by_part.items(), key=lambda kv: parts[kv[0]].order if kv[0] in parts else 0
        )
    ]

    spans = spans_ending_in(plan, first, last, campaign)
    judged = reporting_as_of(schedule, spans, last)
    units = campaign_units(plan, campaign) if campaign is not None else None
    reporting = reporting_rows(plan, spans, judged, units)

    targets = [TargetLine.of(r) for r in engine.target_statuses(plan, last)]
    if campaign is not None:
        targets = [t for t in targets if t.campaign == campaign.key]

    reports_in_month = (
        _reports(plan, campaign)
        .filter(state__in=[ReportState.SUBMITTED, ReportState.APPROVED, ReportState.ACCEPTED])
        .filter(period__end__gte=first, period__start__lte=last, submitted_at__lte=engine.end_of(judged))
        .count()
    )

    return MonthlyData(
        plan_title=plan.title,
        issuer=plan.issuer,
        doc_number=plan.doc_number,
        campaign_key=campaign.key if campaign else "",
        campaign_title=campaign.title if campaign else "",
        month=first.isoformat(),
        as_of=last.isoformat(),
        previous_as_of=previous_end.isoformat(),
        reporting_as_of=judged.isoformat(),
        summary=Counts.of(status.rollup()),
        previous=Counts.of(before.rollup()),
        campaigns=campaigns,
        lagging=[TaskLine.of(r) for r in status.lagging()],
        periods=[PeriodInfo(s.key, s.label, schedule.due(s).isoformat()) for s in spans],
        reporting=reporting,
        targets=targets,
        reports_in_month=reports_in_month,
    )
