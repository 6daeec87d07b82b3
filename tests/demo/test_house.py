"""The house drawn from the imports: the demo is the top floor, core the ground floor."""

import ast
from pathlib import Path

import luoshi

SOURCE = Path(luoshi.__file__).parent
APPS = ["plans", "reporting", "supervision", "projects", "bulletins", "web", "api", "accounts", "audit"]


def imports_of(path: Path) -> set[str]:
    """Every luoshi module a file imports (relative imports resolved)."""
    package = ".".join(("luoshi", *path.relative_to(SOURCE).parent.parts))
    found = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found |= {alias.name for alias in node.names}
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                parent = package.rsplit(".", node.level - 1)[0] if node.level > 1 else package
                base = f"{parent}.{base}" if base else parent
            found |= {base} | {f"{base}.{alias.name}" for alias in node.names}
    return {name for name in found if name.startswith("luoshi.")}


def test_nothing_below_the_demo_imports_it():
    offenders = [
        f"{path.relative_to(SOURCE)} → {name}"
        for app in APPS
        for path in (SOURCE / app).rglob("*.py")
        for name in imports_of(path)
        if name == "luoshi.demo" or name.startswith("luoshi.demo.")
    ]
    assert offenders == []


def test_core_stands_on_no_other_app():
    offenders = [
        f"{path.relative_to(SOURCE)} → {name}"
        for path in (SOURCE / "core").rglob("*.py")
        for name in imports_of(path)
        if not name.startswith("luoshi.core")
    ]
    assert offenders == []
