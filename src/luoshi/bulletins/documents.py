"""The bulletins domain's documents as bytes and as blocks: a bulletin's Word file (the
stored one once issued, else a fresh preview) and the blocks its web page shows, its
content hash, the 旬调度 and 季讲评 files, and the check of a file against the issued ones.
Read only: each checks that the actor may read what it renders."""

import datetime as dt
import hashlib
import io
import json

from django.utils import timezone

from luoshi.accounts.permissions import Actor
from luoshi.core import clock
from luoshi.plans.models import Plan
from luoshi.reporting.periods import span_for_key

from . import compose, render_docx, render_xlsx
from .choices import Kind, State
from .cn import arabic_date
from .dispatch import DispatchData, gather_dispatch
from .lookups import BulletinError, gather_review_for, narrative_of, resolve_campaign
from .models import Bulletin
from .monthly import MonthlyData
from .permissions import check_read_documents
from .review import ReviewData


def corrects_label(bulletin: Bulletin) -> str:
    if bulletin.corrects_id is None:
        return ""
    original = bulletin.corrects
    return f"{original.year}年第{original.number}期《{original.title}》"


def render(
    bulletin: Bulletin,
    *,
    number: int | None = None,
    day: dt.date | None = None,
    issued_at: dt.datetime | None = None,
    content_hash: str = "",
) -> bytes:
    """The bulletin's Word file from its stored numbers and text (a preview for a draft)."""
    day = day or clock.today()
    if bulletin.kind == Kind.MONTHLY:
        return render_docx.render_monthly(
            MonthlyData.from_dict(bulletin.data),
            narrative_of(bulletin),
            number=number,
            day=day,
            title=bulletin.title,
            corrects=corrects_label(bulletin),
            issued_at=issued_at,
            content_hash=content_hash,
        )
    if bulletin.kind == Kind.REVIEW:
        return render_docx.render_review(ReviewData.from_dict(bulletin.data), day=day, number=number)
    return render_docx.render_dispatch(DispatchData.from_dict(bulletin.data), day=day)


def blocks_of(bulletin: Bulletin) -> list[compose.Block]:
    """The monthly bulletin as the web page shows it: the same blocks as its Word file."""
    day = timezone.localtime(bulletin.issued_at).date() if bulletin.issued_at else clock.today()
    return compose.monthly_blocks(
        MonthlyData.from_dict(bulletin.data),
        narrative_of(bulletin),
        title=bulletin.title,
        number=bulletin.number,
        day=day,
        corrects=corrects_label(bulletin),
    )


def content_hash(bulletin: Bulletin, number: int | None = None) -> str:
    """SHA-256 of what the bulletin says: its kind, plan, period, 期号, title, text and numbers."""
    content = {
        "kind": bulletin.kind,
        "plan": bulletin.plan_id,
        "campaign": bulletin.campaign.key if bulletin.campaign_id else "",
        "period": bulletin.period_key,
        "year": bulletin.year,
        "number": number if number is not None else bulletin.number,
        "corrects": bulletin.corrects_id,
        "title": bulletin.title,
        "text": narrative_of(bulletin),
        "data": bulletin.data,
    }
    text = json.dumps(content, ensure_ascii=False, sort_keys=True, separators=(",", ":"))
    return hashlib.sha256(text.encode()).hexdigest()


# ---------------------------------------------------------------- documents as bytes


def bulletin_file(actor: Actor, bulletin: Bulletin) -> bytes:
    """What to send for a bulletin: the stored file once issued, else a fresh preview."""
    from .permissions import get_bulletin_for

    get_bulletin_for(actor, bulletin.pk)
    if bulletin.is_issued:
        with bulletin.file.open("rb") as handle:
            return handle.read()
    return render(bulletin)


def dispatch_data(actor: Actor, plan: Plan, period_key: str, campaign=None) -> DispatchData:
    campaign = resolve_campaign(plan, campaign)
    check_read_documents(actor, campaign, plan)
    try:
        span_for_key(period_key)
    except ValueError as exc:
        raise BulletinError(str(exc), "period") from None
    return gather_dispatch(plan, period_key, campaign)


def dispatch_xlsx(actor: Actor, plan: Plan, period_key: str, campaign=None) -> bytes:
    """The 旬调度 sheet: one row per task (unit, progress, status, problem, next step)."""
    return render_xlsx.dispatch_workbook(dispatch_data(actor, plan, period_key, campaign))


def dispatch_docx(actor: Actor, plan: Plan, period_key: str, campaign=None) -> bytes:
    """The one-page 旬调度 summary."""
    return render_docx.render_dispatch(dispatch_data(actor, plan, period_key, campaign), day=clock.today())


def review_data(actor: Actor, plan: Plan, quarter: str) -> ReviewData:
    check_read_documents(actor, None, plan)
    return gather_review_for(plan, quarter)


def review_docx(actor: Actor, plan: Plan, quarter: str) -> bytes:
    """The 季讲评: weights and formula, ranking table, scoring details."""
    return render_docx.render_review(review_data(actor, plan, quarter), day=clock.today())


def review_xlsx(actor: Actor, plan: Plan, quarter: str) -> bytes:
    """The 季讲评 as a workbook: ranking, details, and the weights with the formula."""
    return render_xlsx.review_workbook(review_data(actor, plan, quarter))


# ---------------------------------------------------------------- verification


def verify_file(content: bytes, readable=None) -> tuple[bool, str]:
    """Whether a Word file is a bulletin as issued, and which 期 it is: (genuine, message).
    The file's SHA-256 names the issued original; the content hash in its properties names
    the bulletin a changed copy claims to be. ``readable`` (a queryset of bulletins, as
    ``permissions.visible_bulletins`` gives) limits the answer to the bulletins a user
    may read: another one is told apart from no bulletin at all by nobody but the system."""
    issued = (Bulletin.objects if readable is None else readable).filter(state=State.ISSUED)
    digest = hashlib.sha256(content).hexdigest()
    original = issued.filter(sha256=digest).select_related("plan").first()
    if original is not None:
        when = arabic_date(timezone.localtime(original.issued_at).date())
        later = original.corrections.filter(state=State.ISSUED).first()
        note = f"；该期已被{later.year}年第{later.number}期更正" if later else ""
        return True, (
            f"是印发的原件：{original.year}年第{original.number}期《{original.title}》，{when}印发，"
            f"内容指纹 {original.content_hash}{note}"
        )
    try:
        from docx import Document

        claimed = Document(io.BytesIO(content)).core_properties.identifier or ""
    except Exception:  # noqa: BLE001 - anything that is not a Word file
        return False, "不是 Word 文件（.docx），无法核验"
    match = issued.filter(content_hash=claimed).first() if claimed else None
    if match is not None:
        return False, (
            f"文件属性指向{match.year}年第{match.number}期《{match.title}》，但文件与印发的原件不一致"
            f"（SHA-256 {digest}），可能已被改动"
        )
    if readable is not None:
        return False, f"不是你可查看的已印发通报（SHA-256 {digest}）：非本系统印发，或不在你的查看范围内"
    return False, f"不是本系统印发的通报（SHA-256 {digest}）"
