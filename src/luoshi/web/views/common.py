"""Small helpers shared by the page views."""

from django.http import HttpResponse
from django.shortcuts import render
from django.utils.encoding import escape_uri_path

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


CONTENT_TYPES = {
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}


def attachment_headers(name: str) -> dict[str, str]:
    """The headers of a file to save under ``name``: its type by its extension, and the
    name (Chinese kept, RFC 5987)."""
    kind = name.rsplit(".", 1)[-1]
    return {
        "Content-Type": CONTENT_TYPES.get(kind, "application/octet-stream"),
        "Content-Disposition": f"attachment; filename*=UTF-8''{escape_uri_path(name)}",
    }


def attachment(data: bytes, name: str) -> HttpResponse:
    """A file to save under ``name`` (``attachment_headers``)."""
    headers = attachment_headers(name)
    response = HttpResponse(data, content_type=headers.pop("Content-Type"))
    for header, value in headers.items():
        response[header] = value
    return response
