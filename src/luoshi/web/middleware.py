"""Sign a user out after a spell of inactivity (idle session time-out)."""

import time

from django.conf import settings
from django.contrib.auth import logout
from django.shortcuts import redirect
from django.utils.http import urlencode

SEEN_KEY = "luoshi_seen"
TOUCH_EVERY = 60  # seconds: write the session at most once a minute for activity


class IdleTimeoutMiddleware:
    """After ``LUOSHI_IDLE_SECONDS`` without a request the session ends and the next
    request goes to the login page (htmx requests are told to go there)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        idle = getattr(settings, "LUOSHI_IDLE_SECONDS", 0)
        if idle and user is not None and user.is_authenticated:
            now = int(time.time())
            seen = request.session.get(SEEN_KEY)
            if seen and now - seen > idle:
                logout(request)
                target = f"{settings.LOGIN_URL}?{urlencode({'next': request.get_full_path(), 'idle': 1})}"
                if request.headers.get("HX-Request"):
                    return self.get_response_for_htmx(target)
                if request.path.startswith("/api/"):
                    from django.http import JsonResponse

                    return JsonResponse({"error": "登录已超时，请重新登录"}, status=401)
                return redirect(target)
            if not seen or now - seen >= TOUCH_EVERY:
                request.session[SEEN_KEY] = now
        return self.get_response(request)

    @staticmethod
    def get_response_for_htmx(target):
        from django.http import HttpResponse

        response = HttpResponse(status=204)
        response["HX-Redirect"] = target
        return response


class SecondFactorMiddleware:
    """A session that still owes its second factor (``accounts.otp``: noted at sign-in)
    reaches only the second step, enrolment and sign-out; every other page sends it there.
    Under /api/ the request goes on and the API takes the session as not signed in
    (personal API tokens are no sessions and are not asked)."""

    OPEN = ("/login/", "/logout/", "/account/otp/", "/static/", "/favicon.ico", "/public/")

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        from luoshi.accounts.otp import ENROL, PENDING_KEY

        user = getattr(request, "user", None)
        pending = ""
        if user is not None and user.is_authenticated:
            pending = request.session.get(PENDING_KEY, "")
            if pending and user.is_verified():
                pending = ""
            user._luoshi_2fa_pending = pending
        if not pending or request.path.startswith("/api/") or request.path.startswith(self.OPEN):
            return self.get_response(request)
        target = "/account/otp/" if pending == ENROL else "/login/otp/"
        target = f"{target}?{urlencode({'next': request.get_full_path()})}"
        if request.headers.get("HX-Request"):
            return IdleTimeoutMiddleware.get_response_for_htmx(target)
        return redirect(target)


class PasswordChangeMiddleware:
    """A user whose password someone else set (``Profile.must_change_password``: the account
    made for it, or reset by an administrator) reaches only the password change page,
    sign-out and static files until it sets its own; every other page sends it there, saying
    why. Placed after ``SecondFactorMiddleware``: a second factor still owed comes first.
    The API answers such a session 403 in Chinese; a personal API token is no session and
    goes on."""

    OPEN = ("/password/", "/logout/", "/login/", "/static/", "/favicon.ico", "/public/", "/healthz")

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        from luoshi.accounts.services import MUST_CHANGE_MESSAGE, owes_password_change

        user = getattr(request, "user", None)
        if (
            request.path.startswith(self.OPEN)
            or getattr(user, "_luoshi_2fa_pending", "")  # the second factor first
            or not owes_password_change(user)
        ):
            return self.get_response(request)
        if request.path.startswith("/api/"):
            if request.headers.get("Authorization", "").lower().startswith("bearer "):
                return self.get_response(request)  # a token call: the API signs the token in
            from django.http import JsonResponse

            return JsonResponse({"error": f"{MUST_CHANGE_MESSAGE}：请先在网页上修改密码"}, status=403)
        target = f"/password/?{urlencode({'next': request.get_full_path()})}"
        if request.headers.get("HX-Request"):
            return IdleTimeoutMiddleware.get_response_for_htmx(target)
        return redirect(target)


class ControlCharacterMiddleware:
    """Refuse a request carrying a control character (NUL and the like) in its path, query,
    headers, cookies, form fields, file names or JSON body: HTTP 400 with a Chinese page (or the
    API's ``{"error": …}``) naming the parameter, before any view or database sees it.
    PostgreSQL cannot store NUL and answered such requests with a 500; SQLite stored it."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        found = self._find(request)
        if found is None:
            return self.get_response(request)
        where, code = found
        from luoshi.core.limits import control_message

        message = control_message(where, code)
        if request.path_info.startswith("/api/"):
            from django.http import JsonResponse

            return JsonResponse({"error": message}, status=400)
        if where.startswith(("Cookie", "请求头")):
            from django.contrib.auth.models import AnonymousUser

            request.user = AnonymousUser()
        from django.shortcuts import render

        return render(request, "web/error.html", {"title": "提交的内容有误", "message": message}, status=400)

    def _find(self, request) -> tuple[str, str] | None:
        from luoshi.core.limits import control_character, find_control

        code = control_character(request.path)
        if code:
            return "网址路径", code
        for key, values in request.GET.lists():
            for value in [key, *values]:
                code = control_character(value)
                if code:
                    return f"网址参数“{control_free(key)}”", code
        for key, value in request.COOKIES.items():
            code = control_character(key) or control_character(value)
            if code:
                return f"Cookie“{control_free(key)}”", code
        for key, value in request.META.items():
            code = key.startswith("HTTP_") and isinstance(value, str) and control_character(value)
            if code:
                return f"请求头“{key[5:].replace('_', '-').title()}”", code
        if request.method not in ("POST", "PUT", "PATCH"):
            return None
        if request.content_type == "application/json":
            import json

            try:
                body = json.loads(request.body or b"null")
            except ValueError:
                return None  # the API says what is wrong with it
            found = find_control(body)
            return (f"字段“{control_free(found[0]) or '请求体'}”", found[1]) if found else None
        try:
            fields, files = request.POST, request.FILES
        except Exception:  # a damaged multipart body: the view's own handling says so
            return None
        for key, values in fields.lists():
            for value in [key, *values]:
                code = control_character(value)
                if code:
                    return field_label(control_free(key)), code
        for key, upload in files.items():
            code = control_character(upload.name or "")
            if code:
                return f"{field_label(control_free(key))}的文件名", code
        return None


def control_free(text: str) -> str:
    from luoshi.core.limits import CONTROL_RE

    return CONTROL_RE.sub("?", text)[:40]


_LABELS: dict[str, str] = {}


def field_label(name: str) -> str:
    """A form field's Chinese label, found among the pages' forms; else its name."""
    if not _LABELS:
        from django import forms as django_forms

        from . import forms

        for value in vars(forms).values():
            if isinstance(value, type) and issubclass(value, django_forms.BaseForm):
                for key, form_field in getattr(value, "base_fields", {}).items():
                    if form_field.label:
                        _LABELS.setdefault(key, str(form_field.label))
    label = _LABELS.get(name)
    return f"“{label}”" if label else f"字段“{name}”"
