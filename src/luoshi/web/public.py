"""The public page's numbers: per published campaign its progress beside 序时进度 (the
same figure, from the same status engine, as every internal page; the share of the
calendar year gone by is shown beside it, named 全年时间进度), the status counts and its
targets with attainment. Built only from numbers and the texts written for publication;
no report text (progress notes, problems, coordination needs, return reasons) and no
unit's name ever reaches it."""

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal

from luoshi.plans.lookups import latest_plans
from luoshi.plans.models import Plan
from luoshi.reporting import board as boards
from luoshi.reporting.status import Rollup, Status, calendar_year_share

from .models import Publication

PUBLIC_STATUSES = [Status.DONE, Status.ON_TRACK, Status.LAGGING, Status.SERIOUS]


@dataclass
class PublicTarget:
    subject: str
    goal: str
    attainment: Decimal | None
    status: Status


@dataclass
class PublicCampaign:
    key: str
    title: str
    summary: str
    rollup: Rollup
    targets: list[PublicTarget] = field(default_factory=list)


@dataclass
class PublicPlan:
    title: str
    intro: str
    year_share: Decimal  # 全年时间进度: the calendar year gone by, shown beside 序时进度
    campaigns: list[PublicCampaign]
    overall: Rollup

    @property
    def expected(self) -> Decimal:
        """序时进度 of the published tasks: what the lights are judged against."""
        return self.overall.expected


def published_plans(today: dt.date) -> list[PublicPlan]:
    publications = {
        (p.organisation_id, p.series): p
        for p in Publication.objects.filter(published=True).prefetch_related("campaigns")
    }
    out = []
    for plan in latest_plans():
        publication = publications.get((plan.organisation_id, plan.series))
        if publication is not None:
            out.append(_public_plan(plan, publication, today))
    return out


def _public_plan(plan: Plan, publication: Publication, today: dt.date) -> PublicPlan:
    settings = {c.part_key: c for c in publication.campaigns.all()}
    shown = [
        (key, title)
        for key, title in plan.parts.order_by("order").values_list("key", "title")
        if settings.get(key) is None or settings[key].published
    ]
    keys = {key for key, _ in shown}
    rows = [r for r in boards.status_of(plan, today).rows if r.part_key in keys]
    targets = [t for t in boards.targets_of(plan, today) if t.part_key in keys]
    campaigns = []
    for key, title in shown:
        roll = Rollup()
        for row in rows:
            if row.part_key == key:
                roll.add(row.status, row.progress, row.expected)
        campaign_targets = [
            PublicTarget(
                t.subject,
                f"{dict(GOAL_WORDS).get(t.op, t.op)}{t.value.normalize():f}{t.unit}",
                t.attainment,
                t.status,
            )
            for t in targets
            if t.part_key == key
        ]
        if roll.total or campaign_targets:
            summary = settings[key].summary if key in settings else ""
            campaigns.append(PublicCampaign(key, title, summary, roll, campaign_targets))
    overall = Rollup()
    for row in rows:
        overall.add(row.status, row.progress, row.expected)
    return PublicPlan(
        title=publication.heading or plan.title,
        intro=publication.intro,
        year_share=calendar_year_share(plan.year, today),
        campaigns=campaigns,
        overall=overall,
    )


GOAL_WORDS = [(">=", "不低于"), (">", "超过"), ("<=", "不高于"), ("<", "低于"), ("=", "达到")]
