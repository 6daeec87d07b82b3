"""Sign in, sign out, change password."""

from axes.helpers import get_client_username
from django.contrib import messages
from django.contrib.auth import update_session_auth_hash
from django.contrib.auth import views as auth_views
from django.http import HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme

from luoshi.accounts.lockout import failure_limit, lock_for, lockout_message, lockout_minutes

from ..forms import LoginForm, OwnPasswordForm


def _limits() -> dict:
    return {"failure_limit": failure_limit(), "lockout_minutes": lockout_minutes()}


class LoginView(auth_views.LoginView):
    form_class = LoginForm
    template_name = "registration/login.html"
    redirect_authenticated_user = True

    def get_context_data(self, **kwargs):
        return {**super().get_context_data(**kwargs), **_limits()}


login = LoginView.as_view()


def locked_out(request, original_response=None, credentials=None):
    """django-axes' answer to a locked account name or address (``AXES_LOCKOUT_CALLABLE``):
    the login page saying in Chinese until when, HTTP 429."""
    username = get_client_username(request, credentials) or ""
    lock = lock_for(username, getattr(request, "axes_ip_address", "") or "")
    message = lockout_message(lock) if lock else f"登录失败次数过多，请 {lockout_minutes()} 分钟后再试。"
    context = {
        "form": LoginForm(request, initial={"username": username}),
        "lockout": message,
        "next": request.POST.get("next", "") or request.GET.get("next", ""),
        **_limits(),
    }
    return render(request, "registration/login.html", context, status=429)


logout = auth_views.LogoutView.as_view()


class PasswordChangeView(auth_views.PasswordChangeView):
    """修改密码. Until a password set by someone else is changed here (the account made
    for the user, a reset by an administrator), every other page sends the user here
    (``web.middleware.PasswordChangeMiddleware``), which says why."""

    template_name = "web/password.html"
    form_class = OwnPasswordForm

    def get_context_data(self, **kwargs):
        from luoshi.accounts.services import MUST_CHANGE_MESSAGE, owes_password_change

        owed = owes_password_change(self.request.user)
        return {
            **super().get_context_data(**kwargs),
            "must_change": MUST_CHANGE_MESSAGE if owed else "",
            "next": self._next(),
        }

    def _next(self) -> str:
        target = self.request.POST.get("next") or self.request.GET.get("next") or ""
        allowed = url_has_allowed_host_and_scheme(
            target, {self.request.get_host()}, require_https=self.request.is_secure()
        )
        return target if allowed and not target.startswith(reverse("web:password")) else ""

    def get_success_url(self):
        return self._next() or reverse("web:workspace")

    def form_valid(self, form):
        from luoshi.accounts.permissions import actor_for
        from luoshi.accounts.services import PasswordError, change_own_password

        user = self.request.user
        data = form.cleaned_data
        try:
            change_own_password(actor_for(user), user, data["old_password"], data["new_password1"])
        except PasswordError as exc:
            form.add_error(exc.field, str(exc))
            return self.form_invalid(form)
        update_session_auth_hash(self.request, user)  # this session stays signed in
        messages.success(self.request, "密码已修改。")
        return HttpResponseRedirect(self.get_success_url())


password = PasswordChangeView.as_view()
