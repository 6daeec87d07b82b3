"""Which cadence, periods and due dates apply to a plan, a campaign and a task."""

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal
from functools import cached_property

from django.db import IntegrityError, transaction
from django.db.models import OuterRef, QuerySet, Subquery

from luoshi.plans.models import Plan, Task

from .models import CampaignCadence, Period, ReportingPolicy
from .periods import PeriodSpan, periods_for
from .status import Thresholds

RULE = (
    "报送周期：{since}开始报送{first}；起算日所在的周期，剩余时间不少于半个周期的当期报送，"
    "不足半个周期的自下一周期开始报送；"
    "任务另有开始日期的，自该日起算；截止日期所在的周期仍须报送；"
    "任务全部时间不足一个完整周期的，报送其所在周期"
)


def policy_for(plan: Plan) -> ReportingPolicy:
    """The plan's reporting policy, created with the defaults on first use."""
    mine = {"organisation_id": plan.organisation_id, "series": plan.series}
    policy = ReportingPolicy.objects.filter(**mine).first()
    if policy is None:
        try:
            with transaction.atomic():
                policy = ReportingPolicy.objects.create(**mine)
        except IntegrityError:  # created by a concurrent request
            policy = ReportingPolicy.objects.get(**mine)
    return policy


def _mostly_after(span: PeriodSpan, start: dt.date) -> bool:
    """Whether at least half of ``span`` lies on or after ``start`` (the start on or before
    the period's midpoint)."""
    if span.start >= start:
        return True
    if span.end < start:
        return False
    return (start - span.start).days * 2 <= (span.end - span.start).days + 1


@dataclass
class Schedule:
    """A plan's policy with its campaign overrides, resolved once for many tasks."""

    plan: Plan
    policy: ReportingPolicy
    span_cache: dict[str, list[PeriodSpan]] = field(default_factory=dict, repr=False)
    task_span_cache: dict[tuple[str, dt.date, dt.date], list[PeriodSpan]] = field(
        default_factory=dict, repr=False
    )

    @classmethod
    def of(cls, plan: Plan) -> "Schedule":
        return cls(plan, policy_for(plan))

    @classmethod
    def of_task(cls, task: Task) -> "Schedule":
        """The schedule of one task: from the policy values read with the task
        (``with_schedule``) where they were, else looked up. Only this task's campaign
        cadence is known to it: use it for this task alone."""
        if getattr(task, "policy_cadence", None) is None:  # not read with it, or no policy yet
            return cls.of(task.plan)
        policy = ReportingPolicy(
            organisation_id=task.plan.organisation_id,
            series=task.plan.series,
            cadence=task.policy_cadence,
            due_workdays=task.policy_due_workdays,
            head_approval=task.policy_head_approval,
        )
        schedule = cls(task.plan, policy)
        campaign = getattr(task, "campaign_cadence", None)
        schedule.__dict__["campaign_cadences"] = {task.part.key: campaign} if campaign else {}
        return schedule

    @cached_property
    def campaign_cadences(self) -> dict[str, str]:
        return dict(
            CampaignCadence.objects.filter(
                organisation_id=self.plan.organisation_id, series=self.plan.series
            ).values_list("part_key", "cadence")
        )

    @property
    def thresholds(self) -> Thresholds:
        # a policy just created holds its defaults as ints until read back
        return Thresholds(Decimal(self.policy.lagging_threshold), Decimal(self.policy.serious_threshold))

    @property
    def plan_start(self) -> dt.date:
        return self.plan.date or dt.date(self.plan.year, 1, 1)

    @property
    def year_end(self) -> dt.date:
        return dt.date(self.plan.year, 12, 31)

    def cadence(self, task_cadence: str, part_key: str) -> str:
        """Task's own cadence, else its campaign's, else the plan's."""
        return task_cadence or self.campaign_cadences.get(part_key) or self.policy.cadence

    def start(self, task_start: dt.date | None) -> dt.date:
        return task_start or self.plan_start

    def deadline(self, task_deadline: dt.date | None) -> dt.date:
        return task_deadline or self.year_end

    def spans(self, cadence: str) -> list[PeriodSpan]:
        """The periods of a cadence in the plan year."""
        if cadence not in self.span_cache:
            self.span_cache[cadence] = periods_for(cadence, self.plan.year)
        return self.span_cache[cadence]

    def due(self, span: PeriodSpan) -> dt.date:
        return span.due(self.policy.due_workdays)

    def task_spans(self, cadence: str, start: dt.date, deadline: dt.date) -> list[PeriodSpan]:
        """The periods a task reports for (报送周期), the one rule every part follows: the
        lights, completeness, reminders, the 工作台, the Excel template, the bulletins.

        Reporting starts with the task's start (its own, else the plan's date: 自印发之日起).
        The period the start falls in is reported on when at least half of it remains (the
        start in its first half), else reporting begins with the next period: a plan issued
        on 27 April reports from 5月上旬, not for 21–30 April, but its quarterly campaign
        reports for the second quarter, of which two months remain. Every
        period that begins by the deadline is reported on, the one the deadline falls in
        included. A task whose whole time falls inside one period, with no period beginning
        in it, reports for the period(s) it overlaps, so that no task has nothing to report.
        ``RULE`` says it in Chinese where the clerk sees the schedule."""
        key = (cadence, start, deadline)
        if key not in self.task_span_cache:
            spans = self.spans(cadence)
            chosen = [s for s in spans if s.start <= deadline and _mostly_after(s, start)]
            if not chosen:
                chosen = [s for s in spans if s.end >= start and s.start <= deadline]
            self.task_span_cache[key] = chosen
        return self.task_span_cache[key]

    def reports_on(self, span: PeriodSpan, start: dt.date, deadline: dt.date) -> bool:
        """Whether a task of the span's cadence from ``start`` to ``deadline`` reports for
        ``span`` (``task_spans``)."""
        return span in self.task_spans(span.cadence, start, deadline)

    def plan_spans(self, cadence: str) -> list[PeriodSpan]:
        """The periods reported on under the plan's own time (its date to the year end)."""
        return self.task_spans(cadence, self.plan_start, self.year_end)

    def first_span(self, cadence: str) -> PeriodSpan | None:
        spans = self.plan_spans(cadence)
        return spans[0] if spans else None

    def rule_text(self, cadence: str | None = None) -> str:
        """The rule of ``task_spans`` in Chinese, with the plan's first period."""
        first = self.first_span(cadence or self.policy.cadence)
        day = f"{self.plan_start.month}月{self.plan_start.day}日"
        since = f"自方案印发之日（{day}）起" if self.plan.date else f"自方案年度开始（{day}）起"
        return RULE.format(since=since, first=f"（本方案为{first.label}）" if first else "")

    def latest_due_span(
        self, cadence: str, start: dt.date, deadline: dt.date, as_of: dt.date
    ) -> PeriodSpan | None:
        """The last period of the task whose report was due on or before ``as_of``."""
        latest = None
        for span in self.task_spans(cadence, start, deadline):
            if self.due(span) <= as_of:
                latest = span
            else:
                break
        return latest

    def task_cadence(self, task: Task) -> str:
        return self.cadence(task.cadence, task.part.key)


