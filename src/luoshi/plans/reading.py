"""Reading a plan file into Plan JSON, and what a plan's JSON says of itself: its
fingerprint, its series and its year."""

import hashlib
import json
import re
from pathlib import Path

from luoshi.core import limits

from .units import normalize_name
from .validation import PlanError, load_json_bytes, parse_date

PARSABLE_SUFFIXES = {".txt", ".docx", ".html", ".htm", ".pdf"}


def check_source_size(size: int, name: str) -> None:
    """A plan file no bigger than ``LUOSHI_UPLOAD_MAX_BYTES``."""
    try:
        limits.check_upload(size, name)
    except limits.LimitError as exc:
        raise PlanError(f"{exc}，不予导入") from None


def read_plan_file(path: str | Path) -> tuple[dict, bytes]:
    """The Plan JSON of a file: a ``.json`` as it is, a document through the parser."""
    path = Path(path)
    if not path.is_file():
        raise PlanError(f"找不到文件 {path}")
    check_source_size(path.stat().st_size, path.name)
    data = path.read_bytes()
    return plan_from_bytes(data, path.name), data


def plan_from_bytes(data: bytes, name: str) -> dict:
    """Plan JSON from an uploaded or read file; JSON by extension or content."""
    suffix = Path(name).suffix.lower()
    if suffix == ".json" or (suffix not in PARSABLE_SUFFIXES and data.lstrip()[:1] in (b"{", b"[")):
        plan = load_json_bytes(data, name)
    else:
        from luoshi.docparse import DocumentError, parse

        try:
            plan = parse(data, filename=name)
        except DocumentError as exc:
            raise PlanError(f"{name}：{exc}") from None
    found = limits.find_control(plan)
    if found:
        raise PlanError(f"{name}：{limits.control_message(found[0] or '内容', found[1])}")
    return plan


def content_hash(plan: dict) -> str:
    """A fingerprint of what a plan says (warnings aside), stable across key order."""
    body = {key: value for key, value in plan.items() if key != "warnings"}
    return hashlib.sha256(json.dumps(body, ensure_ascii=False, sort_keys=True).encode()).hexdigest()


def series_key(title: str) -> str:
    """Versions of one plan share their title, whitespace and bracket width aside."""
    return normalize_name(title)


def plan_year(plan: dict) -> int:
    if plan.get("date"):
        return parse_date(plan["date"], "date").year
    for text in (plan.get("doc_number") or "", plan.get("title") or ""):
        found = re.search(r"(20\d\d)", text)
        if found:
            return int(found.group(1))
    raise PlanError(
        "date：方案没有成文日期，标题和文号中也找不到年份，无法确定方案年度；请在 JSON 中补上 date"
    )
