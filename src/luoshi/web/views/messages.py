"""站内消息: the user's in-app messages; opening the list marks them read. For the office
(综合协调组) also the notices' deliveries in doubt (待核实), each to resend (重发) or to
record as delivered (已送达)."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from luoshi.core import clock
from luoshi.reporting import permissions, services
from luoshi.reporting.models import Message
from luoshi.reporting.services import ReportingError

from .common import actor_of


@login_required
def message_list(request):
    actor = actor_of(request)
    page = list(Message.objects.filter(user=request.user)[:200])
    Message.objects.filter(user=request.user, read_at=None).update(read_at=clock.now())
    doubt = []
    if permissions.can_settle_deliveries(actor):
        doubt = list(permissions.deliveries_in_doubt(actor)[:200])
    return render(request, "web/messages.html", {"page": page, "doubt": doubt})


def _settle(request, pk: int, service, done: str):
    actor = actor_of(request)
    delivery = permissions.get_delivery_for(actor, pk)
    try:
        service(actor, delivery)
    except ReportingError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, done.format(d=delivery))
    return redirect(reverse("web:messages") + "#doubt")


@login_required
@require_POST
def delivery_resend(request, pk: int):
    return _settle(
        request,
        pk,
        services.resend_delivery,
        "已重新放入发送队列：{d.reminder.subject}（{d.recipient}），将以同一去重键发送",
    )


@login_required
@require_POST
def delivery_confirm(request, pk: int):
    return _settle(
        request, pk, services.confirm_delivery, "已记为送达：{d.reminder.subject}（{d.recipient}）"
    )
