"""Writing audit rows. Views describe what they changed with ``note(request, …)``; the
middleware writes one row per writing request, merging those notes in."""

from django.conf import settings

from .choices import AuditAction
from .models import AuditLog

NOTE_ATTR = "_luoshi_audit_notes"
SECRET_FIELDS = {"password", "password1", "password2", "old_password", "new_password1", "new_password2"}


def client_ip(request) -> str | None:
    """The client's address: REMOTE_ADDR, or the first X-Forwarded-For hop when the
    deployment says a trusted proxy sets it (``LUOSHI_TRUST_X_FORWARDED_FOR``)."""
    if getattr(settings, "LUOSHI_TRUST_X_FORWARDED_FOR", False):
        forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "")
        if forwarded:
            return forwarded.split(",")[0].strip() or None
    return request.META.get("REMOTE_ADDR") or None


def note(request, action: str = "", obj=None, **summary) -> None:
    """Say what this request changed; kept on the request until the middleware writes it."""
    notes = getattr(request, NOTE_ATTR, None)
    if notes is None:
        notes = []
        setattr(request, NOTE_ATTR, notes)
    entry = dict(summary)
    if action:
        entry["action"] = action
    if obj is not None:
        entry["object_type"] = obj._meta.label_lower
        entry["object_id"] = str(obj.pk)
        entry.setdefault("object", str(obj)[:200])
    notes.append(entry)


def record(
    request, *, action: str, user=None, username: str = "", status_code=None, summary=None
) -> AuditLog:
    """Write one audit row for a request."""
    user = user if user is not None else getattr(request, "user", None)
    if user is not None and not getattr(user, "is_authenticated", False):
        user = None
    notes = getattr(request, NOTE_ATTR, None) or []
    data = dict(summary or {})
    object_type = object_id = ""
    if notes:
        data["notes"] = notes
        object_type = next((n["object_type"] for n in notes if n.get("object_type")), "")
        object_id = next((n["object_id"] for n in notes if n.get("object_id")), "")
    return AuditLog.objects.create(
        user=user,
        username=(username or (user.get_username() if user else ""))[:150],
        ip=client_ip(request),
        user_agent=request.META.get("HTTP_USER_AGENT", "")[:300],
        method=request.method or "",
        path=request.get_full_path()[:500],
        status_code=status_code,
        action=action,
        object_type=object_type,
        object_id=object_id,
        summary=data,
    )


def posted_fields(request) -> list[str]:
    """The names of the fields a request posted (never their values), and its files."""
    names = [name for name in request.POST if name not in SECRET_FIELDS and name != "csrfmiddlewaretoken"]
    files = [f"{name}:{f.name}" for name in request.FILES for f in request.FILES.getlist(name)]
    return names + files


__all__ = ["AuditAction", "client_ip", "note", "posted_fields", "record"]
