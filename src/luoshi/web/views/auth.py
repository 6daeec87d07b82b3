"""Sign in, sign out, change password."""

from axes.helpers import get_client_username
from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.shortcuts import render
from django.urls import reverse_lazy

from luoshi.accounts.lockout import failure_limit, lock_for, lockout_message, lockout_minutes

from ..forms import LoginForm


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
    template_name = "web/password.html"
    success_url = reverse_lazy("web:workspace")

    def form_valid(self, form):
        messages.success(self.request, "密码已修改。")
        return super().form_valid(form)


password = PasswordChangeView.as_view()
