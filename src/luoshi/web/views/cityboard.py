"""各地挂图: the city board (every organisation below, ranked) and one organisation's
figures, drilling down to its battle map, its campaigns and its tasks. Read-only.

The board's part of the page (everything below the heading: figures, chart data, tables)
is the same for everyone who may see it, so it is rendered once per organisation, date
and data version and kept in this process (``cityboard.board_page``): a view while nothing
moved costs the page frame and two small queries.
"""

import threading
from collections import OrderedDict
from collections.abc import Callable
from functools import lru_cache
from typing import Any

from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.http import urlencode

from luoshi.accounts.permissions import organisation_of
from luoshi.core import clock
from luoshi.plans.models import Organisation
from luoshi.reporting import board as boards
from luoshi.reporting import cityboard
from luoshi.reporting.permissions import can_see_city_board

from .. import charts
from .common import actor_of, render_page


@lru_cache(maxsize=4096)
def board_url(plan_id: int, campaign: str | None = None) -> str:
    return (
        reverse("web:board")
        + "?"
        + urlencode({"plan": plan_id, **({"campaign": campaign} if campaign else {})})
    )


@lru_cache(maxsize=4096)
def _org_url(org_id: int) -> str:
    return reverse("web:city_board_org", args=[org_id])


def org_url(line) -> str:
    return _org_url(line.organisation.pk)


# Each organisation's rows of the board (its line in the table, its place in the ranking)
# rendered once per what they show, and its bar of the chart made once (``_bar``): after a
# write in one district only its rows are rendered again, the others are taken as they were.
ROWS = 2048
_rows: OrderedDict[tuple, Any] = OrderedDict()
_rows_lock = threading.Lock()


def _once(key: tuple, make: Callable[[], Any]) -> Any:
    """What ``make`` makes, made once per ``key`` (the last ``ROWS`` kept)."""
    with _rows_lock:
        found = _rows.get(key)
        if found is not None:
            _rows.move_to_end(key)
            return found
    made = make()
    with _rows_lock:
        _rows[key] = made
        while len(_rows) > ROWS:
            _rows.popitem(last=False)
    return made


def _html(template: str, row: dict, shown: tuple) -> str:
    return _once((template, *shown), lambda: render_to_string(template, {"r": row}))


def _line_html(row: dict) -> str:
    line, total = row["line"], row["total"]
    shown = (line.organisation.pk, line.organisation.name, line.has_children, total.total, total.progress)
    shown += (total.expected, tuple(n for _s, n in row["mix"]), len(line.late_units), row["board_url"])
    return _html("web/partials/city_board_line.html", row, shown)


def _rank_html(row: dict) -> str:
    line = row["line"]
    shown = (line.rank, line.organisation.pk, line.organisation.name, line.score, line.on_time_rate)
    shown += (line.lagging_count, len(line.late_units), row["total"].progress, row["gap"])
    return _html("web/partials/city_board_rank.html", row, shown)


def _organisation(request, org_id: int | None) -> Organisation:
    """The organisation asked for, when the user may see its board; else 404 (a district
    user learns nothing of the city's board, nor of a sibling district)."""
    actor = actor_of(request)
    if org_id is None or org_id == actor.org_id:
        org = organisation_of(actor)  # read with the signed-in user
    else:
        org = Organisation.objects.filter(pk=org_id).first()
    if org is None or not can_see_city_board(actor, org):
        raise Http404("没有这个组织的挂图")
    return org


def _body(org: Organisation) -> tuple[cityboard.CityBoard, str] | None:
    """The board of the organisations below ``org`` and its part of the page (rendered
    once per organisation, date and data version); None when nothing is below."""
    board, html = cityboard.board_page(
        org,
        clock.today(),
        lambda board: render_to_string("web/partials/city_board_body.html", _board_context(board)),
    )
    return (board, html) if board.lines else None


def _board_context(board: cityboard.CityBoard) -> dict:
    lines = board.lines
    rows = {line.organisation.pk: _row(line) for line in lines}
    progress = charts.progress_chart([_bar(rows[line.organisation.pk]) for line in lines])
    return {
        "board": board,
        "lines": [
            rows[line.organisation.pk] | {"html": _line_html(rows[line.organisation.pk])} for line in lines
        ],
        "ranking": [
            rows[line.organisation.pk] | {"html": _rank_html(rows[line.organisation.pk])}
            for line in board.ranking
        ],
        "charts": {"progress": progress},
        "statuses": boards.STATUS_ORDER,
        "score_rule": cityboard.SCORE_RULE,
    }


def _bar(row: dict) -> dict:
    """An organisation's bar of the progress chart, made once per what it shows."""
    line, total = row["line"], row["total"]
    shown = (line.organisation.pk, line.organisation.name, total.total, total.progress, total.expected)
    shown += tuple(n for _s, n in row["mix"])
    return _once(
        ("bar", *shown),
        lambda: charts.progress_item(
            str(line.organisation.pk), line.organisation.name, total, row["url"], boards.STATUS_ORDER
        ),
    )


def _row(line: cityboard.OrgLine) -> dict:
    total = line.total
    own = [plan for plan in line.plans if plan.organisation_id == line.organisation.pk]
    first_plan = own[0].plan_id if own else None
    return {
        "line": line,
        "total": total,
        "mix": [(s, total.count(s)) for s in boards.STATUS_ORDER],
        "gap": total.progress - total.expected,
        "url": org_url(line),
        "board_url": board_url(first_plan) if first_plan else "",
    }


@login_required
def city_board(request):
    """The board of the organisations right below the user's."""
    org = _organisation(request, None)
    body = _body(org)
    if body is None:
        raise Http404("本组织没有下级组织")
    board, html = body
    context = {"org": org, "line": None, "parent": None, "board": board, "board_html": html}
    return render_page(request, "web/city_board.html", context)


@login_required
def city_board_org(request, org_id: int):
    """One organisation below: its campaigns against 序时进度, lagging tasks and late
    units, links to its battle map and tasks; with its own board when it has organisations
    below it. An htmx request gets the figures alone (the city board's drill-in panel)."""
    org = _organisation(request, org_id)
    actor = actor_of(request)
    today = clock.today()
    line, own_campaigns = cityboard.org_line(org, today)
    context: dict = {"org": org, "line": _row(line), "statuses": boards.STATUS_ORDER, "board": None}
    context["campaigns"] = [
        {
            "c": c,
            "url": board_url(c.plan_id, c.key),
            "mix": [(s, c.rollup.count(s)) for s in boards.STATUS_ORDER],
        }
        for c in own_campaigns
    ]
    parent = org.parent
    context["parent"] = parent if parent is not None and can_see_city_board(actor, parent) else None
    body = _body(org) if line.has_children else None
    if body is not None:
        context["board"], context["board_html"] = body
    return render_page(request, "web/city_board.html", context, partial="web/partials/org_figures.html")
