"""Plan documents (txt, docx, html, pdf) to Plan JSON (``luoshi.plan/1``).

Plain Python: nothing here imports Django. Two stages:

- ``readers.read_document(source)`` turns a file (path or bytes) into a list of text
  lines, whatever its format (encoding detection, Word numbering, task tables, web-page
  clean-up, PDF text layer), with warnings about what it had to leave out;
- ``core.parse_lines(lines)`` turns those lines into the plan dict.
"""

from .core import parse_lines
from .readers import DocumentError, Source, read_document
from .schema import Plan

SCHEMA = "luoshi.plan/1"

__all__ = ["SCHEMA", "DocumentError", "clear_caches", "parse", "parse_lines", "read_document"]


def clear_caches() -> None:
    """Forget the memoised folds, unit names, clauses and subjects (a benchmark's cold start; nothing
    else needs it)."""
    from . import clauses, subjects, textutil, units

    for cached in (
        textutil.fold,
        units.clean_name,
        units.looks_like_unit,
        units._split_units,
        subjects.clean,
    ):
        cached.cache_clear()
    clauses._READ.clear()


def parse(source: Source, *, filename: str | None = None) -> Plan:
    """Parse a plan document given as a path or as bytes into a ``luoshi.plan/1`` dict.

    Raises ``DocumentError`` (a Chinese message) for input that is no readable document.
    """
    document = read_document(source, filename=filename)
    plan = parse_lines(document.lines)
    plan["warnings"] = list(document.warnings) + list(plan.get("warnings", []))
    return plan
