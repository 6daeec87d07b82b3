"""站内消息: the user's in-app messages; opening the list marks them read."""

from django.contrib.auth.decorators import login_required
from django.shortcuts import render

from luoshi.core import clock
from luoshi.reporting.models import Message


@login_required
def message_list(request):
    page = list(Message.objects.filter(user=request.user)[:200])
    Message.objects.filter(user=request.user, read_at=None).update(read_at=clock.now())
    return render(request, "web/messages.html", {"page": page})
