"""Helpers for the core parser tests: parse a text, look things up by section id."""

from pathlib import Path

from luoshi.docparse import parse_lines

DATA = Path(__file__).parent / "data"


def parse_text(text: str) -> dict:
    """Parse a plan given as one string."""
    return parse_lines(text.strip("\n").splitlines())


def parse_data(name: str) -> dict:
    """Parse one of the test documents in ``data/``."""
    return parse_text((DATA / name).read_text(encoding="utf-8"))


def task_of(plan: dict, section: str) -> dict | None:
    """The task of a section, or None."""
    return next((task for task in plan["tasks"] if task["section"] == section), None)


def targets_of(plan: dict, section: str) -> list[tuple[str, float, str]]:
    """``(op, value, unit)`` of a section's targets, in order."""
    return [(t["op"], t["value"], t["unit"]) for t in plan["targets"] if t["section"] == section]


def section_ids(plan: dict) -> list[str]:
    return [section["id"] for section in plan["sections"]]
