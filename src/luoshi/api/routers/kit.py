"""What the supervision, projects, bulletins and audit routers share: bounded path and
text parameters, the Chinese error bodies of their domains' errors, file responses."""

import binascii
import contextlib
import json
from base64 import urlsafe_b64decode, urlsafe_b64encode
from typing import Annotated

from django.core.exceptions import ObjectDoesNotExist, ValidationError
from django.db import transaction
from django.db.models import Q
from django.http import Http404, HttpResponse
from django.utils.encoding import escape_uri_path
from ninja import Schema
from pydantic import Field, StringConstraints

from luoshi.bulletins.lookups import BulletinError
from luoshi.core.sheets import SheetError
from luoshi.projects.services import ProjectError
from luoshi.supervision.services import SupervisionError

from ..schemas import ErrorOut

# a database id: positive and within the column (a bigger number is simply not found)
Id = Annotated[int, Field(ge=1, le=2_147_483_647)]
# text from a client: no NUL (PostgreSQL refuses it), bounded
Text = Annotated[str, StringConstraints(pattern=r"^[^\x00]*$", max_length=20_000)]
Name = Annotated[str, StringConstraints(pattern=r"^[^\x00]*$", max_length=300)]

ERRORS = {400: ErrorOut, 403: ErrorOut, 404: ErrorOut}
READ_ERRORS = {403: ErrorOut, 404: ErrorOut}

DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
OCTET = "application/octet-stream"


def download(content: bytes, name: str, content_type: str) -> HttpResponse:
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = f"attachment; filename*=UTF-8''{escape_uri_path(name)}"
    return response


def file_response(description: str, content_type: str) -> dict:
    """The OpenAPI description of a 200 that is a file of ``content_type``."""
    return {
        "responses": {
            200: {
                "description": description,
                "content": {content_type: {"schema": {"type": "string", "format": "binary"}}},
            }
        }
    }


class PreconditionFailed(Exception):
    """If-Match named another version than the current one."""


class DomainInputError(ValueError):
    """A request refused for bad input outside any domain (a cursor not ours)."""

    def __init__(self, message: str, field: str | None = None):
        super().__init__(message)
        self.field = field


DOMAIN_ERRORS = (SupervisionError, ProjectError, BulletinError, SheetError, DomainInputError)


def register_errors(api) -> None:
    """The domains' input errors are 400 with their Chinese message; a row that vanished
    between check and write is 404."""

    def bad_input(request, exc):
        return api.create_response(request, {"error": str(exc)}, status=400)

    def vanished(request, exc):
        return api.create_response(request, {"error": "找不到对象，或无权查看"}, status=404)

    def stale(request, exc):
        return api.create_response(request, {"error": str(exc)}, status=412)

    api.add_exception_handler(PreconditionFailed, stale)
    for kind in DOMAIN_ERRORS:
        api.add_exception_handler(kind, bad_input)
    api.add_exception_handler(ObjectDoesNotExist, vanished)


# ---------------------------------------------------------------- cursor pages


class PageIn(Schema):
    cursor: str | None = Field(None, max_length=2000, description="上一页响应中的 next")
    limit: int = Field(50, ge=1, le=500, description="每页条数（1–500）")


def _position(obj, fields: tuple[str, ...]) -> list:
    values = []
    for name in fields:
        value = getattr(obj, name.lstrip("-"))
        values.append(value.isoformat() if hasattr(value, "isoformat") else value)
    return values


def _after(fields: tuple[str, ...], values: list) -> Q:
    """Rows strictly after ``values`` in the order ``fields`` (keyset, ties broken by the
    later fields)."""
    condition = Q(pk__in=[])
    for i, name in enumerate(fields):
        step = Q(**{f"{name.lstrip('-')}__{'lt' if name.startswith('-') else 'gt'}": values[i]})
        for earlier, value in zip(fields[:i], values[:i], strict=True):
            step &= Q(**{earlier.lstrip("-"): value})
        condition |= step
    return condition


def page(queryset, paging: PageIn, ordering: tuple[str, ...], render) -> dict:
    """One page of ``queryset`` in ``ordering`` (whose last field is unique, e.g. ``pk``),
    walked by an opaque cursor: no row twice, none left out while rows are added."""
    queryset = queryset.order_by(*ordering)
    if paging.cursor:
        try:
            values = json.loads(urlsafe_b64decode(paging.cursor.encode()).decode())
            if not isinstance(values, list) or len(values) != len(ordering):
                raise ValueError
            queryset = queryset.filter(_after(ordering, values))
        except (ValueError, TypeError, binascii.Error, ValidationError):
            raise DomainInputError("cursor 无效：请使用上一页响应中的 next 原样传回", "cursor") from None
    rows = list(queryset[: paging.limit + 1])
    more = len(rows) > paging.limit
    rows = rows[: paging.limit]
    cursor = None
    if more:
        cursor = urlsafe_b64encode(json.dumps(_position(rows[-1], ordering), default=str).encode()).decode()
    return {"items": [render(row) for row in rows], "next": cursor}


# ---------------------------------------------------------------- versions (If-Match)


def etag_of(obj) -> str:
    """The version of a row as an entity tag: its last change, to the microsecond."""
    return '"' + obj.updated_at.isoformat(timespec="microseconds") + '"'


@contextlib.contextmanager
def versioned(request, obj):
    """The write inside runs only if the client's ``If-Match`` (when sent) names the
    current version of ``obj``: the row is locked, compared, and on a mismatch 412 with
    nothing written."""
    wanted = request.headers.get("If-Match")
    with transaction.atomic():
        current = type(obj).objects.select_for_update().filter(pk=obj.pk).first()
        if current is None:
            raise Http404("找不到对象，或无权查看")
        if wanted and wanted.strip() != "*":
            tags = {tag.strip().removeprefix("W/") for tag in wanted.split(",")}
            if etag_of(current) not in tags:
                raise PreconditionFailed(
                    "If-Match：对象已被他人修改（当前版本 " + etag_of(current) + "），请重新读取后再提交"
                )
        yield current
