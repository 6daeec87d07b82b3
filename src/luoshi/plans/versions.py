"""Which plan versions are current: the newest version of every plan series."""

from .lookups import latest_plans
from .models import Plan


def plan_choices(request=None) -> list[Plan]:
    """The newest version of every plan series, the most recently imported first (kept
    on the request when given)."""
    cached = getattr(request, "_luoshi_plans", None)
    if cached is not None:
        return cached
    choices = sorted(latest_plans(), key=lambda p: (p.created_at, p.pk), reverse=True)
    if request is not None:
        request._luoshi_plans = choices
    return choices
