"""Which plan versions are current: the newest version of every plan series."""

from .lookups import latest_plans
from .models import Plan


def plan_choices(request=None, actor=None) -> list[Plan]:
    """The newest version of every plan series the actor reads (the request's user's when
    a request is given; every plan for the system), the most recently imported first
    (kept on the request when given)."""
    cached = getattr(request, "_luoshi_plans", None)
    if cached is not None:
        return cached
    if actor is None and request is not None:
        from luoshi.accounts.permissions import actor_for

        actor = actor_for(request.user)
    plans = None
    if actor is not None:
        from .permissions import visible_plans

        plans = visible_plans(actor)
    choices = sorted(latest_plans(plans), key=lambda p: (p.created_at, p.pk), reverse=True)
    if request is not None:
        request._luoshi_plans = choices
    return choices
