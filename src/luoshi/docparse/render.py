"""A readable tree of a parsed plan, with Chinese labels (the output of ``luoshi parse``)."""

from collections import defaultdict
from typing import Any

from .schema import Plan

_INDENT = "  "
_OPS = {">=": "≥", ">": ">", "<=": "≤", "<": "<", "=": "="}


def _value(value: object) -> str:
    return f"{value:g}" if isinstance(value, float) else str(value)


def _target_line(target: dict[str, Any]) -> str:
    subject = target.get("subject") or target.get("text") or ""
    op = _OPS.get(target.get("op") or "", target.get("op", ""))
    return f"目标：{subject} {op} {_value(target.get('value'))}{target.get('unit') or ''}"


def _task_lines(task: dict[str, Any]) -> list[str]:
    lines = []
    if task.get("leads"):
        lines.append("牵头：" + "、".join(task["leads"]))
    if task.get("cooperators"):
        lines.append("配合：" + "、".join(task["cooperators"]))
    if task.get("leaders"):
        lines.append("分管领导：" + "、".join(task["leaders"]))
    lines.append("时限：" + (task.get("deadline") or "未写明"))
    return lines


def _header(plan: Plan) -> list[str]:
    lines = [f"标题：{plan.get('title') or '（未识别）'}"]
    for label, key in (("发文机关", "issuer"), ("文号", "doc_number"), ("日期", "date")):
        lines.append(f"{label}：{plan.get(key) or '（未识别）'}")
    counts = (
        f"共 {len(plan.get('parts', []))} 个部分、{len(plan.get('sections', []))} 个条目、"
        f"{len(plan.get('tasks', []))} 项任务、{len(plan.get('targets', []))} 个目标、"
        f"{len(plan.get('task_forces', []))} 个工作专班"
    )
    return [*lines, counts, ""]


def _force_lines(force: dict[str, Any]) -> list[str]:
    lines = [f"{_INDENT}专班：{force.get('name') or ''}"]
    for label, key in (("召集人", "convenors"), ("副召集人", "deputy_convenors"), ("成员单位", "members")):
        if force.get(key):
            lines.append(f"{_INDENT * 2}{label}：" + "、".join(force[key]))
    if force.get("office"):
        lines.append(f"{_INDENT * 2}办公室：{force['office']}")
    return lines


def format_tree(plan: Plan) -> str:
    """The plan as an indented tree: parts, sections, each task's units and targets, warnings."""
    tasks = {task["section"]: task for task in plan.get("tasks", [])}
    targets: defaultdict[str, list[dict[str, Any]]] = defaultdict(list)
    for target in plan.get("targets", []):
        targets[target["section"]].append(target)
    forces: defaultdict[str | None, list[dict[str, Any]]] = defaultdict(list)
    for force in plan.get("task_forces", []):
        forces[force.get("part")].append(force)
    depth: dict[str | None, int] = {}
    lines = _header(plan)
    for part in plan.get("parts", []):
        lines.append(f"【{part['key']}】{part.get('title') or ''}")
        for section in (s for s in plan.get("sections", []) if s.get("part") == part["key"]):
            level = depth.get(section.get("parent"), 0) + 1
            depth[section["id"]] = level
            pad = _INDENT * level
            heading = section.get("title") or (section.get("text") or "").split("\n")[0][:40]
            lines.append(f"{pad}{section['number']} {heading}")
            if section["id"] in tasks:
                lines += [pad + _INDENT + line for line in _task_lines(tasks[section["id"]])]
            lines += [pad + _INDENT + _target_line(t) for t in targets.get(section["id"], [])]
        for force in forces.get(part["key"], []):
            lines += _force_lines(force)
    warnings = plan.get("warnings", [])
    if warnings:
        lines += ["", f"提示（{len(warnings)} 条）："]
        for warning in warnings:
            where = f"第 {warning['line']} 行：" if warning.get("line") else ""
            lines.append(f"{_INDENT}{where}{warning.get('message', '')}")
    return "\n".join(lines)
