"""Every write of the bulletins domain, one function each: used by the web pages, the API
and the commands alike. Each write checks permission, changes the bulletin and leaves its
transition row. The documents they render are in ``documents.py``, the lookups in
``lookups.py``."""

import datetime as dt
import hashlib
import re

from django.core.files.base import ContentFile
from django.db import transaction
from django.db.models import Max
from django.utils import timezone

from luoshi.accounts.permissions import Actor
from luoshi.audit.services import record_change
from luoshi.core import clock
from luoshi.plans.models import Part, Plan
from luoshi.reporting.periods import span_for_key

from . import compose, narrative
from .choices import NARRATIVE_FIELDS, Action, Kind, State
from .cn import arabic_date
from .dispatch import gather_dispatch
from .documents import content_hash, render
from .gather import month_span
from .lookups import (
    SETUP_FIELDS,
    BulletinError,
    bulletin_setup,
    gather_review_for,
    narrative_of,
    resolve_campaign,
    rules_of,
    to_month,
)
from .models import Bulletin, BulletinSetup, BulletinTransition, ReviewWeights
from .monthly import gather_monthly
from .permissions import check_set_setup, check_set_weights, check_write
from .review import review_title

EDITABLE_FIELDS = ("title", *NARRATIVE_FIELDS)
# characters a Word file cannot hold (tab, line feed and carriage return it can)
CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")


# ---------------------------------------------------------------- writes


@transaction.atomic
def set_bulletin_setup(actor: Actor, plan: Plan, **fields) -> BulletinSetup:
    """The coordinator sets whom the plan's bulletins go to and the rules of 表扬 and
    通报批评; drafts gathered afterwards use them."""
    check_set_setup(actor, plan)
    unknown = sorted(set(fields) - set(SETUP_FIELDS))
    if unknown:
        raise BulletinError(f"不能设置的项：{'、'.join(unknown)}", unknown[0])
    setup = bulletin_setup(plan)
    for name, value in fields.items():
        model_field = BulletinSetup._meta.get_field(name)
        label = str(model_field.verbose_name)
        if isinstance(getattr(setup, name), bool):
            value = value in (True, "1", "on", "true", "yes")
        elif name == "criticize_late_times":
            try:
                value = int(str(value).strip())
            except ValueError:
                raise BulletinError(f"{label}应为 0 到 31 的整数，现为 {value!r}", name) from None
            if not 0 <= value <= 31:
                raise BulletinError(f"{label}应为 0 到 31 的整数，现为 {value}", name)
        else:
            value = str(value or "").strip()
            if len(value) > model_field.max_length:
                raise BulletinError(f"{label}最多 {model_field.max_length} 个字", name)
            if name == "recipients" and not value:
                raise BulletinError("主送不能为空", name)
        setattr(setup, name, value)
    setup.save()
    return setup


def _transition(bulletin: Bulletin, action: str, actor: Actor, from_state: str = "", note: str = "") -> None:
    changes = {"state": [from_state, bulletin.state]} if from_state != bulletin.state else {}
    label = dict(BulletinTransition._meta.get_field("action").choices or []).get(action, action)
    record_change(actor, f"通报{label}", bulletin, changes, note=note)
    BulletinTransition.objects.create(
        bulletin=bulletin,
        action=action,
        from_state=from_state,
        to_state=bulletin.state,
        actor=actor.user,
        actor_name=actor.name,
        created_at=clock.now(),
        reason=note,
    )


def _locked(bulletin: Bulletin) -> Bulletin:
    return (
        Bulletin.objects.select_for_update(of=("self",))
        .select_related("plan", "campaign")
        .get(pk=bulletin.pk)
    )


@transaction.atomic
def set_review_weights(
    actor: Actor, plan: Plan, *, timeliness: int, progress: int, targets: int, supervision: int
) -> ReviewWeights:
    """The coordinator sets the four weights of the quarterly review; they must sum to 100."""
    check_set_weights(actor, plan)
    values = {"timeliness": timeliness, "progress": progress, "targets": targets, "supervision": supervision}
    labels = {
        "timeliness": "报送及时性",
        "progress": "序时进度",
        "targets": "指标完成",
        "supervision": "督办按时办结",
    }
    clean = {}
    for name, raw in values.items():
        try:
            value = int(str(raw).strip())
        except (TypeError, ValueError):
            raise BulletinError(f"{labels[name]}权重应为整数，现为 {raw!r}", name) from None
        if value < 0 or value > 100:
            raise BulletinError(f"{labels[name]}权重应在 0 到 100 之间，现为 {value}", name)
        clean[name] = value
    total = sum(clean.values())
    if total != 100:
        raise BulletinError(
            f"四项权重之和应为 100，现为 {total}（"
            + "、".join(f"{labels[n]} {v}" for n, v in clean.items())
            + "）",
            "weights",
        )
    weights, _created = ReviewWeights.objects.update_or_create(
        organisation_id=plan.organisation_id, series=plan.series, defaults=clean
    )
    return weights


