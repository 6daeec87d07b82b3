"""Which plan a page shows: the newest version of the chosen plan series."""

from luoshi.plans.models import Plan
from luoshi.plans.versions import plan_choices

SESSION_KEY = "luoshi_plan"


def current_plan(request) -> Plan | None:
    """The plan named by ``?plan=`` (remembered for the session), else the last chosen,
    else the newest imported; always the newest version of its series."""
    choices = plan_choices(request)
    if not choices:
        return None
    wanted = request.GET.get("plan") or request.session.get(SESSION_KEY)
    chosen = None
    if wanted and str(wanted).isdigit():
        plan = Plan.objects.filter(pk=int(wanted)).only("series", "organisation_id").first()
        if plan is not None:  # only among the plans the user reads
            chosen = next(
                (p for p in choices if (p.organisation_id, p.series) == (plan.organisation_id, plan.series)),
                None,
            )
    chosen = chosen or choices[0]
    if request.GET.get("plan") and request.session.get(SESSION_KEY) != chosen.pk:
        request.session[SESSION_KEY] = chosen.pk
    return chosen
