"""The second factor (两步验证): a TOTP device (django-otp) in an authenticator app.

``LUOSHI_REQUIRE_2FA_ROLES`` names the roles that must use one (``coordinator``,
``leader``, … and ``admin`` for the system administrators: superusers and staff). Anyone
may enrol of their own accord; whoever has a device confirms a code after the password.
At sign-in the session is told what it still owes (``PENDING_KEY``: ``enrol`` or
``verify``), so the pages need no query per request to know; until it is paid the session
reaches only the sign-in, enrolment and sign-out pages, and the API takes it as not
signed in (``otp_required``; personal API tokens are not sessions and are not asked)."""

import base64
import io

from django.conf import settings
from django.contrib.auth.signals import user_logged_in
from django.core.exceptions import ImproperlyConfigured
from django.dispatch import receiver
from django_otp.plugins.otp_totp.models import TOTPDevice

from .choices import Role

PENDING_KEY = "luoshi_2fa"
ENROL, VERIFY = "enrol", "verify"
ADMIN = "admin"


def required_roles() -> frozenset[str]:
    roles = frozenset(getattr(settings, "LUOSHI_REQUIRE_2FA_ROLES", []) or [])
    unknown = roles - set(Role.values) - {ADMIN}
    if unknown:
        raise ImproperlyConfigured(
            f"LUOSHI_REQUIRE_2FA_ROLES 含有未知角色：{'、'.join(sorted(unknown))}"
            f"（可用：{'、'.join([*Role.values, ADMIN])}）"
        )
    return roles


def required_role_labels() -> list[str]:
    """The required roles in Chinese, for the 账号安全 page."""
    labels = {**dict(Role.choices), ADMIN: "系统管理员"}
    return [labels[role] for role in sorted(required_roles())]


def role_requires(user) -> bool:
    """Whether the policy makes this user use a second factor."""
    roles = required_roles()
    if not roles or not user.is_active:
        return False
    if ADMIN in roles and (user.is_superuser or user.is_staff):
        return True
    from .permissions import actor_for

    return actor_for(user).role in roles


def confirmed_device(user) -> TOTPDevice | None:
    return TOTPDevice.objects.filter(user=user, confirmed=True).order_by("pk").first()


def owed(user) -> str:
    """What a fresh sign-in of this user still owes: ``verify`` (a device to confirm),
    ``enrol`` (the policy asks for one and there is none) or ``""``."""
    if confirmed_device(user) is not None:
        return VERIFY
    return ENROL if role_requires(user) else ""


def otp_required(user) -> bool:
    """Whether this signed-in session must still pass its second factor before it counts
    as signed in (the API's hook, ``api.auth.second_factor_missing``)."""
    pending = getattr(user, "_luoshi_2fa_pending", None)
    if pending is not None:
        return bool(pending)
    return bool(owed(user))


@receiver(user_logged_in, dispatch_uid="luoshi_2fa_at_login")
def _note_what_the_session_owes(sender, request, user, **kwargs):
    if request is not None and hasattr(request, "session"):
        request.session[PENDING_KEY] = owed(user)


def qr_svg_data_uri(text: str) -> str:
    """A QR code of ``text`` as an SVG data: URI (the ``qrcode`` package draws SVG without
    Pillow), for an <img> the Content-Security-Policy allows."""
    import qrcode
    import qrcode.image.svg

    image = qrcode.make(text, image_factory=qrcode.image.svg.SvgPathImage, box_size=8)
    buffer = io.BytesIO()
    image.save(buffer)
    return "data:image/svg+xml;base64," + base64.b64encode(buffer.getvalue()).decode()


def secret_text(device: TOTPDevice) -> str:
    """The device's key as an authenticator app takes it typed in (base32, in groups)."""
    secret = base64.b32encode(device.bin_key).decode().rstrip("=")
    return " ".join(secret[i : i + 4] for i in range(0, len(secret), 4))
