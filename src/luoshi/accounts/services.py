"""Writes of the accounts domain: personal API tokens (created, revoked, checked)."""

import datetime as dt
import hashlib
import hmac
import secrets

from django.core.exceptions import ObjectDoesNotExist, PermissionDenied
from django.db import transaction
from django.utils import timezone

from luoshi.audit.services import diff, record_change, snapshot
from luoshi.core import clock

from .choices import TokenScope
from .models import ApiToken
from .permissions import Actor, can_manage_tokens

PREFIX = "ls_"
MAX_DAYS = 365
LAST_USED_EVERY = dt.timedelta(minutes=1)  # how stale last_used_at may be
AUDITED = ["user", "name", "key", "scope", "expires_at", "revoked_at"]


class TokenError(ValueError):
    """A token that cannot be made as asked; the message is Chinese and names the field."""

    def __init__(self, message: str, field: str | None = None):
        super().__init__(message)
        self.field = field


class TokenRefused(Exception):
    """A presented token that does not sign anyone in (unknown, expired, revoked); the
    message is Chinese. ``token`` is the row when the token is known."""

    def __init__(self, message: str, token: ApiToken | None = None):
        super().__init__(message)
        self.token = token


def digest_of(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


def _check(actor: Actor, user) -> None:
    if not can_manage_tokens(actor, user):
        raise PermissionDenied("只能管理自己的接口令牌")


@transaction.atomic
def create_token(actor: Actor, user, *, name: str, scope: str, days: int) -> tuple[ApiToken, str]:
    """A new token of ``user``, valid for ``days`` days; returns the row and the secret,
    which is shown this once and never stored."""
    _check(actor, user)
    name = (name or "").strip()
    if not name:
        raise TokenError("请填写令牌名称（用途，如“数据同步脚本”）", "name")
    if len(name) > 100:
        raise TokenError("令牌名称不能超过 100 个字", "name")
    if scope not in TokenScope.values:
        raise TokenError(f"权限范围应为 read（只读）或 write（读写），而不是“{scope}”", "scope")
    if not isinstance(days, int) or isinstance(days, bool) or not 1 <= days <= MAX_DAYS:
        raise TokenError(f"有效天数应为 1 到 {MAX_DAYS} 之间的整数，而不是“{days}”", "days")
    key = secrets.token_hex(6)
    secret = f"{PREFIX}{key}_{secrets.token_urlsafe(32)}"
    token = ApiToken.objects.create(
        user=user,
        name=name,
        key=key,
        digest=digest_of(secret),
        scope=scope,
        expires_at=clock.now() + dt.timedelta(days=days),
    )
    record_change(actor, "创建接口令牌", token, diff({}, snapshot(token, AUDITED)))
    return token, secret


@transaction.atomic
def revoke_token(actor: Actor, token: ApiToken) -> ApiToken:
    """Revoke a token: it signs nobody in from now on (revoking twice changes nothing)."""
    token = ApiToken.objects.select_for_update().get(pk=token.pk)
    _check(actor, token.user)
    if token.revoked_at is not None:
        return token
    before = snapshot(token, AUDITED)
    token.revoked_at = clock.now()
    token.save(update_fields=["revoked_at", "updated_at"])
    record_change(actor, "吊销接口令牌", token, diff(before, snapshot(token, AUDITED)))
    return token


def tokens_of(actor: Actor, user):
    """The tokens of ``user``, newest first."""
    _check(actor, user)
    return ApiToken.objects.filter(user=user).select_related("user")


def token_for_secret(secret: str) -> ApiToken:
    """The valid token this secret belongs to, its ``last_used_at`` set to now; else
    ``TokenRefused`` with the reason in Chinese."""
    key = secret[len(PREFIX) :].split("_", 1)[0] if secret.startswith(PREFIX) else ""
    token = ApiToken.objects.select_related("user").filter(key=key).first() if key else None
    if token is None or not hmac.compare_digest(token.digest, digest_of(secret)):
        # an unknown key costs the same digest as a known one
        hmac.compare_digest(digest_of(secret), "0" * 64)
        raise TokenRefused("接口令牌无效，请检查令牌是否完整")
    now = clock.now()
    if token.revoked_at is not None:
        raise TokenRefused("接口令牌已被吊销，请重新创建", token)
    if token.expires_at <= now:
        raise TokenRefused(
            f"接口令牌已于 {timezone.localtime(token.expires_at):%Y-%m-%d %H:%M} 过期，请重新创建", token
        )
    if not token.user.is_active:
        raise TokenRefused("该令牌的用户已被停用", token)
    if token.last_used_at is None or now - token.last_used_at >= LAST_USED_EVERY:
        # at most one write a minute per token: a busy script does not queue on the row
        ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
        token.last_used_at = now
    return token


# ---------------------------------------------------------------- lock-outs


class UnlockError(ValueError):
    """An unlock asked for nothing; the message is Chinese."""


@transaction.atomic
def unlock(actor: Actor, *, username: str = "", address: str = "") -> int:
    """Lift login lock-outs before their time: an account name (from one address, or
    from every address when none is given), or a whole address. Returns how many
    attempt rows were cleared; the audit log says who lifted what."""
    from axes.models import AccessAttempt

    from .permissions import can_manage_security

    if not can_manage_security(actor):
        raise PermissionDenied("只有综合协调组办公室可以解除登录锁定")
    username, address = (username or "").strip(), (address or "").strip()
    if not username and not address:
        raise UnlockError("请指明要解除锁定的账号或地址")
    from .permissions import lifts_lock, lock_owners

    if not actor.is_system:
        # the names the lift would free: the one given, or every name tried from the address
        names = (
            {username}
            if username
            else set(
                AccessAttempt.objects.filter(ip_address=address, username__isnull=False).values_list(
                    "username", flat=True
                )
            )
        )
        if not lifts_lock(actor, sorted(names), lock_owners(names)):
            raise PermissionDenied(
                "只能解除本组织（或可办理的下级组织）用户的登录锁定；"
                "地址的锁定须该地址尝试过的账号都属于这些组织"
            )
    attempts = AccessAttempt.objects.all()
    if username:
        attempts = attempts.filter(username=username)
    if address:
        attempts = attempts.filter(ip_address=address)
    count, _ = attempts.delete()
    what = f"账号 {username or '（任一）'}，地址 {address or '（任一）'}"
    record_change(
        actor,
        "解除登录锁定",
        None,
        {"登录锁定": [what, "已解除"]},
        username=username,
        address=address,
        cleared=count,
    )
    return count


# ---------------------------------------------------------------- second factor (TOTP)


class SecondFactorError(ValueError):
    """A code that does not confirm; the message is Chinese."""


def _own(actor: Actor, user) -> None:
    if actor.is_system:
        return
    me = actor.user
    if me is None or me.pk != user.pk:
        raise PermissionDenied("只能为自己绑定两步验证")


@transaction.atomic
def start_enrolment(actor: Actor, user):
    """The user's device waiting to be confirmed (made on the first visit, kept until
    confirmed so a reload shows the same QR code)."""
    from django_otp.plugins.otp_totp.models import TOTPDevice

    _own(actor, user)
    device = TOTPDevice.objects.filter(user=user, confirmed=False).order_by("pk").first()
    if device is None:
        device = TOTPDevice.objects.create(user=user, name="手机验证器", confirmed=False)
    return device


def _check_code(device, code: str) -> None:
    code = "".join((code or "").split())
    if not code.isdigit() or len(code) != device.digits:
        raise SecondFactorError(f"请输入验证器上显示的 {device.digits} 位数字")
    allowed, _ = device.verify_is_allowed()
    if not allowed:
        raise SecondFactorError("验证码错误次数过多，请稍等片刻再试")
    if not device.verify_token(code):
        raise SecondFactorError("验证码不正确或已过期，请输入验证器上当前显示的数字")


@transaction.atomic
def confirm_enrolment(actor: Actor, device, code: str):
    """Confirm the device with a code the app shows: from now on it is asked at sign-in."""
    _own(actor, device.user)
    _check_code(device, code)
    device.confirmed = True
    device.save(update_fields=["confirmed"])
    record_change(actor, "绑定两步验证", device.user, {"两步验证": ["未绑定", "已绑定"]})
    return device


def check_second_factor(device, code: str) -> None:
    """The code of the sign-in's second step (raises ``SecondFactorError``)."""
    _check_code(device, code)


@transaction.atomic
def reset_second_factor(actor: Actor, user) -> int:
    """Remove a user's devices (a lost phone): the coordinator for anyone, a user for
    themselves when no policy requires it. The user enrols again at the next sign-in when
    the policy asks for it."""
    from django_otp.plugins.otp_totp.models import TOTPDevice

    from .otp import role_requires
    from .permissions import can_manage_security_of

    own = actor.user is not None and actor.user.pk == user.pk
    if not can_manage_security_of(actor, user) and (not own or role_requires(user)):
        raise PermissionDenied("只有本组织的综合协调组办公室可以重置他人或必须使用的两步验证")
    count, _ = TOTPDevice.objects.filter(user=user).delete()
    record_change(actor, "重置两步验证", user, {"两步验证": ["已绑定", "已重置"]}, devices=count)
    return count


# ---------------------------------------------------------------- passwords set by someone else

MUST_CHANGE_MESSAGE = "首次登录或密码被重置后，须先修改密码"


class PasswordError(ValueError):
    """A new password that cannot be taken; the message is Chinese, ``field`` the form's
    field it belongs to."""

    def __init__(self, message: str, field: str = "new_password2"):
        super().__init__(message)
        self.field = field


def owes_password_change(user) -> bool:
    """Whether this signed-in user must change the password before anything else (the
    profile read with the user, ``accounts.auth``: no query of its own)."""
    if not getattr(user, "is_authenticated", False):
        return False
    try:
        profile = user.profile
    except ObjectDoesNotExist:  # the system administrator has no profile
        return False
    return bool(profile.must_change_password)


@transaction.atomic
def require_password_change(actor: Actor, user, reason: str) -> bool:
    """The user's password was set by someone else (``reason``: 管理员重置密码, …): the
    user must change it at the next sign-in. False for a user without a profile (the
    system administrator's own account)."""
    from .models import Profile

    profile = Profile.objects.select_for_update().filter(user=user).first()
    if profile is None or profile.must_change_password:
        return profile is not None
    profile.must_change_password = True
    profile.save(update_fields=["must_change_password", "updated_at"])
    record_change(actor, "要求修改密码", profile, {"must_change_password": [False, True]}, reason=reason)
    return True


@transaction.atomic
def change_own_password(actor: Actor, user, old_password: str, new_password: str) -> None:
    """The user sets its own password: the present one given, the new one by the password
    rules (``AUTH_PASSWORD_VALIDATORS``) and not the same; a change owed since someone
    else set the password is then paid (``must_change_password`` cleared, on the record)."""

    from .models import Profile

    if actor.user is None or actor.user.pk != user.pk:
        raise PermissionDenied("只能修改自己的密码")
    if not user.check_password(old_password or ""):
        raise PasswordError("原密码不正确，请重新输入", "old_password")
    if new_password == old_password:
        raise PasswordError("新密码不能与原密码相同")
    _set_password(user, new_password)
    changes = {"password": ["******", "******"]}
    owed = Profile.objects.filter(user=user, must_change_password=True).update(
        must_change_password=False, updated_at=timezone.now()
    )
    if owed:
        changes["must_change_password"] = [True, False]
        if hasattr(user, "profile"):  # the copy read with the user
            user.profile.must_change_password = False
    record_change(actor, "修改密码", user, changes)


def _set_password(user, new_password: str) -> None:
    """The password set, once it passes the rules (``AUTH_PASSWORD_VALIDATORS``)."""
    from django.contrib.auth import password_validation
    from django.core.exceptions import ValidationError

    try:
        password_validation.validate_password(new_password, user)
    except ValidationError as exc:
        raise PasswordError("；".join(exc.messages)) from None
    user.set_password(new_password)
    user.save(update_fields=["password"])


@transaction.atomic
def reset_password(actor: Actor, user, new_password: str) -> bool:
    """An administrator (the system: ``luoshi reset-password``) sets someone's password by
    the password rules; its user must change it at the next sign-in. Returns whether the
    user was asked to (a user without a profile is not)."""

    if not actor.is_system and not getattr(actor.user, "is_superuser", False):
        raise PermissionDenied("只有系统管理员可以重置他人的密码")
    _set_password(user, new_password)
    record_change(actor, "重置密码", user, {"password": ["******", "******"]})
    if actor.user is not None and actor.user.pk == user.pk:
        return False  # one's own: one's own choice
    return require_password_change(actor, user, "管理员重置密码")
