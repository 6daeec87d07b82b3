"""Writes of the organisation tree (省 → 市 → 县区 → 乡镇): add an organisation below
another, move one (with everything below it) under another parent, and put a user in an
organisation. Each write checks ``permissions.check_manage_orgs`` and is audited; the
command line (``luoshi org``) acts as the system."""

from dataclasses import dataclass

from django.contrib.auth import get_user_model
from django.db import transaction

from luoshi.accounts.choices import Role
from luoshi.accounts.permissions import Actor
from luoshi.audit.choices import AuditAction
from luoshi.audit.services import record_change
from luoshi.core import limits

from .choices import OrgLevel
from .models import Organisation
from .permissions import check_manage_orgs
from .validation import PlanError


def find_organisation(ref: str | int | None) -> Organisation:
    """The organisation a user means: its number, or its name (one only)."""
    text = str(ref or "").strip()
    if not text:
        raise PlanError("请指明组织（编号或名称）")
    if text.isdigit():
        org = Organisation.objects.filter(pk=int(text)).first()
        if org is not None:
            return org
    matches = list(Organisation.objects.filter(name=text))
    if not matches:
        raise PlanError(f"找不到组织“{text}”（luoshi org list 列出全部）")
    if len(matches) > 1:
        names = "；".join(f"{o.pk}：{o.name}（上级 {o.parent.name if o.parent else '无'}）" for o in matches)
        raise PlanError(f"“{text}”对应多个组织，请用编号指明：{names}")
    return matches[0]


def _level(level: str) -> str:
    if level not in OrgLevel.values:
        raise PlanError(f"层级“{level}”无效，应为：{'、'.join(OrgLevel.values)}")
    return level


def levels_below(parent: Organisation | None) -> list[str]:
    """The levels an organisation under ``parent`` may have: every one below the parent's
    (a city's districts, or its towns where it has no districts); any at the top."""
    order = list(OrgLevel.values)
    if parent is None:
        return order
    return order[order.index(parent.level) + 1 :] if parent.level in order else order


def _check_level(level: str, parent: Organisation | None) -> str:
    level = _level(level)
    allowed = levels_below(parent)
    if parent is not None and level not in allowed:
        labels = "、".join(OrgLevel(v).label for v in allowed) or "无（已是最低一级）"
        raise PlanError(
            f"“{parent.name}”是{parent.get_level_display()}，其下级组织不能是{OrgLevel(level).label}"
            f"（可为：{labels}）"
        )
    return level


def _check_name(name: str) -> str:
    name = (name or "").strip()
    if not name:
        raise PlanError("组织名称不能为空")
    if len(name) > 200:
        raise PlanError("组织名称不能超过200字")
    code = limits.control_character(name)
    if code:
        raise PlanError(limits.control_message("组织名称", code))
    return name


@transaction.atomic
def add_organisation(
    actor: Actor, name: str, *, level: str, parent: Organisation | None = None, code: str = ""
) -> Organisation:
    """A new organisation under ``parent`` (None: a top-level one, the system only)."""
    check_manage_orgs(actor, parent)
    name = _check_name(name)
    level = _check_level(level, parent)
    if Organisation.objects.filter(parent=parent, name=name).exists():
        raise PlanError(f"“{parent.name if parent else '顶级'}”下已有组织“{name}”")
    org = Organisation.objects.create(name=name, level=level, parent=parent, code=(code or "").strip()[:12])
    record_change(
        actor,
        "新增组织",
        org,
        {
            "name": [None, org.name],
            "level": [None, org.level],
            "parent": [None, parent.name if parent else None],
        },
        action=AuditAction.CREATE,
    )
    return org


@transaction.atomic
def move_organisation(actor: Actor, org: Organisation, parent: Organisation | None) -> Organisation:
    """Put ``org`` (and everything below it) under ``parent`` (None: the top level)."""
    check_manage_orgs(actor, org)
    check_manage_orgs(actor, parent)
    org = Organisation.objects.select_for_update().get(pk=org.pk)
    if parent is not None and parent.path.startswith(org.path):
        raise PlanError(f"不能把“{org.name}”移到它自己或它的下级“{parent.name}”之下")
    if Organisation.objects.filter(parent=parent, name=org.name).exclude(pk=org.pk).exists():
        raise PlanError(f"“{parent.name if parent else '顶级'}”下已有同名组织“{org.name}”")
    before = org.parent.name if org.parent_id else None
    old_path = org.path
    org.parent = parent
    org.save()
    org.refresh_from_db()
    for below in Organisation.objects.filter(path__startswith=old_path).exclude(pk=org.pk):
        Organisation.objects.filter(pk=below.pk).update(path=org.path + below.path[len(old_path) :])
    record_change(actor, "调整组织上级", org, {"parent": [before, parent.name if parent else None]})
    return org


