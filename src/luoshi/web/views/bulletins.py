"""通报: monthly bulletins of the plan or a campaign; draft, edit 下步工作, issue,
download. The bulletins domain writes and renders them; this page presents it."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils.encoding import escape_uri_path

from luoshi.audit.services import note
from luoshi.core import clock

from ..plans import current_plan
from .common import actor_of

DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


@login_required
def bulletin_list(request):
    from luoshi.bulletins.permissions import visible_bulletins
    from luoshi.bulletins.services import BulletinError, create_bulletin

    actor = actor_of(request)
    plan = current_plan(request)
    if actor.role not in ("coordinator", "office", "leader"):
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
    today = clock.today()
    months = [f"{today.year}-{m:02d}" for m in range(today.month, 0, -1)]
    return render(
        request,
        "web/bulletins.html",
        {
            "plan": plan,
            "bulletins": visible_bulletins(actor).order_by("-month", "-pk")[:100],
            "months": months,
            "can_write": actor.role in ("coordinator", "office"),
        },
    )


@login_required
def bulletin_detail(request, pk: int):
    from luoshi.bulletins.permissions import get_bulletin_for
    from luoshi.bulletins.services import BulletinError, edit_bulletin, issue_bulletin

    actor = actor_of(request)
    bulletin = get_bulletin_for(actor, pk)
    if request.method == "POST":
        bulletin = get_bulletin_for(actor, pk, write=True)
        try:
            if request.POST.get("action") == "issue":
                bulletin = issue_bulletin(actor, bulletin)
                note(request, "issue_bulletin", bulletin, number=bulletin.number)
                messages.success(request, f"已印发第{bulletin.number}期，文件此后不再改变。")
            else:
                edit_bulletin(actor, bulletin, next_steps=request.POST.get("next_steps", ""))
                note(request, "edit_bulletin", bulletin)
                messages.success(request, "已保存。")
        except BulletinError as exc:
            messages.error(request, str(exc))
        return redirect("web:bulletin", pk=pk)
    return render(request, "web/bulletin.html", {"b": bulletin})


@login_required
def bulletin_file(request, pk: int):
    from luoshi.bulletins.permissions import get_bulletin_for
    from luoshi.bulletins.services import bulletin_file as file_of

    actor = actor_of(request)
    bulletin = get_bulletin_for(actor, pk)
    response = HttpResponse(file_of(actor, bulletin), content_type=DOCX)
    response["Content-Disposition"] = (
        f"attachment; filename*=UTF-8''{escape_uri_path(bulletin.title + '.docx')}"
    )
    return response