def _new(
    actor: Actor,
    plan: Plan,
    campaign: Part | None,
    kind: str,
    *,
    period_key: str,
    month: dt.date,
    as_of: dt.date,
    title: str,
    data: dict,
    texts: dict | None = None,
    corrects=None,
    note: str = "",
) -> Bulletin:
    bulletin = Bulletin.objects.create(
        plan=plan,
        campaign=campaign,
        kind=kind,
        state=State.DRAFT,
        period_key=period_key,
        month=month,
        year=month.year,
        as_of=as_of,
        title=title,
        data=data,
        corrects=corrects,
        created_by=actor.user,
        **(texts or {}),
    )
    _transition(bulletin, Action.CORRECT if corrects else Action.CREATE, actor, note=note)
    return bulletin


@transaction.atomic
def create_bulletin(actor: Actor, plan: Plan, month, campaign=None) -> Bulletin:
    """A draft monthly bulletin (月通报) of the plan or one campaign: the numbers gathered
    as of the month end, the narrative written from them."""
    campaign = resolve_campaign(plan, campaign)
    check_write(actor, campaign, plan)
    first = to_month(month)
    data = gather_monthly(plan, first, campaign, rules_of(plan))
    return _new(
        actor,
        plan,
        campaign,
        Kind.MONTHLY,
        period_key=f"{first:%Y-%m}",
        month=first,
        as_of=month_span(first)[1],
        title=compose.monthly_title(data),
        data=data.to_dict(),
        texts=narrative.generate(data),
    )


@transaction.atomic
def create_review_bulletin(actor: Actor, plan: Plan, quarter: str) -> Bulletin:
    """A draft quarterly review (季讲评) with the weights in force, to be issued like a bulletin."""
    check_write(actor, None, plan)
    data = gather_review_for(plan, quarter)
    span = span_for_key(quarter)
    return _new(
        actor,
        plan,
        None,
        Kind.REVIEW,
        period_key=span.key,
        month=span.start,
        as_of=span.end,
        title=review_title(data),
        data=data.to_dict(),
    )


@transaction.atomic
def edit_bulletin(actor: Actor, bulletin: Bulletin, **fields) -> Bulletin:
    """Change the title or narrative parts of a draft; an issued bulletin is refused."""
    bulletin = _locked(bulletin)
    check_write(actor, bulletin.campaign, bulletin.plan)
    if bulletin.is_issued:
        raise BulletinError(
            f"该通报已于{arabic_date(timezone.localtime(bulletin.issued_at).date())}印发（第{bulletin.number}期），"
            "不能再修改；如需更正，请发起更正通报",
            "state",
        )
    unknown = sorted(set(fields) - set(EDITABLE_FIELDS))
    if unknown:
        raise BulletinError(f"不能修改的字段：{'、'.join(unknown)}", unknown[0])
    changed = []
    for name, value in fields.items():
        value = (value or "").strip() if isinstance(value, str) or value is None else str(value)
        if name == "title" and not value:
            raise BulletinError("标题不能为空", "title")
        bad = CONTROL.search(value)
        if bad:
            label = Bulletin._meta.get_field(name).verbose_name
            raise BulletinError(f"{label}中有控制字符（{bad.group()!r}），Word 文件无法容纳，请删去", name)
        if getattr(bulletin, name) != value:
            setattr(bulletin, name, value)
            changed.append(str(Bulletin._meta.get_field(name).verbose_name))
    if changed:
        bulletin.save()
        _transition(bulletin, Action.EDIT, actor, State.DRAFT, note="修改了" + "、".join(changed))
    return bulletin


@transaction.atomic
def refresh_bulletin(actor: Actor, bulletin: Bulletin, *, rewrite_text: bool = False) -> Bulletin:
    """Gather a draft's numbers again (reports came in since); its edited text stays unless
    ``rewrite_text``."""
    bulletin = _locked(bulletin)
    check_write(actor, bulletin.campaign, bulletin.plan)
    if bulletin.is_issued:
        raise BulletinError("已印发的通报不能更新数据；如需更正，请发起更正通报", "state")
    if bulletin.kind == Kind.MONTHLY:
        data = gather_monthly(bulletin.plan, bulletin.month, bulletin.campaign, rules_of(bulletin.plan))
        if rewrite_text:
            for name, value in narrative.generate(data).items():
                setattr(bulletin, name, value)
    elif bulletin.kind == Kind.REVIEW:
        data = gather_review_for(bulletin.plan, bulletin.period_key)
    else:
        data = gather_dispatch(bulletin.plan, bulletin.period_key, bulletin.campaign)
    bulletin.data = data.to_dict()
    bulletin.save()
    _transition(bulletin, Action.REFRESH, actor, State.DRAFT)
    return bulletin


