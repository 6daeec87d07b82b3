"""Lookups of the bulletins domain: the error its writes raise, campaigns and months from
what a user typed, the review weights and bulletin setup in force, and a bulletin's
narrative. Read only; used by the services, the documents and the commands."""

import datetime as dt

from luoshi.plans.models import Part, Plan

from .choices import NARRATIVE_FIELDS
from .gather import parse_month
from .models import Bulletin, BulletinSetup, ReviewWeights
from .monthly import Rules
from .review import ReviewData, Weights, gather_review


class BulletinError(ValueError):
    """A bulletin that cannot be written as asked; the message is Chinese and names the field."""

    def __init__(self, message: str, field: str | None = None):
        super().__init__(message)
        self.field = field


# ---------------------------------------------------------------- lookups


def resolve_campaign(plan: Plan, campaign) -> Part | None:
    """A campaign of the plan from a Part, its key (``附件1``) or words of its title."""
    if campaign is None or campaign == "":
        return None
    if isinstance(campaign, Part):
        if campaign.plan_id != plan.pk:
            raise BulletinError(f"{campaign} 不属于方案《{plan.title}》", "campaign")
        return campaign
    text = str(campaign).strip()
    part = plan.parts.filter(key=text).first()
    if part:
        return part
    matches = list(plan.parts.filter(title__contains=text))
    if len(matches) == 1:
        return matches[0]
    names = "、".join(f"{p.key} {p.title}" for p in plan.parts.all())
    raise BulletinError(f"方案中找不到攻坚 {text!r}（可用：{names}）", "campaign")


def to_month(month) -> dt.date:
    if isinstance(month, dt.date):
        return month.replace(day=1)
    try:
        return parse_month(month)
    except ValueError as exc:
        raise BulletinError(str(exc), "month") from None


def review_weights(plan: Plan) -> ReviewWeights:
    """The plan series' review weights (the defaults until the coordinator sets them)."""
    mine = {"organisation_id": plan.organisation_id, "series": plan.series}
    weights = ReviewWeights.objects.filter(**mine).first()
    return weights or ReviewWeights(**mine)


def _weights(record: ReviewWeights) -> Weights:
    return Weights(record.timeliness, record.progress, record.targets, record.supervision)


def bulletin_setup(plan: Plan) -> BulletinSetup:
    """The plan series' 主送, 抄送, 印发机关 and rules (the defaults until someone sets them)."""
    mine = {"organisation_id": plan.organisation_id, "series": plan.series}
    return BulletinSetup.objects.filter(**mine).first() or BulletinSetup(**mine)


SETUP_FIELDS = (
    "recipients",
    "office",
    "copy_to",
    "printer",
    "praise_on_time",
    "praise_on_schedule",
    "criticize_late_times",
    "criticize_serious_without_reason",
)


def rules_of(plan: Plan) -> Rules:
    setup = bulletin_setup(plan)
    return Rules(**{name: getattr(setup, name) for name in SETUP_FIELDS})


def narrative_of(bulletin: Bulletin) -> dict[str, str]:
    return {name: getattr(bulletin, name) for name in NARRATIVE_FIELDS}


def gather_review_for(plan: Plan, quarter: str) -> ReviewData:
    try:
        return gather_review(plan, quarter, _weights(review_weights(plan)))
    except ValueError as exc:
        raise BulletinError(str(exc), "quarter") from None
