"""Who may read the audit log (等保: the records are for the administrator who audits,
not for the people whose work they record).

The log is read where the admin shows it (``audit.admin.AuditLogAdmin``): by an active
staff user holding ``audit.view_auditlog`` — the system administrator, superusers, or a
security auditor given that permission. A role in the work (coordinator, leader, …)
gives no access by itself; nobody writes the log by hand, superusers included.
"""

from django.core.exceptions import PermissionDenied

from luoshi.accounts.permissions import Actor


def can_read_audit(actor: Actor) -> bool:
    """Read the audit log and its chain check: the system, or a staff user with
    ``audit.view_auditlog`` (what the admin asks)."""
    if actor.is_system:
        return True
    user = actor.user
    return bool(
        getattr(user, "is_active", False)
        and getattr(user, "is_staff", False)
        and user.has_perm("audit.view_auditlog")
    )


def visible_audit(actor: Actor):
    """The rows a reader sees: a reader with an organisation its own and those below it
    (on a top-level organisation also the rows of no organisation: the system's, the
    administrator's); the system and an administrator with no role every row."""
    from django.db.models import Q

    from .models import AuditLog

    rows = AuditLog.objects.all()
    if actor.is_system or not actor.org_id:
        return rows
    mine = Q(organisation__in=actor.visible_org_ids())
    if actor.org_path.count("/") == 2:  # a top-level organisation: /n/
        mine |= Q(organisation__isnull=True)
    return rows.filter(mine)


def check_read_audit(actor: Actor) -> None:
    if not can_read_audit(actor):
        raise PermissionDenied("审计日志仅供系统管理员和审计人员查看")
