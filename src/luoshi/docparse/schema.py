"""The shapes of the ``luoshi.plan/1`` dict (Plan JSON), for the type checker."""

from typing import Any, NotRequired, TypedDict


class Part(TypedDict):
    key: str
    title: str


class SectionItem(TypedDict):
    id: str
    part: str
    parent: str | None
    number: str
    title: str | None
    text: str


class Task(TypedDict):
    section: str
    leads: list[str]
    cooperators: list[str]
    deadline: str | None
    leaders: NotRequired[list[str]]


class Target(TypedDict):
    text: str
    subject: str
    op: str
    value: int | float
    unit: str


class PlacedTarget(Target):
    section: str


class TaskForce(TypedDict):
    part: str
    name: str
    convenors: list[str]
    deputy_convenors: list[str]
    members: list[str]
    office: str | None


class ParseWarning(TypedDict):
    line: int
    message: str


# The whole plan: the items above plus the metadata strings; the readers add their warnings.
Plan = dict[str, Any]
