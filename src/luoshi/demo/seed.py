"""The demo: the shipped seed plan, demo users for every role, and (once reporting exists)
past reports. Running it twice leaves one copy of everything."""

from dataclasses import dataclass
from pathlib import Path

from django.contrib.auth import get_user_model
from django.db import transaction

from luoshi.accounts.choices import Role
from luoshi.accounts.models import Profile
from luoshi.accounts.permissions import SYSTEM
from luoshi.plans.choices import UnitKind
from luoshi.plans.models import Plan, TaskForce, Unit
from luoshi.plans.services import ImportResult, import_file

DEMO_PLAN = Path(__file__).resolve().parent / "plan" / "xidongting-qidagongjian-2025.txt"
DEMO_SOURCE = "西管办发〔2025〕5号《西洞庭管理区实施“七大攻坚”总体方案》（常德市西洞庭管理区管理委员会办公室，2025年4月27日，政府网站公开发布）"
DEMO_PASSWORD = "Luoshi@2025"
COORDINATOR_UNIT = "区办公室"


@dataclass
class DemoUser:
    username: str
    role: str
    unit: str


def load_demo_plan() -> ImportResult:
    return import_file(SYSTEM, DEMO_PLAN)


def _user(username: str, role: str, unit: Unit | None, full_name: str) -> DemoUser:
    user_model = get_user_model()
    user, _ = user_model.objects.get_or_create(username=username)
    user.first_name = full_name[:150]
    # the coordinator sees the admin (read-only but for the unit registry), never as superuser
    user.is_staff = role == Role.COORDINATOR
    user.is_superuser = False
    user.set_password(DEMO_PASSWORD)
    user.save()
    if role == Role.COORDINATOR:
        user.user_permissions.set(_coordinator_permissions())
    Profile.objects.update_or_create(user=user, defaults={"role": role, "unit": unit})
    return DemoUser(username, Role(role).label, unit.name if unit else "—")


def _coordinator_permissions():
    """View everything of Luoshi in the admin; keep the unit registry (merge, aliases)."""
    from django.contrib.auth.models import Permission

    luoshi = Permission.objects.filter(content_type__app_label__in=LUOSHI_APPS)
    return luoshi.filter(codename__startswith="view_") | luoshi.filter(
        codename__in=["change_unit", "add_unitalias", "change_unitalias", "delete_unitalias"]
    )


LUOSHI_APPS = [
    "plans",
    "reporting",
    "supervision",
    "bulletins",
    "projects",
    "audit",
    "accounts",
    "web",
]
SYSTEM_ADMIN = "admin"


def _system_admin() -> DemoUser:
    """The system administrator: users and settings in the admin, no role in the work
    itself (it sees no reports and takes no step), a superuser for that reason alone."""
    user, _ = get_user_model().objects.get_or_create(username=SYSTEM_ADMIN)
    user.first_name = "系统管理员"
    user.is_staff = user.is_superuser = True
    user.set_password(DEMO_PASSWORD)
    user.save()
    Profile.objects.filter(user=user).delete()
    return DemoUser(SYSTEM_ADMIN, "系统管理员", "—")


@transaction.atomic
def create_demo_users(plan: Plan) -> list[DemoUser]:
    """The system administrator, a coordinator, a leader, one office user per task-force
    office, and a reporter and a head for every unit that leads or cooperates on a task."""
    users = [
        _system_admin(),
        _user(
            "zhb", Role.COORDINATOR, Unit.objects.filter(name=COORDINATOR_UNIT).first(), "综合协调组办公室"
        ),
        _user("lingdao", Role.LEADER, None, "分管区领导"),
    ]
    offices = []
    for force in TaskForce.objects.filter(plan=plan).select_related("office").order_by("part__order"):
        if force.office and force.office not in offices:
            offices.append(force.office)
    for unit in offices:
        users.append(_user(f"zb{unit.pk}", Role.OFFICE, unit, f"{unit.name}专班办公室"))
    units = (
        Unit.objects.filter(task_roles__task__plan=plan)
        .exclude(kind=UnitKind.GROUP)
        .distinct()
        .order_by("order", "name")
    )
    for unit in units:
        users.append(_user(f"tb{unit.pk}", Role.REPORTER, unit, f"{unit.name}填报员"))
        users.append(_user(f"fz{unit.pk}", Role.HEAD, unit, f"{unit.name}负责人"))
    return users
