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
