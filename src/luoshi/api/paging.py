"""Cursor pagination for every list of the API.

An endpoint decorated with ``@paginate(CursorPage)`` returns a :class:`Listing` (or an
ordered QuerySet); the client gets ``{"items": […], "count": N, "next_cursor": "…"}``
and asks for the next page with ``?cursor=<next_cursor>``. The cursor is opaque: it
holds the sort key of the last row sent (keyset pagination), so a walk through a list
neither repeats nor skips a row even if rows are added or removed between two pages.

ninja's own ``CursorPagination`` positions on one model attribute plus an offset and
pages only QuerySets of model instances; our lists are also computed (the status
engine's task rows) and presented through the same functions as the detail endpoints,
hence this small paginator.

The ordering must be total: a QuerySet's fields get ``pk`` appended, and a list's key
function must end with something unique (an id). Key values must not be NULL.
"""

import base64
import binascii
import datetime as dt
import decimal
import hashlib
import json
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import ValidationError
from django.db.models import Q, QuerySet
from ninja import Field, Schema
from ninja.errors import HttpError
from ninja.pagination import PaginationBase, paginate

__all__ = ["CursorPage", "Listing", "paginate"]

DEFAULT_LIMIT = 50
MAX_LIMIT = 500
BAD_CURSOR = "翻页游标（cursor）无效：请去掉 cursor 从第一页重新开始"


def _identity(item: Any) -> Any:
    return item


@dataclass
class Listing:
    """What a paginated endpoint returns.

    ``rows``: a QuerySet, or a sequence already computed.
    ``order``: for a QuerySet, the field names to sort by (``-name`` for descending;
    ``pk`` is added last); for a sequence, a function giving each row's sort key
    (a tuple of ints and strings, unique per row).
    ``present``: turns one row into what the response schema describes; called only
    for the rows of the page sent.
    """

    rows: QuerySet | Sequence[Any]
    order: tuple[str, ...] | Callable[[Any], tuple]
    present: Callable[[Any], Any] = _identity


def _plain(value: Any) -> Any:
    """A key value as JSON keeps it (and as it compares: ISO dates sort as dates)."""
    if isinstance(value, dt.datetime | dt.date):
        return value.isoformat()
    if isinstance(value, decimal.Decimal):
        return str(value)
    if value is None:
        raise ValueError("翻页排序键不能为空值")
    return value


def _fingerprint(order: Any) -> str:
    name = ",".join(order) if isinstance(order, tuple) else getattr(order, "__qualname__", repr(order))
    return hashlib.sha256(name.encode()).hexdigest()[:8]


def encode_cursor(order: Any, key: Sequence[Any]) -> str:
    raw = json.dumps({"o": _fingerprint(order), "k": list(key)}, ensure_ascii=False, separators=(",", ":"))
    return base64.urlsafe_b64encode(raw.encode()).decode().rstrip("=")


def decode_cursor(order: Any, cursor: str) -> list[Any]:
    try:
        raw = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4))
        data = json.loads(raw.decode())
        key = data["k"]
        fits = data["o"] == _fingerprint(order) and isinstance(key, list)
    except (ValueError, KeyError, TypeError, binascii.Error, UnicodeDecodeError):
        fits = False
    if not fits or not all(isinstance(v, int | str | float) and not isinstance(v, bool) for v in key):
        raise HttpError(400, BAD_CURSOR)
    return key


def _attr(obj: Any, path: str) -> Any:
    for part in path.split("__"):
        obj = getattr(obj, part)
    return obj


def _after(fields: tuple[str, ...], key: list[Any]) -> Q:
    """Rows sorting after ``key`` in the order of ``fields`` (lexicographic keyset)."""
    if len(key) != len(fields):
        raise HttpError(400, BAD_CURSOR)
    condition = Q(pk__in=[])
    equal = Q()
    for field, value in zip(fields, key, strict=True):
        name = field.lstrip("-")
        lookup = "lt" if field.startswith("-") else "gt"
        condition |= equal & Q(**{f"{name}__{lookup}": value})
        equal &= Q(**{name: value})
    return condition


class CursorPage(PaginationBase):
    """``?cursor=&limit=`` in, ``{"items", "count", "next_cursor"}`` out."""

    class Input(Schema):
        cursor: str | None = Field(None, description="上一页返回的 next_cursor；不填为第一页")
        limit: int = Field(DEFAULT_LIMIT, ge=1, le=MAX_LIMIT, description=f"每页条数（1–{MAX_LIMIT}）")

    class Output(Schema):
        items: list[Any]
        count: int = Field(description="符合筛选条件的总条数")
        next_cursor: str | None = Field(description="下一页的游标；为 null 表示已是最后一页")

    items_attribute = "items"

    def paginate_queryset(self, queryset: Any, pagination: Any, request: Any, **params: Any) -> Any:
        listing = queryset if isinstance(queryset, Listing) else _listing_of(queryset)
        if isinstance(listing.rows, QuerySet):
            rows, count, next_key = _page_of_queryset(listing, pagination)
        else:
            rows, count, next_key = _page_of_sequence(listing, pagination)
        return {
            "items": [listing.present(row) for row in rows],
            "count": count,
            "next_cursor": None if next_key is None else encode_cursor(listing.order, next_key),
        }


def _listing_of(rows: Any) -> Listing:
    if isinstance(rows, QuerySet):
        order = tuple(str(f) for f in rows.query.order_by) or ("pk",)
        return Listing(rows, order)
    raise TypeError("分页的接口应返回 Listing 或已排序的 QuerySet")


def _page_of_queryset(listing: Listing, pagination: Any) -> tuple[list[Any], int, list[Any] | None]:
    assert isinstance(listing.order, tuple)
    fields = listing.order if listing.order[-1] in ("pk", "-pk") else (*listing.order, "pk")
    rows: QuerySet = listing.rows  # type: ignore[assignment]
    count = rows.count()
    rows = rows.order_by(*fields)
    if pagination.cursor:
        try:
            rows = rows.filter(_after(fields, decode_cursor(listing.order, pagination.cursor)))
        except (ValueError, TypeError, ValidationError):
            raise HttpError(400, BAD_CURSOR) from None
    page = list(rows[: pagination.limit + 1])
    if len(page) <= pagination.limit:
        return page, count, None
    page = page[: pagination.limit]
    return page, count, [_plain(_attr(page[-1], f.lstrip("-"))) for f in fields]


def _page_of_sequence(listing: Listing, pagination: Any) -> tuple[list[Any], int, list[Any] | None]:
    order = listing.order
    assert callable(order)

    def key(row: Any) -> tuple:
        return tuple(_plain(v) for v in order(row))

    keyed = sorted(((key(row), row) for row in listing.rows), key=lambda pair: pair[0])
    count = len(keyed)
    if pagination.cursor:
        after = tuple(decode_cursor(order, pagination.cursor))
        try:
            keyed = [pair for pair in keyed if pair[0] > after]
        except TypeError:
            raise HttpError(400, BAD_CURSOR) from None
    page = keyed[: pagination.limit + 1]
    if len(page) <= pagination.limit:
        return [row for _, row in page], count, None
    page = page[: pagination.limit]
    return [row for _, row in page], count, list(page[-1][0])
