"""Which plan a page shows: the newest version of the chosen plan series."""

from luoshi.plans.models import Plan
from luoshi.plans.services import latest_plans

SESSION_KEY = "luoshi_plan"


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


def current_plan(request) -> Plan | None:
    """The plan named by ``?plan=`` (remembered for the session), else the last chosen,
    else the newest imported; always the newest version of its series."""
    choices = plan_choices(request)
    if not choices:
        return None
    wanted = request.GET.get("plan") or request.session.get(SESSION_KEY)
    chosen = None
    if wanted and str(wanted).isdigit():
        plan = Plan.objects.filter(pk=int(wanted)).only("series").first()
        if plan is not None:
            chosen = next((p for p in choices if p.series == plan.series), None)
    chosen = chosen or choices[0]
    if request.GET.get("plan") and request.session.get(SESSION_KEY) != chosen.pk:
        request.session[SESSION_KEY] = chosen.pk
    return chosen