def _schedule_annotations() -> dict:
    policy = ReportingPolicy.objects.filter(
        organisation_id=OuterRef("plan__organisation_id"), series=OuterRef("plan__series")
    ).order_by()
    campaign = CampaignCadence.objects.filter(
        organisation_id=OuterRef("plan__organisation_id"),
        series=OuterRef("plan__series"),
        part_key=OuterRef("part__key"),
    )
    return {
        "policy_cadence": Subquery(policy.values("cadence")[:1]),
        "policy_due_workdays": Subquery(policy.values("due_workdays")[:1]),
        "policy_head_approval": Subquery(policy.values("head_approval")[:1]),
        "campaign_cadence": Subquery(campaign.order_by().values("cadence")[:1]),
    }


# built once: the filing path reads them with every task (annotate resolves a copy)
SCHEDULE_ANNOTATIONS = _schedule_annotations()


def with_schedule(tasks: QuerySet[Task]) -> QuerySet[Task]:
    """Tasks read with their plan's policy and their campaign's cadence (for
    ``Schedule.of_task``), in the same query."""
    return tasks.annotate(**SCHEDULE_ANNOTATIONS)


def ensure_period(span: PeriodSpan) -> Period:
    """The stored period for a span, created on first use (safe under concurrency)."""
    period = Period.objects.filter(cadence=span.cadence, key=span.key).first()
    return period or store_period(span)


def store_period(span: PeriodSpan) -> Period:
    """The period of a span stored, in one statement: inserted, or — stored meanwhile by
    another request — found by its key, with its id either way. For a caller that knows
    it is missing (a row every request shares: the insert locks it only when it exists)."""
    period = Period(cadence=span.cadence, key=span.key, label=span.label, start=span.start, end=span.end)
    Period.objects.bulk_create(
        [period], update_conflicts=True, unique_fields=["cadence", "key"], update_fields=["label"]
    )
    return period


def ensure_periods(cadence: str, year: int) -> list[Period]:
    """Store every period of a cadence in a year (idempotent)."""
    spans = periods_for(cadence, year)
    Period.objects.bulk_create(
        [Period(cadence=s.cadence, key=s.key, label=s.label, start=s.start, end=s.end) for s in spans],
        ignore_conflicts=True,
    )
    return list(Period.objects.filter(cadence=cadence, key__in=[s.key for s in spans]).order_by("start"))


def store_plan_periods(plan: Plan) -> None:
    """Every period the plan's tasks report on stored up front — for the plan's cadence, its
    campaigns' and its tasks' own, in the plan's year — so that no report pays for storing
    its period (called when a plan is imported and when its schedule changes)."""
    schedule = Schedule.of(plan)
    cadences = {schedule.policy.cadence, *schedule.campaign_cadences.values()}
    cadences |= set(plan.tasks.exclude(cadence="").values_list("cadence", flat=True).distinct())
    spans = [span for cadence in sorted(cadences) for span in periods_for(cadence, plan.year)]
    Period.objects.bulk_create(
        [Period(cadence=s.cadence, key=s.key, label=s.label, start=s.start, end=s.end) for s in spans],
        ignore_conflicts=True,
    )
