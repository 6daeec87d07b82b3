"""Lock-out after repeated failed logins (等保): five failures in a row within the lock-out
time lock the account name for that time. Failures are the audit log's own rows, so the
rule needs no table of its own and every attempt stays on record."""

import datetime as dt

from django.conf import settings
from django.utils import timezone

from luoshi.audit.choices import AuditAction
from luoshi.audit.models import AuditLog


def failure_limit() -> int:
    return getattr(settings, "LUOSHI_LOGIN_FAILURE_LIMIT", 5)


def lockout_minutes() -> int:
    return getattr(settings, "LUOSHI_LOCKOUT_MINUTES", 15)


def locked_until(username: str) -> dt.datetime | None:
    """When the account name may try again, or None when it is not locked: the limit of
    failures since its last successful login, the latest within the lock-out time."""
    if not username:
        return None
    now = timezone.now()
    span = dt.timedelta(minutes=lockout_minutes())
    failures = AuditLog.objects.filter(
        action=AuditAction.LOGIN_FAILED, username=username[:150], at__gte=now - span
    )
    last_login = (
        AuditLog.objects.filter(action=AuditAction.LOGIN, username=username[:150])
        .order_by("-at")
        .values_list("at", flat=True)
        .first()
    )
    if last_login:
        failures = failures.filter(at__gt=last_login)
    times = list(failures.order_by("-at").values_list("at", flat=True)[: failure_limit()])
    if len(times) < failure_limit():
        return None
    until = times[0] + span
    return until if until > now else None


def lockout_message(until: dt.datetime) -> str:
    local = timezone.localtime(until)
    return (
        f"连续 {failure_limit()} 次登录失败，账号已锁定 {lockout_minutes()} 分钟，"
        f"请于 {local:%H:%M} 后再试；如忘记密码请联系综合协调组办公室重置。"
    )
