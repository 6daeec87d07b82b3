"""What every page's frame needs: who is signed in, the navigation for the role, today."""

from functools import cache, partial

from django.conf import settings
from django.db.models import Count
from django.urls import get_script_prefix, get_urlconf, reverse
from django.utils.translation import get_language

from luoshi.accounts.choices import Role
from luoshi.accounts.permissions import Actor, actor_for, can_manage_security, organisation_of, unit_of
from luoshi.core import clock
from luoshi.core.compiled import Compiled
from luoshi.plans.permissions import can_import_plan, can_manage_below
from luoshi.reporting.permissions import can_fill, can_review


def _reads_bulletins(actor: Actor) -> bool:
    from luoshi.bulletins.permissions import can_read_bulletins

    return can_read_bulletins(actor)


NAV = [
    # (url name, label, the predicate of who sees it; None: every role)
    ("web:workspace", "工作台", None),
    ("web:fill", "填报", can_fill),
    ("web:review", "审核", can_review),
    ("web:tasks", "任务清单", None),
    ("web:board", "挂图作战", None),
    ("web:gantt", "施工图", None),
    ("web:supervision", "督办", None),
    ("web:projects", "重大项目", None),
    ("web:bulletins", "通报", _reads_bulletins),
    ("web:import", "方案导入", can_import_plan),
    ("web:orgs", "下级组织", can_manage_below),
    ("web:security", "账号安全", can_manage_security),
]


class _Reversed(dict):
    """URL name → its address, each reversed on first use."""

    def __missing__(self, name: str) -> str:
        url = self[name] = reverse(name)
        return url


_REVERSED: dict[tuple, _Reversed] = {}


def fixed_urls() -> _Reversed:
    """The addresses of the URL names that take no arguments (the navigation's, the top
    bar's), reversed once per process for each URL conf, script prefix and language, the
    three things ``reverse`` reads; a reverse costs about 50 µs and every page asked for
    some fifteen."""
    key = (get_urlconf() or settings.ROOT_URLCONF, get_script_prefix(), get_language())
    urls = _REVERSED.get(key)
    if urls is None:
        urls = _REVERSED.setdefault(key, _Reversed())
    return urls


def nav_for(actor: Actor, path: str, urls: _Reversed | None = None) -> list[dict]:
    from .features import enabled

    urls = fixed_urls() if urls is None else urls
    items = []
    for name, label, may_see in NAV:
        if not enabled(name):
            continue
        if may_see is not None and not may_see(actor):
            continue
        url = urls[name]
        active = path == url if url == "/" else path.startswith(url)
        items.append({"url": url, "label": label, "active": active})
    return items


def _unread_of(user_id):
    from luoshi.reporting.models import Message

    # one row (the count) when there are unread messages, none when there are none
    return (
        Message.objects.filter(user_id=user_id, read_at=None)
        .order_by()
        .values("user_id")
        .annotate(unread=Count("*"))
        .values_list("unread", flat=True)
    )


_UNREAD = Compiled(_unread_of)  # every page of a signed-in user counts them: built once per process


def unread_count(user) -> int:
    """The user's unread messages (the top bar's badge)."""
    return _UNREAD.first(user_id=user.pk) or 0


def luoshi_context(request) -> dict:
    urls = fixed_urls()
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"today": clock.today(), "fixed_urls": urls}
    actor = actor_for(user)
    unit, org = unit_of(actor), organisation_of(actor)  # read with the user: no query
    return {
        "actor": actor,
        "role_label": Role(actor.role).label if actor.role else "未分配角色",
        "unit_name": unit.name if unit else "",
        "org_name": org.name if org else "",
        "nav": nav_for(actor, request.path, urls),
        "today": clock.today(),
        # counted when the page shows it (an htmx part, without the top bar, counts nothing)
        "unread_count": cache(partial(unread_count, user)),
        "fixed_urls": urls,
    }
