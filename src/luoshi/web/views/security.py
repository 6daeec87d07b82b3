"""账号安全: the coordinator's page of login lock-outs (lifted here before their time) and
of the users' second-factor devices (reset for a user who lost the phone)."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect
from django.views.decorators.http import require_POST

from luoshi.accounts.lockout import current_locks, lockout_minutes
from luoshi.accounts.permissions import (
    can_manage_security,
    lifts_lock,
    lock_owners,
    sees_lock,
    visible_users,
)
from luoshi.accounts.services import UnlockError, unlock

from .common import actor_of, render_page


def _manager(request):
    actor = actor_of(request)
    if not can_manage_security(actor):
        raise PermissionDenied("只有综合协调组办公室可以管理账号安全")
    return actor


@login_required
def security(request):
    actor = _manager(request)
    # the locks and devices only of the users of the organisations it reads
    locks = current_locks()
    owners = lock_owners({name for lock in locks for name in lock.names})
    shown = [
        {"lock": lock, "can_lift": lifts_lock(actor, lock.names, owners)}
        for lock in locks
        if sees_lock(actor, lock.names, owners)
    ]
    return render_page(
        request,
        "web/security.html",
        {"locks": shown, "lockout_minutes": lockout_minutes(), **_devices_context(actor)},
    )


@login_required
@require_POST
def unlock_view(request):
    actor = _manager(request)
    username, address = request.POST.get("username", ""), request.POST.get("address", "")
    try:
        unlock(actor, username=username, address=address)
    except UnlockError as exc:
        messages.error(request, str(exc))
        return redirect("web:security")
    what = f"账号 {username}（地址 {address}）" if username else f"地址 {address}"
    messages.success(request, f"已解除{what}的登录锁定。")
    return redirect("web:security")


def _devices_context(actor) -> dict:
    from django_otp.plugins.otp_totp.models import TOTPDevice

    from luoshi.accounts.otp import required_role_labels

    devices = (
        TOTPDevice.objects.filter(confirmed=True, user__in=visible_users(actor))
        .select_related("user")
        .order_by("user__username")
    )
    return {"devices": devices, "required_roles": required_role_labels()}
