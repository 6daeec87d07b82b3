"""Small helpers shared by the page views."""

from django.shortcuts import render

from luoshi.accounts.permissions import Actor, actor_for


def actor_of(request) -> Actor:
    return actor_for(request.user)


def render_page(request, template: str, context: dict, *, partial: str | None = None, status: int = 200):
    """The full page, or for an htmx request the partial template when one is given."""
    if partial and getattr(request, "htmx", False):
        return render(request, partial, context, status=status)
    return render(request, template, context, status=status)


def int_or_none(value) -> int | None:
    try:
        return int(value)
    except (TypeError, ValueError):
        return None


def safe_next(request, default: str) -> str:
    """The ``next`` address posted with a form when it stays on this site, else ``default``."""
    from django.utils.http import url_has_allowed_host_and_scheme

    target = request.POST.get("next") or request.GET.get("next") or ""
    if target and url_has_allowed_host_and_scheme(target, {request.get_host()}, request.is_secure()):
        return target
    return default