def _next_number(bulletin: Bulletin) -> int:
    """The next 期号 of the plan's (or the campaign's) sequence of this kind in the year,
    across the versions of the plan."""
    issued = Bulletin.objects.filter(
        plan__organisation_id=bulletin.plan.organisation_id,
        plan__series=bulletin.plan.series,
        kind=bulletin.kind,
        year=bulletin.year,
        number__isnull=False,
    )
    if bulletin.campaign_id:
        issued = issued.filter(campaign__key=bulletin.campaign.key)
    else:
        issued = issued.filter(campaign__isnull=True)
    return (issued.aggregate(top=Max("number"))["top"] or 0) + 1


def issued_for_period(bulletin: Bulletin) -> Bulletin | None:
    """The bulletin of the same plan series, campaign, kind and period already issued, the
    latest correction if it was corrected."""
    issued = Bulletin.objects.filter(
        plan__organisation_id=bulletin.plan.organisation_id,
        plan__series=bulletin.plan.series,
        kind=bulletin.kind,
        period_key=bulletin.period_key,
        state=State.ISSUED,
    ).exclude(pk=bulletin.pk)
    issued = (
        issued.filter(campaign__key=bulletin.campaign.key)
        if bulletin.campaign_id
        else issued.filter(campaign__isnull=True)
    )
    return issued.order_by("-issued_at", "-pk").first()


def _period_label(bulletin: Bulletin) -> str:
    if bulletin.kind == Kind.MONTHLY:
        return f"{bulletin.month.year}年{bulletin.month.month}月"
    return bulletin.period_key


@transaction.atomic
def issue_bulletin(actor: Actor, bulletin: Bulletin) -> Bulletin:
    """Number the draft (第N期), render its Word file, store it with its SHA-256 and
    freeze it: from here on it never changes."""
    Plan.objects.select_for_update().filter(pk=bulletin.plan_id).first()  # one issuer at a time per plan
    bulletin = _locked(bulletin)
    check_write(actor, bulletin.campaign, bulletin.plan)
    if bulletin.is_issued:
        raise BulletinError(f"该通报已印发（第{bulletin.number}期），不能重复印发", "state")
    earlier = issued_for_period(bulletin)
    if earlier is not None and bulletin.corrects_id != earlier.pk:
        when = arabic_date(timezone.localtime(earlier.issued_at).date())
        if bulletin.corrects_id is None:
            raise BulletinError(
                f"{_period_label(bulletin)}的{bulletin.get_kind_display()}已于{when}印发"
                f"（{earlier.year}年第{earlier.number}期《{earlier.title}》），同一周期只印发一次；"
                f"如需更正，请发起更正通报（更正第{earlier.number}期）",
                "state",
            )
        raise BulletinError(
            f"本更正针对的第{bulletin.corrects.number}期已被更正；最新印发的是{earlier.year}年第{earlier.number}期"
            f"《{earlier.title}》（{when}），请更正该期",
            "corrects",
        )
    bulletin.year = bulletin.month.year
    number = _next_number(bulletin)
    now = clock.now()
    fingerprint = content_hash(bulletin, number)
    content = render(
        bulletin, number=number, day=timezone.localtime(now).date(), issued_at=now, content_hash=fingerprint
    )
    campaign = f"-{bulletin.campaign.key}" if bulletin.campaign_id else ""
    name = f"{bulletin.get_kind_display()}-{bulletin.plan_id}{campaign}-{bulletin.year}年第{number}期.docx"
    bulletin.file.save(name, ContentFile(content), save=False)
    bulletin.sha256 = hashlib.sha256(content).hexdigest()
    bulletin.content_hash = fingerprint
    bulletin.number = number
    bulletin.state = State.ISSUED
    bulletin.issued_at = now
    bulletin.issued_by = actor.user
    bulletin.save()
    _transition(bulletin, Action.ISSUE, actor, State.DRAFT, note=f"第{number}期")
    return bulletin


@transaction.atomic
def correct_bulletin(actor: Actor, issued: Bulletin, *, reason: str = "", regather: bool = True) -> Bulletin:
    """A new draft that corrects an issued bulletin: same plan, campaign and period, the
    numbers gathered again (unless ``regather`` is False) and its text copied to edit."""
    issued = _locked(issued)
    check_write(actor, issued.campaign, issued.plan)
    if not issued.is_issued:
        raise BulletinError("只能更正已印发的通报；草稿可直接修改", "state")
    data = issued.data
    if regather and issued.kind == Kind.MONTHLY:
        data = gather_monthly(issued.plan, issued.month, issued.campaign, rules_of(issued.plan)).to_dict()
    elif regather and issued.kind == Kind.REVIEW:
        data = gather_review_for(issued.plan, issued.period_key).to_dict()
    return _new(
        actor,
        issued.plan,
        issued.campaign,
        issued.kind,
        period_key=issued.period_key,
        month=issued.month,
        as_of=issued.as_of,
        title=issued.title,
        data=data,
        texts=narrative_of(issued),
        corrects=issued,
        note=(reason or "").strip() or f"更正第{issued.number}期",
    )
