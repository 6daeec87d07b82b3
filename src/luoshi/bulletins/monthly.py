"""Gather the monthly bulletin (月通报). One cut-off (统计截止日期, the month end) for every
figure: the status of each task and target as of that day against the month before, and
the reporting of the periods whose reports fell due in the month (their due dates between
the two month ends), judged as of the same day."""

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field

from luoshi.plans.models import Part, Plan
from luoshi.reporting import engine
from luoshi.reporting.choices import ReportState
from luoshi.reporting.periods import PeriodSpan
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
    reported_spans,
    reporting_rows,
)


@dataclass
class Rules(Plain):
    """Who a bulletin praises and criticises, and to whom it goes (``BulletinSetup``)."""

    recipients: str = "各攻坚专班、各责任单位"
    office: str = ""
    copy_to: str = "各攻坚牵头领导"
    printer: str = ""
    praise_on_time: bool = True
    praise_on_schedule: bool = True
    criticize_late_times: int = 2
    criticize_serious_without_reason: bool = True


@dataclass
class OrgRank(Plain):
    """One organisation below the plan's on the city's bulletin (各地推进情况), ranked by
    the city board's score (``reporting.cityboard.SCORE_RULE``), as of the month end."""

    rank: int
    name: str
    score: float
    tasks: int
    progress: float
    expected: float
    on_time_rate: float | None
    lagging: int
    late_units: list = field(default_factory=list)
    lagging_tasks: list = field(default_factory=list)  # "编号 任务（责任单位）", the worst first


LAGGING_NAMED = 3  # lagging tasks named per organisation


def organisations_below(plan: Plan, as_of: dt.date) -> list[OrgRank]:
    """The organisations right below the plan's, ranked, with their lagging tasks named
    (none when the plan's organisation has none below)."""
    from luoshi.reporting import cityboard

    org = plan.organisation
    if not cityboard.has_below(org):
        return []
    board = cityboard.city_board(org, as_of)
    return [
        OrgRank(
            rank=line.rank,
            name=line.organisation.name,
            score=float(line.score),
            tasks=line.total.total,
            progress=float(line.total.progress),
            expected=float(line.total.expected),
            on_time_rate=None if line.on_time_rate is None else float(line.on_time_rate),
            lagging=line.lagging_count,
            late_units=line.late_units,
            lagging_tasks=[
                f"{t.sid} {t.title}（{'、'.join(t.responsible)}）" for t in line.lagging[:LAGGING_NAMED]
            ],
        )
        for line in board.ranking
    ]


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
    rules: Rules = field(default_factory=Rules)
    below: list = field(default_factory=list)  # OrgRank: the organisations below, ranked

    nested = {
        "rules": Rules,
        "summary": Counts,
        "previous": Counts,
        "campaigns": CampaignBlock,
        "lagging": TaskLine,
        "periods": PeriodInfo,
        "reporting": UnitReporting,
        "targets": TargetLine,
        "below": OrgRank,
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
        """The month's reports due and what became of each: due = on time + late + missing
        (+ pending, never in a month's bulletin: its periods are due by the cut-off)."""
        due = sum(r.due for r in self.reporting)
        submitted = sum(r.submitted for r in self.reporting)
        return {
            "due": due,
            "submitted": submitted,
            "on_time": sum(r.on_time for r in self.reporting),
            "late": sum(r.late for r in self.reporting),
            "missing": sum(r.missing for r in self.reporting),
            "pending": sum(r.pending for r in self.reporting),
            "rate": round(submitted / due * 100, 1) if due else 100.0,
        }


def spans_due_in(
    plan: Plan, schedule: Schedule, after: dt.date, until: dt.date, campaign: Part | None = None
) -> list[PeriodSpan]:
    """Reporting periods some task reports for whose reports fall due after ``after`` and
    by ``until``: the periods a month's bulletin judges reporting on."""
    spans = [s for s in reported_spans(plan, schedule, campaign) if after < schedule.due(s) <= until]
    return sorted(spans, key=lambda s: (schedule.due(s), s.cadence, s.start))


def gather_monthly(
    plan: Plan, month: dt.date, campaign: Part | None = None, rules: Rules | None = None
) -> MonthlyData:
    """The numbers of the monthly bulletin of ``month``, all as of the month end: status
    against the previous month end, lagging tasks with their reasons, reporting of the
    periods due in the month, and targets; ``rules`` say whom it goes to and whom it
    praises or criticises."""
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

    # periods due before the cut-off day, so that each is decided by it
    day = dt.timedelta(days=1)
    spans = spans_due_in(plan, schedule, previous_end - day, last - day, campaign)
    units = campaign_units(plan, campaign) if campaign is not None else None
    reporting = reporting_rows(plan, spans, last, units)

    clauses = dict(plan.targets.values_list("pk", "text"))
    targets = []
    for row in engine.target_statuses(plan, last):
        if campaign is None or row.part_key == campaign.key:
            line = TargetLine.of(row)
            line.clause = clauses.get(row.target_id, "")
            targets.append(line)

    reports_in_month = (
        _reports(plan, campaign)
        .filter(state__in=[ReportState.SUBMITTED, ReportState.APPROVED, ReportState.ACCEPTED])
        .filter(period__key__in=[s.key for s in spans], submitted_at__lte=engine.end_of(last))
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
        reporting_as_of=last.isoformat(),
        summary=Counts.of(status.rollup()),
        previous=Counts.of(before.rollup()),
        campaigns=campaigns,
        lagging=[TaskLine.of(r) for r in status.lagging()],
        periods=[PeriodInfo(s.key, s.label, schedule.due(s).isoformat()) for s in spans],
        reporting=reporting,
        targets=targets,
        reports_in_month=reports_in_month,
        rules=rules or Rules(),
        below=organisations_below(plan, last) if campaign is None else [],
    )
