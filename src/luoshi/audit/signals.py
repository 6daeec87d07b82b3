"""Logins, logouts and failed logins go to the audit log (auth signals)."""

from django.contrib.auth.signals import user_logged_in, user_logged_out, user_login_failed
from django.dispatch import receiver

from .choices import AuditAction
from .services import record, request_origin


def _origin(request):
    return request_origin(request) if request is not None else None


@receiver(user_logged_in, dispatch_uid="luoshi_audit_login")
def logged_in(sender, request, user, **kwargs):
    record(action=AuditAction.LOGIN, user=user, username=user.get_username(), origin=_origin(request))


@receiver(user_logged_out, dispatch_uid="luoshi_audit_logout")
def logged_out(sender, request, user, **kwargs):
    if user is None:
        return
    record(action=AuditAction.LOGOUT, user=user, username=user.get_username(), origin=_origin(request))


@receiver(user_login_failed, dispatch_uid="luoshi_audit_login_failed")
def login_failed(sender, credentials, request=None, **kwargs):
    username = (credentials or {}).get("username") or ""
    # refused by the lock-out before any password was checked (accounts.auth.LockoutBackend)
    blocked = getattr(request, "luoshi_login_blocked", False)
    action = AuditAction.LOGIN_BLOCKED if blocked else AuditAction.LOGIN_FAILED
    record(action=action, username=username[:150], origin=_origin(request))
