"""The data of the battle map's and the public page's charts, as plain JSON-ready dicts.

Views put them in the page with ``json_script``; ``static/web/charts.js`` and the per-page
scripts (``board.js``, ``public.js``) draw them with ECharts (served from the package, see
``vendor.py``). Every item that stands for a list of tasks carries the ``url`` of that list,
so clicking a bar or a slice opens it, as every number on the page does. Numbers are floats
rounded to one decimal; colours of statuses are ``reporting.status.STATUS_COLOURS``.
"""

from collections.abc import Callable, Iterable
from decimal import Decimal

from luoshi.reporting.status import Status

PROGRESS_COLOUR = "#2c5391"  # 平均进度 / 完成进度
EXPECTED_COLOUR = "#b8262b"  # 序时进度 / 时间过半线
EXPECTED_LABEL = "序时进度"


def number(value: Decimal | float | int | None) -> float | None:
    return None if value is None else round(float(value), 1)


def status_mix(mix: Iterable[tuple[Status, int]], url_of: Callable[[Status], str]) -> dict:
    """The donut of 红黄绿灯: one slice per status with tasks in it."""
    items = [
        {"key": s.value, "name": s.label, "value": n, "colour": s.colour, "url": url_of(s)} for s, n in mix
    ]
    return {"kind": "status", "total": sum(i["value"] for i in items), "items": items}


def progress_item(key: str, name: str, rollup, url: str, statuses: Iterable[Status] = Status) -> dict:
    """One bar of ``campaign_progress``: a rollup's mean progress against its 序时进度,
    with its status counts."""
    return {
        "key": key,
        "name": name,
        "progress": number(rollup.progress),
        "expected": number(rollup.expected),
        "tasks": rollup.total,
        "mix": [
            {"name": s.label, "value": rollup.count(s), "colour": s.colour}
            for s in statuses
            if rollup.count(s)
        ],
        "url": url,
    }


def progress_chart(items: list[dict]) -> dict:
    """The chart of ``progress_item`` bars."""
    return {
        "kind": "progress",
        "items": items,
        "series": [
            {"name": "平均进度", "colour": PROGRESS_COLOUR},
            {"name": EXPECTED_LABEL, "colour": EXPECTED_COLOUR},
        ],
    }


def campaign_progress(campaigns, url_of: Callable[[str], str], statuses: Iterable[Status] = Status) -> dict:
    """Mean progress of each campaign against its 序时进度, with its status counts."""
    statuses = list(statuses)
    return progress_chart(
        [
            progress_item(row.key, f"{row.key} {row.title}".strip(), row.rollup, url_of(row.key), statuses)
            for row in campaigns
        ]
    )


def target_attainment(targets, url_of: Callable[[str], str]) -> dict:
    """Each quantified target's attainment, coloured by its status, against 序时进度."""
    return {
        "kind": "targets",
        "items": [
            {
                "name": t.subject,
                "attainment": number(t.attainment),
                "expected": number(t.expected),
                "status": t.status.label,
                "colour": t.status.colour,
                "url": url_of(t.subject),
            }
            for t in targets
        ],
        "series": [
            {"name": "完成率", "colour": PROGRESS_COLOUR},
            {"name": EXPECTED_LABEL, "colour": EXPECTED_COLOUR},
        ],
    }


def trend(points, url_of: Callable[[object], str]) -> dict:
    """Month-end mean progress against 序时进度; each month opens the list as of that day."""
    return {
        "kind": "trend",
        "labels": [p.label for p in points],
        "urls": [url_of(p) for p in points],
        "series": [
            {"name": "平均进度", "colour": PROGRESS_COLOUR, "values": [number(p.progress) for p in points]},
            {
                "name": EXPECTED_LABEL,
                "colour": EXPECTED_COLOUR,
                "values": [number(p.expected) for p in points],
            },
        ],
    }


def public_progress(plan, statuses: list[Status]) -> dict:
    """The public page: each published campaign's progress against 序时进度 (as on every
    internal page), and its status counts (no links: the lists behind are not public)."""
    return {
        "kind": "public",
        "line": {"name": EXPECTED_LABEL, "value": number(plan.expected), "colour": EXPECTED_COLOUR},
        "items": [
            {"name": f"{c.key} {c.title}".strip(), "progress": number(c.rollup.progress)}
            for c in plan.campaigns
            if c.rollup.total
        ],
        "statuses": [
            {
                "name": s.label,
                "colour": s.colour,
                "values": [c.rollup.count(s) for c in plan.campaigns if c.rollup.total],
            }
            for s in statuses
        ],
        "colour": PROGRESS_COLOUR,
    }
