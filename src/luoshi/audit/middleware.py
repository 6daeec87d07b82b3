"""Records every writing request of a signed-in user in the audit log."""

from .choices import AuditAction
from .services import posted_fields, record

SAFE_METHODS = {"GET", "HEAD", "OPTIONS", "TRACE"}
SKIP_PREFIXES = ("/login/", "/logout/", "/admin/login/", "/admin/logout/")


class AuditMiddleware:
    """One audit row per non-GET request by a signed-in user: who, when, from where, the
    path, the response status, the fields posted and what the view noted it changed.
    Refused requests (403) are recorded as such; logins and logouts come from signals."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if request.method in SAFE_METHODS or request.path.startswith(SKIP_PREFIXES):
            return response
        user = getattr(request, "user", None)
        if user is None or not user.is_authenticated:
            return response
        if response.status_code >= 500:
            return response  # nothing was written: the transaction rolled back
        action = AuditAction.DENIED if response.status_code in (401, 403) else AuditAction.CHANGE
        summary = {"fields": posted_fields(request)} if request.method == "POST" else {}
        record(request, action=action, user=user, status_code=response.status_code, summary=summary)
        return response
