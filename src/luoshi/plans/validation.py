"""Check a Plan JSON document (``luoshi.plan/1``) before anything is written.

Plain Python. Every problem names the field (``tasks[3].section``) in Chinese.
"""

import datetime as dt
import json
from dataclasses import dataclass, field

SCHEMA = "luoshi.plan/1"
OPS = {">=", ">", "<=", "<", "="}


class PlanError(ValueError):
    """A plan that cannot be imported; the message is Chinese and names the place."""

    def __init__(self, message: str, problems: list[str] | None = None):
        super().__init__(message)
        self.problems = problems or [message]


@dataclass
class _Checker:
    problems: list[str] = field(default_factory=list)

    def add(self, where: str, message: str) -> None:
        self.problems.append(f"{where}：{message}")

    def need(self, obj: dict, key: str, where: str, kinds: tuple[type, ...], *, nullable: bool = False):
        if not isinstance(obj, dict):
            self.add(where, "应为对象")
            return None
        if key not in obj:
            self.add(f"{where}.{key}", "缺少此字段")
            return None
        value = obj[key]
        if value is None and nullable:
            return None
        if not isinstance(value, kinds) or isinstance(value, bool) and bool not in kinds:
            names = "、".join(_KIND_NAMES.get(kind, kind.__name__) for kind in kinds)
            self.add(f"{where}.{key}", f"应为{names}，实为 {json.dumps(value, ensure_ascii=False)[:40]}")
            return None
        return value


_KIND_NAMES = {str: "文字", list: "列表", dict: "对象", int: "整数", float: "数字"}


def load_json_bytes(data: bytes, name: str = "文件") -> dict:
    """Decode a Plan JSON file: UTF-8 text holding one object."""
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise PlanError(
            f"{name} 不是 UTF-8 编码的 JSON 文件（第 {exc.start + 1} 个字节无法按 UTF-8 解码）"
        ) from None
    try:
        document = json.loads(text)
    except json.JSONDecodeError as exc:
        raise PlanError(
            f"{name} 不是有效的 JSON：第 {exc.lineno} 行第 {exc.colno} 列，{_json_reason(exc.msg)}"
        ) from None
    if not isinstance(document, dict):
        raise PlanError(f"{name} 的内容应为一个 JSON 对象（方案），实为{type(document).__name__}")
    return document


def _json_reason(msg: str) -> str:
    reasons = {
        "Expecting value": "此处应有一个值",
        "Expecting property name enclosed in double quotes": "此处应有带双引号的字段名",
        "Expecting ',' delimiter": "此处缺少逗号",
        "Expecting ':' delimiter": "此处缺少冒号",
        "Unterminated string starting at": "字符串没有结束引号",
        "Extra data": "JSON 结束后还有多余内容",
    }
    return reasons.get(msg, msg)


def parse_date(value: str, where: str) -> dt.date:
    try:
        return dt.date.fromisoformat(value)
    except (TypeError, ValueError):
        raise PlanError(f"{where}：日期 {value!r} 无效，应为 YYYY-MM-DD 格式") from None


def validate_plan(plan: dict) -> None:
    """Raise ``PlanError`` listing every problem of the document, or return quietly."""
    check = _Checker()
    schema = plan.get("schema")
    if schema != SCHEMA:
        raise PlanError(f"schema：不支持的格式 {schema!r}，应为 {SCHEMA!r}")
    title = check.need(plan, "title", "方案", (str,))
    if title is not None and not title.strip():
        check.add("title", "方案标题不能为空")
    for key in ("issuer", "doc_number"):
        if plan.get(key) is not None and not isinstance(plan.get(key), str):
            check.add(key, "应为文字")
    if plan.get("date"):
        try:
            parse_date(plan["date"], "date")
        except PlanError as exc:
            check.problems.append(str(exc))

    parts = check.need(plan, "parts", "方案", (list,)) or []
    part_keys = set()
    for i, part in enumerate(parts):
        where = f"parts[{i}]"
        key = check.need(part, "key", where, (str,))
        check.need(part, "title", where, (str,))
        if key is not None:
            if key in part_keys:
                check.add(f"{where}.key", f"部分 {key} 重复")
            part_keys.add(key)

    sections = check.need(plan, "sections", "方案", (list,)) or []
    section_ids: set[str] = set()
    for i, section in enumerate(sections):
        where = f"sections[{i}]"
        sid = check.need(section, "id", where, (str,))
        part = check.need(section, "part", where, (str,))
        check.need(section, "number", where, (str,))
        check.need(section, "title", where, (str,), nullable=True)
        check.need(section, "text", where, (str,))
        parent = check.need(section, "parent", where, (str,), nullable=True)
        if sid is None:
            continue
        if sid in section_ids:
            check.add(f"{where}.id", f"条目编号 {sid} 重复")
        if part is not None and part not in part_keys:
            check.add(f"{where}.part", f"部分 {part} 不在 parts 中")
        if parent is not None and parent not in section_ids:
            check.add(f"{where}.parent", f"上级条目 {parent} 不在它之前的 sections 中")
        section_ids.add(sid)

    for i, task in enumerate(check.need(plan, "tasks", "方案", (list,)) or []):
        where = f"tasks[{i}]"
        sid = check.need(task, "section", where, (str,))
        if sid is not None and sid not in section_ids:
            check.add(f"{where}.section", f"条目 {sid} 不在 sections 中")
        for role in ("leads", "cooperators"):
            names = check.need(task, role, where, (list,)) or []
            for j, name in enumerate(names):
                if not isinstance(name, str) or not name.strip():
                    check.add(f"{where}.{role}[{j}]", "单位名称应为非空文字")
        deadline = task.get("deadline") if isinstance(task, dict) else None
        if deadline is not None:
            try:
                parse_date(deadline, f"{where}.deadline")
            except PlanError as exc:
                check.problems.append(str(exc))

    for i, target in enumerate(plan.get("targets") or []):
        where = f"targets[{i}]"
        sid = check.need(target, "section", where, (str,))
        if sid is not None and sid not in section_ids:
            check.add(f"{where}.section", f"条目 {sid} 不在 sections 中")
        op = check.need(target, "op", where, (str,))
        if op is not None and op not in OPS:
            check.add(f"{where}.op", f"比较符 {op!r} 无效，应为 >=、>、<=、< 或 =")
        check.need(target, "value", where, (int, float))
        if target.get("unit") is not None and not isinstance(target.get("unit"), str):
            check.add(f"{where}.unit", "应为文字")

    for i, force in enumerate(plan.get("task_forces") or []):
        where = f"task_forces[{i}]"
        part = check.need(force, "part", where, (str,))
        if part is not None and part not in part_keys:
            check.add(f"{where}.part", f"部分 {part} 不在 parts 中")
        for role in ("convenors", "deputy_convenors", "members"):
            value = force.get(role) if isinstance(force, dict) else None
            if value is not None and not (isinstance(value, list) and all(isinstance(v, str) for v in value)):
                check.add(f"{where}.{role}", "应为文字列表")
        if force.get("office") is not None and not isinstance(force.get("office"), str):
            check.add(f"{where}.office", "应为文字")

    if check.problems:
        head = check.problems[0] if len(check.problems) == 1 else f"方案有 {len(check.problems)} 处错误"
        raise PlanError(head, check.problems)
