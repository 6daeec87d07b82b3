"""/api/v1/orgs: the organisations below one's own, as on the 下级组织 page — list them,
create one with its first administrator, rename one (plans.organisations; for a
coordinator granted ``manages_below`` or a system administrator, 403 for anyone else)."""

from django.http import Http404
from ninja import Field, Router, Schema, Status

from luoshi.plans.choices import OrgLevel
from luoshi.plans.organisations import FirstAdmin, add_lower_organisation, listed, rename_organisation
from luoshi.plans.permissions import check_manage_below, lower_orgs, managed_orgs

from ..paging import CursorPage, Listing, paginate
from ..schemas import ERRORS, WRITE_ERRORS, Strict
from .common import actor

router = Router(tags=["下级组织"])


class OrgOut(Schema):
    id: int
    name: str
    level: str
    level_label: str
    parent: int | None
    parent_name: str
    code: str
    admins: list[str] = Field(description="该组织的综合协调组办公室用户")
    users: int
    units: int
    plans: int


class AdminIn(Strict):
    username: str = Field(description="管理员用户名", max_length=150)
    password: str = Field(description="初始密码（按密码规则校验；管理员首次登录须修改）", max_length=128)
    full_name: str = Field("", description="管理员姓名", max_length=150)


class OrgIn(Strict):
    parent: int = Field(description="上级组织编号（本组织或其下级）")
    name: str = Field(description="组织名称", max_length=200)
    level: OrgLevel = Field(description="层级，须低于上级组织")
    code: str = Field("", description="行政区划代码", max_length=12)
    admin: AdminIn = Field(description="第一位管理员（该组织的综合协调组办公室）")


class OrgRenameIn(Strict):
    name: str = Field(description="新名称", max_length=200)


def _keeper(request):
    act = actor(request)
    check_manage_below(act)
    return act


def _orgs(act):
    return listed(lower_orgs(act))


def _json(org) -> dict:
    return {
        "id": org.pk,
        "name": org.name,
        "level": org.level,
        "level_label": org.get_level_display(),
        "parent": org.parent_id,
        "parent_name": org.parent.name if org.parent_id else "",
        "code": org.code,
        "admins": [p.user.username for p in org.admin_profiles],
        "users": org.users_count,
        "units": org.units_count,
        "plans": org.plans_count,
    }


def _one(act, org_id: int):
    org = _orgs(act).filter(pk=org_id).first()
    if org is None:
        raise Http404("没有这个组织，或不在你维护的下级组织中")
    return org


@router.get("", response={200: list[OrgOut], **ERRORS}, summary="本级以下的组织（分页）")
@paginate(CursorPage)
def list_orgs(request):
    return Listing(_orgs(_keeper(request)), ("path",), _json)


@router.post("", response={201: OrgOut, **WRITE_ERRORS}, summary="新增下级组织及其第一位管理员")
def create_org(request, payload: OrgIn):
    act = _keeper(request)
    parent = managed_orgs(act).filter(pk=payload.parent).first()
    if parent is None:
        raise Http404("没有这个上级组织，或无权维护")
    admin = payload.admin
    org, _user = add_lower_organisation(
        act,
        parent,
        payload.name,
        level=payload.level,
        code=payload.code,
        admin=FirstAdmin(admin.username, admin.password, admin.full_name),
    )
    return Status(201, _json(_one(act, org.pk)))


@router.patch("/{org_id}", response={200: OrgOut, **WRITE_ERRORS}, summary="下级组织改名")
def rename_org(request, org_id: int, payload: OrgRenameIn):
    act = _keeper(request)
    rename_organisation(act, _one(act, org_id), payload.name)
    return _json(_one(act, org_id))
