"""通报: monthly bulletins of the plan or a campaign; draft, edit 下步工作, issue,
download. The bulletins domain writes and renders them; this page presents it."""

import datetime as dt

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpResponse
from django.shortcuts import redirect, render

from luoshi.audit.services import note
from luoshi.core import clock

from ..plans import current_plan
from .common import actor_of, attachment


@login_required
def bulletin_list(request):
    from luoshi.bulletins.permissions import can_read_bulletins
    from luoshi.bulletins.services import BulletinError, create_bulletin

    actor = actor_of(request)
    plan = current_plan(request)
    if not can_read_bulletins(actor):
        raise PermissionDenied("通报供综合协调组、专班办公室和领导查看")
    if request.method == "POST":
        try:
            bulletin = create_bulletin(
                actor, plan, request.POST.get("month", ""), request.POST.get("campaign") or None
            )
        except BulletinError as exc:
            messages.error(request, str(exc))
            return redirect("web:bulletins")
        note(request, "create_bulletin", bulletin)
        return redirect("web:bulletin", pk=bulletin.pk)
    return _page(request, actor, plan)


def _page(request, actor, plan, *, error: str = "", status: int = 200):
    """The 通报 page: monthly bulletins, the 旬调度 sheet and the 季讲评 downloads."""
    from luoshi.bulletins.lookups import review_weights
    from luoshi.bulletins.permissions import can_draft, can_set_weights, can_write, visible_bulletins
    from luoshi.reporting.policy import Schedule

    today = clock.today()
    months = [f"{today.year}-{m:02d}" for m in range(today.month, 0, -1)]
    periods, quarters, quarter, weights = [], [], "", None
    if plan:
        schedule = Schedule.of(plan)
        periods = [span for span in schedule.plan_spans(schedule.policy.cadence) if span.end < today][::-1]
        quarters = [f"{plan.year}Q{q}" for q in range(4, 0, -1) if dt.date(plan.year, 3 * q - 2, 1) <= today]
        # the quarter a 季讲评 is about: the last one complete (on 1 July, the second), else
        # the one under way; never one that has not begun
        complete = [
            f"{plan.year}Q{q}"
            for q in range(4, 0, -1)
            if dt.date(plan.year + q // 4, 3 * q % 12 + 1, 1) <= today
        ]
        quarter = complete[0] if complete else (quarters[0] if quarters else "")
        weights = review_weights(plan)
    return render(
        request,
        "web/bulletins.html",
        {
            "plan": plan,
            "bulletins": visible_bulletins(actor).order_by("-month", "-pk")[:100],
            "months": months,
            "periods": periods,
            "quarters": quarters,
            "quarter": quarter,
            "weights": weights,
            "can_draft": can_draft(actor),
            "can_draft_plan_wide": can_write(actor, None, plan),
            "can_set_weights": can_set_weights(actor),
            "error": error,
        },
        status=status,
    )


def _download(data: bytes, name: str, kind: str) -> HttpResponse:
    return attachment(data, f"{name}.{kind}")


def _queued(request, job):
    """After 生成: the job's page, which turns into the download when the job is done."""
    note(request, "queue_document", job)
    return redirect("web:job", pk=job.pk)


@login_required
def dispatch_file(request):
    """旬调度: the sheet (xlsx) or the one-page summary (docx) of a period; a POST (the
    page's 生成) queues it as a job, a GET (a script's link) answers with the file."""
    from luoshi.bulletins.documents import dispatch_docx, dispatch_xlsx
    from luoshi.bulletins.services import BulletinError

    actor = actor_of(request)
    plan = current_plan(request)
    asked = request.POST if request.method == "POST" else request.GET
    period, kind = asked.get("period", ""), asked.get("format", "xlsx")
    campaign = asked.get("campaign") or None
    if plan is None or kind not in ("xlsx", "docx"):
        return _page(request, actor, plan, error="请选择方案、周期和文件格式（Excel 或 Word）", status=400)
    if request.method == "POST":
        from luoshi.jobs.services import queue_dispatch

        try:
            job = queue_dispatch(actor, plan, period, campaign, kind)
        except (BulletinError, ValueError) as exc:
            return _page(request, actor, plan, error=f"旬调度表：{exc}", status=400)
        return _queued(request, job)
    try:
        data = (dispatch_xlsx if kind == "xlsx" else dispatch_docx)(actor, plan, period, campaign)
    except (BulletinError, ValueError) as exc:
        return _page(request, actor, plan, error=f"旬调度表：{exc}", status=400)
    note(request, "download_dispatch", plan, period=period, format=kind)
    return _download(data, f"旬调度表-{period}", kind)


@login_required
def review_file(request):
    """季讲评: the Word document or the workbook of a quarter (a POST with ``format`` queues
    it as a job, a GET answers with the file); the coordinator POSTs the weights."""
    from luoshi.bulletins.documents import review_docx, review_xlsx
    from luoshi.bulletins.services import BulletinError, set_review_weights

    actor = actor_of(request)
    plan = current_plan(request)
    if plan is None:
        return _page(request, actor, plan, error="还没有导入方案", status=400)
    if request.method == "POST" and "format" in request.POST:
        from luoshi.jobs.services import queue_review

        try:
            job = queue_review(actor, plan, request.POST.get("quarter", ""), request.POST["format"])
        except (BulletinError, ValueError) as exc:
            return _page(request, actor, plan, error=f"季讲评：{exc}", status=400)
        return _queued(request, job)
    if request.method == "POST":
        try:
            values = {
                name: int(request.POST.get(name, ""))
                for name in ("timeliness", "progress", "targets", "supervision")
            }
        except ValueError:
            return _page(request, actor, plan, error="季讲评权重：四项权重都应填写整数", status=400)
        try:
            set_review_weights(actor, plan, **values)
        except BulletinError as exc:
            return _page(request, actor, plan, error=f"季讲评权重：{exc}", status=400)
        note(request, "set_review_weights", plan, **values)
        messages.success(request, "季讲评权重已保存。")
        return redirect("web:bulletins")
    quarter, kind = request.GET.get("quarter", ""), request.GET.get("format", "docx")
    if kind not in ("xlsx", "docx"):
        return _page(request, actor, plan, error="文件格式应为 Excel 或 Word", status=400)
    try:
        data = (review_docx if kind == "docx" else review_xlsx)(actor, plan, quarter)
    except (BulletinError, ValueError) as exc:
        return _page(request, actor, plan, error=f"季讲评：{exc}", status=400)
    note(request, "download_review", plan, quarter=quarter, format=kind)
    return _download(data, f"季讲评-{quarter}", kind)


@login_required
def bulletin_detail(request, pk: int):
    """One bulletin as its Word file reads (the same blocks), and for a draft the form to
    edit its four sections and to issue it."""
    from luoshi.bulletins.choices import NARRATIVE_FIELDS, Kind
    from luoshi.bulletins.documents import blocks_of
    from luoshi.bulletins.models import Bulletin
    from luoshi.bulletins.permissions import can_issue, get_bulletin_for
    from luoshi.bulletins.services import BulletinError, edit_bulletin, issue_bulletin

    actor = actor_of(request)
    bulletin = get_bulletin_for(actor, pk)
    if request.method == "POST":
        bulletin = get_bulletin_for(actor, pk, write=True)
        try:
            if request.POST.get("action") == "issue":
                # what the office sees in the 下步工作 box is what it issues
                next_steps = request.POST.get("next_steps", bulletin.next_steps)
                if next_steps != bulletin.next_steps:
                    edit_bulletin(actor, bulletin, next_steps=next_steps)
                    note(request, "edit_bulletin", bulletin)
                bulletin = issue_bulletin(actor, bulletin)
                note(request, "issue_bulletin", bulletin, number=bulletin.number)
                messages.success(request, f"已印发{bulletin.year}年第{bulletin.number}期，文件此后不再改变。")
            else:
                texts = {name: request.POST[name] for name in NARRATIVE_FIELDS if name in request.POST}
                edit_bulletin(actor, bulletin, **texts)
                note(request, "edit_bulletin", bulletin)
                messages.success(request, "已保存。")
        except BulletinError as exc:
            messages.error(request, str(exc))
        return redirect("web:bulletin", pk=pk)
    monthly = bulletin.kind == Kind.MONTHLY
    return render(
        request,
        "web/bulletin.html",
        {
            "b": bulletin,
            "blocks": blocks_of(bulletin) if monthly else [],
            "can_edit": monthly and can_issue(actor, bulletin),
            "fields": [
                (name, Bulletin._meta.get_field(name).verbose_name, getattr(bulletin, name))
                for name in NARRATIVE_FIELDS
            ],
        },
    )


@login_required
def bulletin_file(request, pk: int):
    """A bulletin's Word file: the stored one once issued; a draft's preview is rendered
    by a job (POST, the page's 生成 Word), or here for a GET."""
    from luoshi.bulletins.documents import bulletin_file as file_of
    from luoshi.bulletins.permissions import get_bulletin_for

    actor = actor_of(request)
    bulletin = get_bulletin_for(actor, pk)
    if request.method == "POST":
        from luoshi.jobs.services import queue_bulletin_file

        return _queued(request, queue_bulletin_file(actor, bulletin))
    return attachment(file_of(actor, bulletin), f"{bulletin.title}.docx")
