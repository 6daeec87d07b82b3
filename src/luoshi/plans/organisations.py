"""Writes of the organisation tree (省 → 市 → 县区 → 乡镇): add an organisation below
another, move one (with everything below it) under another parent, and put a user in an
organisation. Each write checks ``permissions.check_manage_orgs`` and is audited; the
command line (``luoshi org``) acts as the system."""

from django.contrib.auth import get_user_model
from django.db import transaction

from luoshi.accounts.permissions import Actor
from luoshi.audit.choices import AuditAction
from luoshi.audit.services import record_change

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


@transaction.atomic
def add_organisation(
    actor: Actor, name: str, *, level: str, parent: Organisation | None = None, code: str = ""
) -> Organisation:
    """A new organisation under ``parent`` (None: a top-level one, the system only)."""
    check_manage_orgs(actor, parent)
    name = (name or "").strip()
    if not name:
        raise PlanError("组织名称不能为空")
    if len(name) > 200:
        raise PlanError("组织名称不能超过200字")
    if Organisation.objects.filter(parent=parent, name=name).exists():
        raise PlanError(f"“{parent.name if parent else '顶级'}”下已有组织“{name}”")
    org = Organisation.objects.create(name=name, level=_level(level), parent=parent, code=(code or "")[:12])
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
