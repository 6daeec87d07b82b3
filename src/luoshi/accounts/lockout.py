"""Lock-out after repeated failed logins (等保), kept by django-axes in its AccessAttempt
table, on two counts:

- an account name from one address: ``LUOSHI_LOGIN_FAILURE_LIMIT`` (5) failures lock that
  name *from that address* for ``LUOSHI_LOCKOUT_MINUTES`` (15). Someone elsewhere typing
  the coordinator's name with wrong passwords locks only themselves out, never the
  coordinator at her own desk;
- an address: ``LUOSHI_ADDRESS_FAILURE_LIMIT`` (20) failures across all account names
  lock the address, so one machine cannot try a few passwords on every account. Higher
  than the first, for an office whose colleagues share one address.

A successful login clears its own name's count from that address, not the address's count
(else an attacker with one valid account could reset it between guesses). The coordinator
sees the current locks on /security/ and lifts them there or with ``luoshi unlock``: only
the locks of the users of its organisation and those below it (an address's lock: when
every name tried from it is such a user; ``accounts.permissions.sees_lock``)."""

import datetime as dt
from dataclasses import dataclass

from axes.handlers.database import AxesDatabaseHandler
from axes.models import AccessAttempt
from django.conf import settings
from django.db.models import Max, Sum
from django.utils import timezone


def failure_limit() -> int:
    return getattr(settings, "LUOSHI_LOGIN_FAILURE_LIMIT", 5)


def address_failure_limit() -> int:
    return getattr(settings, "LUOSHI_ADDRESS_FAILURE_LIMIT", 20)


def lockout_minutes() -> int:
    return getattr(settings, "LUOSHI_LOCKOUT_MINUTES", 15)


def _recent():
    """Attempts still counting: the last failure of the row within the lock-out time."""
    since = timezone.now() - dt.timedelta(minutes=lockout_minutes())
    return AccessAttempt.objects.filter(attempt_time__gte=since)


def _count(queryset) -> tuple[int, dt.datetime | None]:
    totals = queryset.aggregate(n=Sum("failures_since_start"), last=Max("attempt_time"))
    return totals["n"] or 0, totals["last"]


@dataclass(frozen=True)
class Lock:
    """A current lock: of an account name from one address, or of a whole address."""

    kind: str  # "account" or "address"
    address: str
    username: str
    failures: int
    until: dt.datetime
    # the account names it stops: its own; of an address, every name tried from it lately
    names: tuple[str, ...] = ()

    @property
    def kind_label(self) -> str:
        return "账号（该地址）" if self.kind == "account" else "地址（所有账号）"


def lock_for(username: str | None, address: str) -> Lock | None:
    """The lock that stops this name at this address now, if any (the address's first)."""
    span = dt.timedelta(minutes=lockout_minutes())
    now = timezone.now()
    n, last = _count(_recent().filter(ip_address=address))
    if last and n >= address_failure_limit() and last + span > now:
        return Lock("address", address, "", n, last + span)
    if username:
        n, last = _count(_recent().filter(ip_address=address, username=username))
        if last and n >= failure_limit() and last + span > now:
            return Lock("account", address, username, n, last + span)
    return None


def current_locks() -> list[Lock]:
    """Every lock in force, the latest first (the coordinator's list)."""
    span = dt.timedelta(minutes=lockout_minutes())
    recent = _recent()
    locks = []
    addresses = [
        row
        for row in recent.values("ip_address").annotate(
            n=Sum("failures_since_start"), last=Max("attempt_time")
        )
        if row["n"] >= address_failure_limit()
    ]
    tried: dict[str, set[str]] = {}
    if addresses:
        for address, name in (
            recent.filter(ip_address__in=[row["ip_address"] for row in addresses], username__isnull=False)
            .values_list("ip_address", "username")
            .distinct()
        ):
            tried.setdefault(address or "", set()).add(name)
    for row in addresses:
        address = row["ip_address"] or ""
        names = tuple(sorted(tried.get(address, ())))
        locks.append(Lock("address", address, "", row["n"], row["last"] + span, names))
    pairs = (
        recent.filter(username__isnull=False)
        .values("ip_address", "username")
        .annotate(n=Sum("failures_since_start"), last=Max("attempt_time"))
    )
    for row in pairs:
        if row["n"] >= failure_limit():
            name = row["username"] or ""
            locks.append(
                Lock("account", row["ip_address"] or "", name, row["n"], row["last"] + span, (name,))
            )
    return sorted(locks, key=lambda lock: lock.until, reverse=True)


class LockoutHandler(AxesDatabaseHandler):
    """Axes' database handler with the two limits above: ``get_failures`` answers, against
    axes' one limit (``AXES_FAILURE_LIMIT`` = the account limit), whether either count is
    spent."""

    def get_failures(self, request, credentials=None) -> int:
        from axes.helpers import get_client_username

        address = getattr(request, "axes_ip_address", "") or ""
        username = get_client_username(request, credentials)
        if lock_for(username, address) is not None:
            return failure_limit()
        if not username:
            return 0
        n, _ = _count(_recent().filter(ip_address=address, username=username))
        return min(n, failure_limit() - 1)

    def user_logged_in(self, sender, request, user, **kwargs):
        super().user_logged_in(sender, request, user, **kwargs)
        # A success clears its own name's count from this address, not the address's: the
        # failures stay on record for the address alone (a row of no name).
        AccessAttempt.objects.filter(
            username=user.get_username(), ip_address=getattr(request, "axes_ip_address", "")
        ).update(username=None)


def lockout_message(lock: Lock) -> str:
    local = timezone.localtime(lock.until)
    if lock.kind == "address":
        return (
            f"本机地址（{lock.address}）登录失败次数过多，已暂停从该地址登录 {lockout_minutes()} 分钟，"
            f"请于 {local:%H:%M} 后再试；如需提前解除请联系综合协调组办公室。"
        )
    return (
        f"连续 {failure_limit()} 次登录失败，账号已锁定 {lockout_minutes()} 分钟，"
        f"请于 {local:%H:%M} 后再试；如忘记密码请联系综合协调组办公室重置。"
    )
