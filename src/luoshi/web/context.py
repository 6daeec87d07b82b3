"""What every page's frame needs: who is signed in, the navigation for the role, today."""

from django.urls import reverse

from luoshi.accounts.choices import Role
from luoshi.accounts.permissions import actor_for
from luoshi.core import clock

NAV = [
    # (url name, label, roles that see it; None: every role)
    ("web:workspace", "工作台", None),
    ("web:fill", "填报", (Role.REPORTER, Role.HEAD)),
    ("web:review", "审核", (Role.HEAD, Role.OFFICE, Role.COORDINATOR)),
    ("web:tasks", "任务清单", None),
    ("web:board", "挂图作战", None),
    ("web:gantt", "施工图", None),
    ("web:supervision", "督办", None),
    ("web:projects", "重大项目", None),
    ("web:bulletins", "通报", (Role.COORDINATOR, Role.OFFICE, Role.LEADER)),
    ("web:import", "方案导入", (Role.COORDINATOR,)),
]


def nav_for(role: str | None, path: str) -> list[dict]:
    from .features import enabled

    items = []
    for name, label, roles in NAV:
        if roles is not None and role not in roles:
            continue
        if not enabled(name):
            continue
        url = reverse(name)
        active = path == url if url == "/" else path.startswith(url)
        items.append({"url": url, "label": label, "active": active})
    return items


def luoshi_context(request) -> dict:
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"today": clock.today()}
    actor = actor_for(user)
    from luoshi.plans.models import Unit
    from luoshi.reporting.models import Message

    unit = (
        Unit.objects.filter(pk=actor.unit_id).values_list("name", flat=True).first() if actor.unit_id else ""
    )
    return {
        "actor": actor,
        "role_label": Role(actor.role).label if actor.role else "未分配角色",
        "unit_name": unit or "",
        "nav": nav_for(actor.role, request.path),
        "today": clock.today(),
        "unread_count": Message.objects.filter(user=user, read_at=None).count(),
    }
