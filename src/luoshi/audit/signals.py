"""Logins, logouts and failed logins go to the audit log (auth signals)."""

from django.contrib.auth.signals import user_logged_in, user_logged_out, user_login_failed
from django.dispatch import receiver

from .choices import AuditAction
from .models import AuditLog


def _request_fields(request) -> dict:
    from .services import client_ip

    if request is None:
        return {}
    return {
        "ip": client_ip(request),
        "user_agent": request.META.get("HTTP_USER_AGENT", "")[:300],
        "method": request.method or "",
        "path": request.path[:500],
    }


@receiver(user_logged_in, dispatch_uid="luoshi_audit_login")
def logged_in(sender, request, user, **kwargs):
    AuditLog.objects.create(
        user=user, username=user.get_username(), action=AuditAction.LOGIN, **_request_fields(request)
    )


@receiver(user_logged_out, dispatch_uid="luoshi_audit_logout")
def logged_out(sender, request, user, **kwargs):
    if user is None:
        return
    AuditLog.objects.create(
        user=user, username=user.get_username(), action=AuditAction.LOGOUT, **_request_fields(request)
    )


@receiver(user_login_failed, dispatch_uid="luoshi_audit_login_failed")
def login_failed(sender, credentials, request=None, **kwargs):
    from luoshi.accounts.lockout import locked_until

    username = (credentials or {}).get("username") or ""
    action = AuditAction.LOGIN_BLOCKED if locked_until(username) else AuditAction.LOGIN_FAILED
    AuditLog.objects.create(username=username[:150], action=action, **_request_fields(request))
