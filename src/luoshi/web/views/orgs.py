"""下级组织: a coordinator granted ``manages_below`` (or a system administrator) creates
the organisations below its own — a city its districts, a district its towns — each with
its first administrator, and lists and renames them (plans.organisations)."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import redirect
from django.views.decorators.http import require_POST

from luoshi.plans.choices import OrgLevel
from luoshi.plans.organisations import FirstAdmin, add_lower_organisation, listed, rename_organisation
from luoshi.plans.permissions import check_manage_below, lower_orgs, managed_orgs
from luoshi.plans.validation import PlanError

from ..forms import LowerOrgForm, OrgRenameForm
from .common import actor_of, render_page


def _keeper(request):
    actor = actor_of(request)
    check_manage_below(actor)
    return actor


def _rows(actor):
    return [
        (o, [p.user.username for p in o.admin_profiles]) for o in listed(lower_orgs(actor)).order_by("path")
    ]


def _form(actor, data=None):
    parents = list(managed_orgs(actor).exclude(level=OrgLevel.TOWN).order_by("path"))
    levels = [(v, label) for v, label in OrgLevel.choices if v != OrgLevel.PROVINCE]
    initial = {}
    if parents:
        own = next((o for o in parents if o.pk == actor.org_id), parents[0])
        initial["parent"] = own.pk
        below = [v for v, _ in OrgLevel.choices]
        index = below.index(own.level) + 1 if own.level in below else 0
        if index < len(below):
            initial["level"] = below[index]
    return LowerOrgForm(data, parents=parents, levels=levels, initial=initial)


def _page(request, actor, form, status=200):
    return render_page(
        request,
        "web/orgs.html",
        {"form": form, "rows": _rows(actor), "rename_form": OrgRenameForm()},
        status=status,
    )


@login_required
def org_list(request):
    actor = _keeper(request)
    if request.method != "POST":
        return _page(request, actor, _form(actor))
    form = _form(actor, request.POST)
    if not form.is_valid():
        return _page(request, actor, form, status=400)
    data = form.cleaned_data
    parent = managed_orgs(actor).filter(pk=data["parent"]).first()
    if parent is None:
        raise Http404("没有这个上级组织，或无权维护")
    try:
        org, user = add_lower_organisation(
            actor,
            parent,
            data["name"],
            level=data["level"],
            code=data["code"],
            admin=FirstAdmin(data["admin_username"], data["admin_password"], data["admin_name"]),
        )
    except PlanError as exc:
        form.add_error(None, str(exc))
        return _page(request, actor, form, status=400)
    messages.success(
        request,
        f"已新增{org.get_level_display()}“{org.name}”（上级：{parent.name}），管理员 {user.username}"
        "（综合协调组办公室）可以登录了，首次登录须先修改密码。",
    )
    return redirect("web:orgs")


@login_required
@require_POST
def rename(request, pk: int):
    actor = _keeper(request)
    org = lower_orgs(actor).filter(pk=pk).first()
    if org is None:
        raise Http404("没有这个组织，或不在你维护的下级组织中")
    form = OrgRenameForm(request.POST)
    if not form.is_valid():
        messages.error(request, "请填写新名称（不超过200字）")
        return redirect("web:orgs")
    before = org.name
    try:
        rename_organisation(actor, org, form.cleaned_data["name"])
    except PlanError as exc:
        messages.error(request, str(exc))
        return redirect("web:orgs")
    messages.success(request, f"已将“{before}”改名为“{form.cleaned_data['name'].strip()}”。")
    return redirect("web:orgs")
