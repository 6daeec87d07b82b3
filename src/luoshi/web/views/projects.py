"""重大项目: the projects a user may see with their figures and the 四比四提高 rates as of
today, and the ledger workbook. The projects domain computes; this page presents."""

from django.contrib.auth.decorators import login_required
from django.shortcuts import render

from luoshi.core import clock
from luoshi.projects import figures
from luoshi.projects.figures import figures_as_of, project_rates
from luoshi.projects.permissions import visible_projects

from .common import actor_of, attachment

RATES = [
    ("funding_rate", "争资占比率", "争取资金 ÷ 申报资金"),
    ("start_rate", "项目开工率", "已开工 ÷ 计划已开工"),
    ("payment_rate", "资金支付率", "支付资金 ÷ 到位资金"),
    ("completion_rate", "实物完成率", "年度完成投资 ÷ 年度计划投资"),
]


@login_required
def project_list(request):
    actor = actor_of(request)
    today = clock.today()
    projects = list(visible_projects(actor).order_by("code"))
    figures = {f.project_id: f for f in figures_as_of(visible_projects(actor), today)} if projects else {}
    overall = project_rates(actor, today)
    by_unit = project_rates(actor, today, "unit")
    return render(
        request,
        "web/projects.html",
        {
            "projects": [(p, figures.get(p.pk)) for p in projects],
            "overall": overall,
            "rates": [(label, formula, getattr(overall, key)) for key, label, formula in RATES],
            "by_unit": [
                (name, [getattr(r, key) for key, _, _ in RATES], r.projects) for name, r in by_unit.items()
            ],
            "labels": [label for _, label, _ in RATES],
            "today": today,
        },
    )


@login_required
def project_ledger(request):
    """The ledger workbook: a POST (the page's button) queues it as a job, a GET answers
    with the file."""
    actor = actor_of(request)
    if request.method == "POST":
        from django.shortcuts import redirect

        from luoshi.jobs.services import queue_project_ledger

        return redirect("web:job", pk=queue_project_ledger(actor).pk)
    today = clock.today()
    return attachment(figures.project_ledger_xlsx(actor, today), figures.project_ledger_name(today))
