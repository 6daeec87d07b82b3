"""Optimistic concurrency for the API's writes: ETag out, If-Match in.

Every object an endpoint can change is sent with an ``ETag`` header: a digest of the
object as the API shows it, so it changes whenever anything the client sees changes
(a field, a state, an attached file, a unit merged away) — whatever wrote it. A write
may carry ``If-Match: <that ETag>``; if the object changed since, the answer is
``412 {"error": "…"}`` and nothing is written.

A write without If-Match is accepted, as the pages accept a form without a version:
the check is for clients that want it (decided for issue 15; docs/api.md says so).
``If-Match: *`` matches any version.

Usage in a write endpoint::

    with matching(request, Report, report_id, load=lambda: get_report_for(act, report_id), present=report_json):
        services.submit_report(act, report)   # inside the same transaction

``matching`` locks the row (``SELECT … FOR UPDATE`` on PostgreSQL) before comparing, so
two clients holding the same ETag cannot both write: the second waits, then gets 412.
"""

import hashlib
import json
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any, TypeVar

from django.db import models, transaction
from django.http import HttpRequest, HttpResponse

__all__ = ["PreconditionFailed", "etag_of", "if_match_doc", "matching", "require_match", "tagged"]

T = TypeVar("T")

STALE = "对象已被修改（If-Match 与当前版本不符），请重新读取后再提交"


class PreconditionFailed(Exception):
    """If-Match named a version that is no longer current (HTTP 412)."""

    def __init__(self, message: str = STALE):
        super().__init__(message)


def etag_of(data: Any) -> str:
    """The ETag of an object's representation (a strong, quoted tag)."""
    raw = json.dumps(data, sort_keys=True, default=str, ensure_ascii=False, separators=(",", ":"))
    return '"' + hashlib.sha256(raw.encode()).hexdigest()[:24] + '"'


def tagged(response: HttpResponse, data: T) -> T:
    """Put ``data``'s ETag on the response ninja will send (the view's ``response``
    parameter) and hand ``data`` back to be returned."""
    response["ETag"] = etag_of(data)
    return data


def _tags(header: str) -> list[str]:
    tags = []
    for part in header.split(","):
        tag = part.strip()
        if tag.startswith("W/"):
            tag = tag[2:]
        if tag and not tag.startswith('"'):
            tag = f'"{tag}"'
        if tag:
            tags.append(tag)
    return tags


def require_match(request: HttpRequest, current: Any) -> None:
    """Raise PreconditionFailed when the request's If-Match names another version than
    ``current`` (the object's representation now). No If-Match: nothing to check."""
    header = request.headers.get("If-Match")
    if header is None:
        return
    if header.strip() == "*":
        return
    if etag_of(current) not in _tags(header):
        raise PreconditionFailed()


@contextmanager
def matching(
    request: HttpRequest,
    model: type[models.Model],
    pk: Any,
    *,
    load: Callable[[], T],
    present: Callable[[T], Any],
) -> Iterator[T]:
    """A transaction in which ``model``'s row ``pk`` is locked, the object loaded through
    ``load`` (the domain's accessor: its 404/403 stand) and checked against If-Match.
    The body's writes share the transaction: a 412 or any error leaves nothing written."""
    with transaction.atomic():
        list(model._base_manager.select_for_update().filter(pk=pk).values_list("pk", flat=True))
        obj = load()
        require_match(request, present(obj))
        yield obj


def if_match_doc() -> dict:
    """The If-Match header as the OpenAPI schema of a write endpoint names it
    (``openapi_extra=if_match_doc()``)."""
    return {
        "parameters": [
            {
                "in": "header",
                "name": "If-Match",
                "required": False,
                "schema": {"type": "string"},
                "description": "读取时得到的 ETag；对象已被修改则回答 412，不做任何更改。不带则照常执行。",
            }
        ]
    }