@transaction.atomic
def assign_user(actor: Actor, username: str, org: Organisation, *, manages_below: bool | None = None):
    """Put a user in an organisation (a user of a unit goes with its unit, so its unit
    must be of that organisation), and grant or take away ``manages_below``."""
    from luoshi.accounts.models import Profile

    check_manage_orgs(actor, org)
    user = get_user_model().objects.filter(username=username).first()
    if user is None:
        raise PlanError(f"没有用户 {username}")
    profile = Profile.objects.select_related("unit", "organisation").filter(user=user).first()
    if profile is None:
        raise PlanError(f"用户 {username} 还没有角色（请先在管理后台为其设置角色）")
    check_manage_orgs(actor, profile.organisation)
    if profile.unit_id and profile.unit.organisation_id != org.pk:
        raise PlanError(f"用户 {username} 属于单位“{profile.unit.name}”，该单位不在“{org.name}”的名录中")
    before = {"organisation": profile.organisation.name, "manages_below": profile.manages_below}
    profile.organisation = org
    if manages_below is not None:
        profile.manages_below = manages_below
    profile.save()
    after = {"organisation": org.name, "manages_below": profile.manages_below}
    changes = {k: [before[k], after[k]] for k in before if before[k] != after[k]}
    if changes:
        record_change(actor, "调整用户所属组织", profile, changes)
    return profile


@dataclass(frozen=True)
class FirstAdmin:
    """The first administrator of a new organisation: its coordinator."""

    username: str
    password: str
    full_name: str = ""


def _check_admin(admin: FirstAdmin, org_name: str):
    """The user to be, unsaved, once its name is free and its password passes the rules."""
    from django.contrib.auth import password_validation
    from django.core.exceptions import ValidationError

    User = get_user_model()
    username = (admin.username or "").strip()
    if not username:
        raise PlanError("请填写管理员的用户名")
    full_name = (admin.full_name or "").strip()
    user = User(username=username, first_name=full_name[:150])
    try:
        User._meta.get_field("username").run_validators(username)
    except ValidationError as exc:
        raise PlanError(f"管理员用户名“{username}”无效：只能用字母、数字和 @ . + - _，最多150个字符") from exc
    if User.objects.filter(username=username).exists():
        raise PlanError(f"用户名“{username}”已被使用，请换一个")
    try:
        password_validation.validate_password(admin.password or "", user)
    except ValidationError as exc:
        raise PlanError(f"“{org_name}”管理员的密码不合要求：" + "；".join(exc.messages)) from None
    user.set_password(admin.password)
    return user


@transaction.atomic
def add_lower_organisation(
    actor: Actor, parent: Organisation, name: str, *, level: str, admin: FirstAdmin, code: str = ""
) -> tuple[Organisation, object]:
    """A lower organisation (a city's district, a district's town) and its first
    administrator: a coordinator of it, granted ``manages_below`` unless it is a town
    (nothing below it), who must change the password at the first sign-in. Both or nothing."""
    from luoshi.accounts.models import Profile

    check_manage_orgs(actor, parent)
    name = _check_name(name)
    _check_level(level, parent)
    if Organisation.objects.filter(parent=parent, name=name).exists():
        raise PlanError(f"“{parent.name}”下已有组织“{name}”")
    user = _check_admin(admin, name)
    org = add_organisation(actor, name, level=level, parent=parent, code=code)
    user.save()
    profile = Profile.objects.create(
        user=user,
        role=Role.COORDINATOR,
        organisation=org,
        manages_below=org.level != OrgLevel.TOWN,
        must_change_password=True,  # its password was chosen by whoever made the account
    )
    record_change(
        actor,
        "新增组织管理员",
        profile,
        {
            "username": [None, user.username],
            "role": [None, Role.COORDINATOR.label],
            "organisation": [None, org.name],
            "manages_below": [None, profile.manages_below],
            "must_change_password": [None, True],
        },
        action=AuditAction.CREATE,
    )
    return org, user


@transaction.atomic
def rename_organisation(actor: Actor, org: Organisation, name: str) -> Organisation:
    """Rename an organisation below the actor's own (its parent one the actor keeps)."""
    if org.parent_id is None:
        check_manage_orgs(actor, None)  # a top-level one: the system only
    else:
        check_manage_orgs(actor, org.parent)
    if org.pk == actor.org_id and not actor.is_system:
        raise PlanError("不能在这里修改本组织的名称（请联系上级组织）")
    org = Organisation.objects.select_for_update().get(pk=org.pk)
    name = _check_name(name)
    if name == org.name:
        return org
    if Organisation.objects.filter(parent_id=org.parent_id, name=name).exclude(pk=org.pk).exists():
        where = org.parent.name if org.parent_id else "顶级"
        raise PlanError(f"“{where}”下已有组织“{name}”")
    before = org.name
    org.name = name
    org.save(update_fields=["name", "updated_at"])
    record_change(actor, "组织改名", org, {"name": [before, name]})
    return org


def listed(orgs):
    """Organisations as the 下级组织 page and /api/v1/orgs list them: with their parent,
    their numbers of users, units and plans, and ``admin_profiles`` (their 综合协调组办公室
    users), in four queries whatever their number."""
    from django.db.models import Count, Prefetch

    from luoshi.accounts.models import Profile

    admins = Profile.objects.filter(role=Role.COORDINATOR).select_related("user").order_by("user__username")
    return (
        orgs.select_related("parent")
        .annotate(
            users_count=Count("profiles", distinct=True),
            units_count=Count("units", distinct=True),
            plans_count=Count("plans", distinct=True),
        )
        .prefetch_related(Prefetch("profiles", queryset=admins, to_attr="admin_profiles"))
    )
