"""The house drawn from the imports: the domains, the API and the audit log stand on their
own and never reach up into the pages (``luoshi.web``); the domains never into the API.
A rule, a figure or a model that both the pages and the API need lives in its domain."""

import ast
from pathlib import Path

import pytest

import luoshi

PACKAGE = Path(luoshi.__file__).parent
DOMAINS = [
    "accounts",
    "audit",
    "bulletins",
    "docparse",
    "jobs",
    "plans",
    "projects",
    "reporting",
    "supervision",
]


def imported_modules(path: Path) -> set[str]:
    """Every module a source file imports, relative imports resolved (also those inside
    functions)."""
    package = ".".join(("luoshi", *path.relative_to(PACKAGE).with_suffix("").parts[:-1]))
    found = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                parent = package.split(".")[: len(package.split(".")) - node.level + 1]
                base = ".".join([*parent, base] if base else parent)
            found.add(base)
            found.update(f"{base}.{alias.name}" for alias in node.names)
    return found


def offenders(app: str, forbidden: str) -> list[str]:
    bad = []
    for path in sorted((PACKAGE / app).rglob("*.py")):
        hits = sorted(m for m in imported_modules(path) if m == forbidden or m.startswith(forbidden + "."))
        if hits:
            bad.append(f"{path.relative_to(PACKAGE)}: {', '.join(hits)}")
    return bad


def test_the_scanner_sees_relative_and_nested_imports():
    sample = PACKAGE / "api" / "routers" / "common.py"
    assert "luoshi.accounts.permissions" in imported_modules(sample)
    web_view = PACKAGE / "web" / "views" / "board.py"
    assert "luoshi.web.plans" in imported_modules(web_view)  # ``from ..plans import``


@pytest.mark.parametrize("app", ["api", *DOMAINS])
def test_api_audit_and_the_domains_import_nothing_from_the_pages(app):
    assert offenders(app, "luoshi.web") == []


@pytest.mark.parametrize("app", DOMAINS)
def test_the_domains_import_nothing_from_the_api(app):
    assert offenders(app, "luoshi.api") == []


def test_pages_and_api_take_the_predicates_instead_of_comparing_roles():
    """Who may do what is written in the domains' permissions.py: no view or API router
    imports the user roles, and no template compares the signed-in user's role."""
    for app in ("web/views", "api"):
        assert offenders(app, "luoshi.accounts.choices") == []
    templates = sorted((PACKAGE / "web" / "templates").rglob("*.html"))
    assert templates
    comparing = [
        str(t.relative_to(PACKAGE)) for t in templates if "actor.role" in t.read_text(encoding="utf-8")
    ]
    assert comparing == []
