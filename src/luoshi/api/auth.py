"""Who is calling the API: a personal API token (``Authorization: Bearer ls_…``), else the
signed-in browser session (its writes need the CSRF token). A token acts with exactly its
user's rights; a read-only token may only read. Failures are Chinese ``{"error"}`` bodies
through the API's exception handlers."""

from functools import wraps

from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, JsonResponse
from ninja.errors import AuthenticationError
from ninja.security import APIKeyCookie, HttpBearer
from ninja.utils import check_csrf

from luoshi.accounts.permissions import token_may_write
from luoshi.accounts.services import TokenRefused, token_for_secret
from luoshi.audit.services import current_origin

READS = {"GET", "HEAD", "OPTIONS"}


class TokenInvalid(AuthenticationError):
    """A bearer token that signs nobody in; the message is Chinese."""

    def __init__(self, message: str):
        super().__init__(401, message)
        self.message = message


class CsrfFailed(Exception):
    """A session write without a valid CSRF token."""


def second_factor_missing(user) -> bool:
    """Whether a signed-in session still owes its second factor (django-otp): the hook
    the security settings fill in. With django_otp's middleware installed ``user`` has
    ``is_verified``; a role that must use OTP and has not verified this session is not
    signed in to the API."""
    is_verified = getattr(user, "is_verified", None)
    if is_verified is None or is_verified():
        return False
    try:
        from luoshi.accounts.otp import otp_required  # type: ignore[import-not-found]
    except ImportError:
        return False
    return bool(otp_required(user))


def user_of_token(request: HttpRequest, secret: str):
    """The user a bearer secret signs in, noted on the request's audit origin; raises
    ``TokenInvalid`` (401) or, for a write with a read-only token, ``PermissionDenied``."""
    origin = current_origin()
    try:
        token = token_for_secret(secret.strip())
    except TokenRefused as exc:
        if exc.token is not None:
            origin.token_id = exc.token.pk
        raise TokenInvalid(str(exc)) from None
    origin.token_id = token.pk
    request.user = token.user
    request.luoshi_token = token  # type: ignore[attr-defined]
    if not token_may_write(token) and request.method not in READS:
        raise PermissionDenied("只读接口令牌不能执行写操作（需要读写权限的令牌）")
    return token.user


class TokenAuth(HttpBearer):
    """``Authorization: Bearer ls_…``: a personal API token (no CSRF: no cookie is involved)."""

    def authenticate(self, request: HttpRequest, token: str):
        return user_of_token(request, token)


class SessionAuth(APIKeyCookie):
    """The signed-in browser session; its writes need the CSRF token (``X-CSRFToken``)."""

    param_name = "sessionid"

    def __init__(self) -> None:
        from django.conf import settings

        self.param_name = settings.SESSION_COOKIE_NAME
        super().__init__(csrf=False)

    def _get_key(self, request: HttpRequest):
        writing = request.method not in READS and not getattr(request, "_ninja_csrf_exempt", False)
        if writing and check_csrf(request) is not None:
            raise CsrfFailed
        return request.COOKIES.get(self.param_name)

    def authenticate(self, request: HttpRequest, key):
        user = request.user
        if not user.is_authenticated or second_factor_missing(user):
            return None
        return user


def signed_in(request: HttpRequest):
    """The user of the request's token or session, or None; ``TokenInvalid`` for a bad token."""
    header = request.headers.get("Authorization", "")
    scheme, _, secret = header.partition(" ")
    if scheme.lower() == "bearer" and secret:
        return user_of_token(request, secret)
    user = request.user
    if user.is_authenticated and not second_factor_missing(user):
        return user
    return None


def docs_login_required(view):
    """The docs page and the OpenAPI schema need a sign-in (session or token): the docs page
    sends a browser to the login page, the schema answers 401 in Chinese."""

    @wraps(view)
    def checked(request, *args, **kwargs):
        try:
            user = signed_in(request)
        except (TokenInvalid, PermissionDenied) as exc:
            return JsonResponse({"error": str(getattr(exc, "message", exc))}, status=401)
        if user is None:
            if request.path.endswith("/docs"):
                return redirect_to_login(request.get_full_path(), "web:login")
            return JsonResponse({"error": "请先登录"}, status=401)
        return view(request, *args, **kwargs)

    return checked
