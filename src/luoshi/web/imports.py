"""Plan import in the browser: the review of a parse shown as a tree with units and
targets marked. The dry run, the unit-name fixes and pending imports are the plans
domain's (``plans.imports``)."""

import re
from dataclasses import dataclass, field

from django.utils.html import escape
from django.utils.safestring import mark_safe


@dataclass
class Node:
    sid: str
    number: str
    title: str
    html: str
    depth: int
    part: str
    task: dict | None = None
    targets: list = field(default_factory=list)


def _highlight(text: str, task: dict | None, targets: list[dict]) -> str:
    html = escape(text)
    marks = []
    for target in targets:
        if target.get("text"):
            marks.append((escape(target["text"]), "target"))
    if task:
        for name in task.get("leads") or []:
            marks.append((escape(name), "unit lead"))
        for name in task.get("cooperators") or []:
            marks.append((escape(name), "unit"))
    done = set()
    for needle, cls in sorted(marks, key=lambda m: -len(m[0])):
        if not needle or needle in done:
            continue
        done.add(needle)
        html = html.replace(needle, f"\x00{cls}\x01{needle}\x02", 1)
    html = re.sub(r"\x00([^\x01]*)\x01([^\x02]*)\x02", r'<mark class="\1">\2</mark>', html)
    return mark_safe(html)  # noqa: S308 - built from escaped text


def tree(plan_data: dict) -> list[Node]:
    tasks = {t["section"]: t for t in plan_data.get("tasks") or []}
    targets: dict[str, list] = {}
    for target in plan_data.get("targets") or []:
        targets.setdefault(target["section"], []).append(target)
    depth: dict[str, int] = {}
    nodes = []
    for section in plan_data.get("sections") or []:
        depth[section["id"]] = depth.get(section.get("parent"), -1) + 1 if section.get("parent") else 0
        task = tasks.get(section["id"])
        nodes.append(
            Node(
                sid=section["id"],
                number=section.get("number") or "",
                title=section.get("title") or "",
                html=_highlight(section.get("text") or "", task, targets.get(section["id"], [])),
                depth=depth[section["id"]],
                part=section.get("part") or "",
                task=task,
                targets=targets.get(section["id"], []),
            )
        )
    return nodes
