"""Every writing request of a signed-in user leaves its audit rows: the services it called
record each write (object, fields before and after) with this request's address; a request
no service recorded still leaves one row (the fields posted, what the view noted), and a
refused one (403) is recorded as such. Every call made with a personal API token leaves
its rows too, reads included, each carrying the token's id. Logins and logouts come from
signals."""

from django.db import connection

from .choices import AuditAction
from .models import AuditLog
from .services import origin_of, posted_fields, record_request, request_origin

SAFE_METHODS = {"GET", "HEAD", "OPTIONS", "TRACE"}
SKIP_PREFIXES = ("/login/", "/logout/", "/admin/login/", "/admin/logout/")


class AuditMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        with origin_of(request_origin(request)) as origin:
            response = self.get_response(request)
            by_token = origin.token_id is not None
            reading = request.method in SAFE_METHODS
            if not by_token and (reading or request.path.startswith(SKIP_PREFIXES)):
                return response
            user = getattr(request, "user", None)
            if not by_token and (user is None or not user.is_authenticated):
                return response
            if response.status_code >= 500 and not by_token:
                return response  # nothing was written: the transaction rolled back
            denied = response.status_code in (401, 403)
            if not denied and _kept(origin):
                return response
            action = AuditAction.CHANGE
            if denied:
                action = AuditAction.DENIED
            elif reading:
                action = AuditAction.API_CALL
            summary = {"fields": posted_fields(request)} if request.method == "POST" else {}
            record_request(
                request,
                action=action,
                user=user,
                status_code=response.status_code,
                summary=summary,
                origin=origin,
            )
            return response


def _kept(origin) -> bool:
    """Whether a row a service wrote for this request was committed (not rolled back, as
    a dry run is). Committed rows are known without a query; only inside a transaction
    wrapping the whole request (the tests' own) is the database asked."""
    if origin.committed:
        return True
    if not origin.recorded or not connection.in_atomic_block:
        return False
    return AuditLog.objects.filter(pk__in=origin.recorded).exists()
