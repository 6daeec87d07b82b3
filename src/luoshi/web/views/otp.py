"""两步验证: enrol an authenticator app (scan, confirm a code), the sign-in's second step,
removing one's own device, and the coordinator's reset for a user who lost the phone."""

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404, redirect
from django.views.decorators.http import require_POST
from django_otp import login as otp_login

from luoshi.accounts.otp import (
    ENROL,
    PENDING_KEY,
    confirmed_device,
    qr_svg_data_uri,
    role_requires,
    secret_text,
)
from luoshi.accounts.permissions import visible_users
from luoshi.accounts.services import (
    SecondFactorError,
    check_second_factor,
    confirm_enrolment,
    reset_second_factor,
    start_enrolment,
)

from .common import actor_of, render_page, safe_next


class CodeForm(forms.Form):
    code = forms.CharField(
        label="验证码",
        max_length=12,
        widget=forms.TextInput(
            attrs={
                "inputmode": "numeric",
                "autocomplete": "one-time-code",
                "autofocus": True,
                "pattern": "[0-9 ]*",
            }
        ),
    )


def _done(request, device):
    otp_login(request, device)
    request.session[PENDING_KEY] = ""
    return redirect(safe_next(request, "/"))


@login_required
def second_step(request):
    """The code after the password, for whoever has a confirmed device."""
    device = confirmed_device(request.user)
    if device is None:
        return redirect(f"/account/otp/?next={safe_next(request, '/')}")
    form = CodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            check_second_factor(device, form.cleaned_data["code"])
        except SecondFactorError as exc:
            form.add_error("code", str(exc))
        else:
            return _done(request, device)
    status = 400 if request.method == "POST" else 200
    return render_page(
        request, "web/otp_verify.html", {"form": form, "next": safe_next(request, "/")}, status=status
    )


@login_required
def enrol(request):
    """Bind an authenticator app: its QR code and key, confirmed with one code."""
    user = request.user
    device = confirmed_device(user)
    pending = request.session.get(PENDING_KEY) == ENROL
    if device is not None:
        return render_page(
            request,
            "web/otp_enrol.html",
            {"device": device, "required": role_requires(user), "pending": False},
        )
    actor = actor_of(request)
    candidate = start_enrolment(actor, user)
    form = CodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            confirm_enrolment(actor, candidate, form.cleaned_data["code"])
        except SecondFactorError as exc:
            form.add_error("code", str(exc))
        else:
            messages.success(request, "两步验证已绑定：以后登录时输入密码后还需输入验证器上的验证码。")
            return _done(request, candidate)
    uri = candidate.config_url
    context = {
        "form": form,
        "qr": qr_svg_data_uri(uri),
        "secret": secret_text(candidate),
        "uri": uri,
        "pending": pending,
        "required": role_requires(user),
        "next": safe_next(request, "/"),
    }
    return render_page(
        request, "web/otp_enrol.html", context, status=400 if request.method == "POST" else 200
    )


@login_required
@require_POST
def remove_own(request):
    """Remove one's own device (when no policy requires it)."""
    try:
        reset_second_factor(actor_of(request), request.user)
    except PermissionDenied:
        messages.error(request, "您的角色必须使用两步验证，不能自行解除；换手机请联系综合协调组办公室重置。")
        return redirect("web:otp")
    messages.success(request, "已解除两步验证。")
    return redirect("web:otp")


@login_required
@require_POST
def reset(request, user_id: int):
    """The coordinator removes a user's devices (a lost phone)."""
    actor = actor_of(request)
    user = get_object_or_404(visible_users(actor), pk=user_id)  # another organisation's: 404
    reset_second_factor(actor, user)  # PermissionDenied: 403
    messages.success(request, f"已重置 {user.get_username()} 的两步验证，其下次登录时重新绑定。")
    return redirect("web:security")
