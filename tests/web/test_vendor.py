"""The build step that copies the pinned ECharts from node_modules into the package
(``luoshi.web.vendor``, run by setup.py's build_py): on a made-up node_modules, with npm
replaced by a stand-in; and the repository's own pins."""

import json
import subprocess
from pathlib import Path

import pytest

from luoshi.web import vendor

ROOT = Path(vendor.__file__).resolve().parents[3]


def make_root(tmp_path: Path, pinned="6.1.0", installed="6.1.0", lock=True) -> Path:
    root = tmp_path / "repo"
    root.mkdir()
    (root / "package.json").write_text(json.dumps({"private": True, "dependencies": {"echarts": pinned}}))
    if lock:
        (root / "package-lock.json").write_text("{}")
    if installed:
        install(root, installed)
    return root


def install(root: Path, version: str) -> None:
    echarts = root / "node_modules" / "echarts"
    (echarts / "dist").mkdir(parents=True, exist_ok=True)
    (echarts / "licenses").mkdir(exist_ok=True)
    (echarts / "package.json").write_text(json.dumps({"name": "echarts", "version": version}))
    (echarts / "dist" / "echarts.min.js").write_text(f"/* echarts {version} */")
    (echarts / "LICENSE").write_text("Apache License")
    (echarts / "NOTICE").write_text("Apache ECharts")
    (echarts / "licenses" / "LICENSE-d3").write_text("d3")
    (root / "node_modules" / "zrender").mkdir(exist_ok=True)
    (root / "node_modules" / "zrender" / "LICENSE").write_text("BSD")


def test_copies_the_pinned_files_without_npm(tmp_path, monkeypatch):
    root = make_root(tmp_path)
    monkeypatch.setattr(vendor.shutil, "which", lambda name: pytest.fail("npm must not run"))
    dest = tmp_path / "static"
    written = vendor.vendor(root, dest)
    folder = dest / "echarts"
    assert (folder / "echarts.min.js").read_text() == "/* echarts 6.1.0 */"
    assert (folder / "LICENSE.txt").read_text() == "Apache License"
    assert (folder / "LICENSE-zrender.txt").read_text() == "BSD"
    assert (folder / "VERSION.txt").read_text() == "echarts 6.1.0\n"
    assert folder / "NOTICE.txt" in written and folder / "LICENSE-d3.txt" in written


def test_runs_npm_ci_when_node_modules_is_missing_or_stale(tmp_path, monkeypatch):
    root = make_root(tmp_path, installed="5.6.0")
    calls = []

    def fake_npm(args, cwd, check):
        calls.append((args, cwd))
        install(Path(cwd), "6.1.0")  # what npm ci does from the lock file
        return subprocess.CompletedProcess(args, 0)

    monkeypatch.setattr(vendor.shutil, "which", lambda name: "/usr/bin/npm")
    vendor.vendor(root, tmp_path / "static", run=fake_npm)
    assert calls == [(["/usr/bin/npm", "ci", "--ignore-scripts", "--no-audit", "--no-fund"], root)]
    assert (tmp_path / "static" / "echarts" / "echarts.min.js").read_text() == "/* echarts 6.1.0 */"


def test_a_failed_or_wrong_npm_ci_stops_the_build(tmp_path, monkeypatch):
    root = make_root(tmp_path, installed=None)
    monkeypatch.setattr(vendor.shutil, "which", lambda name: "/usr/bin/npm")
    with pytest.raises(vendor.VendorError, match="failed"):
        vendor.vendor(root, tmp_path / "static", run=lambda *a, **k: subprocess.CompletedProcess(a, 1))

    def wrong(args, cwd, check):
        install(Path(cwd), "6.0.0")
        return subprocess.CompletedProcess(args, 0)

    with pytest.raises(vendor.VendorError, match="pins 6.1.0"):
        vendor.vendor(root, tmp_path / "static", run=wrong)


def test_without_npm_the_message_says_what_to_do(tmp_path, monkeypatch):
    root = make_root(tmp_path, installed=None)
    monkeypatch.setattr(vendor.shutil, "which", lambda name: None)
    with pytest.raises(vendor.VendorError, match="install Node.js and npm"):
        vendor.vendor(root, tmp_path / "static")
    (root / "package-lock.json").unlink()
    with pytest.raises(vendor.VendorError, match="package-lock.json is missing"):
        vendor.vendor(root, tmp_path / "static")


@pytest.mark.parametrize("spec", ["^6.1.0", "~6.1.0", ">=6", "latest", "*", "6.x", ""])
def test_only_exact_pins_are_accepted(tmp_path, spec):
    root = make_root(tmp_path, pinned=spec)
    with pytest.raises(vendor.VendorError, match="exact version"):
        vendor.vendor(root, tmp_path / "static")


def test_outside_a_source_checkout_the_files_already_there_are_kept(tmp_path):
    dest = tmp_path / "static"
    vendor.vendor(make_root(tmp_path), dest)
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    assert vendor.vendor(elsewhere, dest) == []
    with pytest.raises(vendor.VendorError, match="no package.json"):
        vendor.vendor(elsewhere, tmp_path / "empty")


def test_command_line(tmp_path, capsys):
    assert vendor.main(["--root", str(tmp_path), "--dest", str(tmp_path / "static")]) == 1
    assert "no package.json" in capsys.readouterr().err
    root = make_root(tmp_path)
    assert vendor.main(["--root", str(root), "--dest", str(tmp_path / "static")]) == 0
    assert "echarts.min.js" in capsys.readouterr().out


def test_the_repository_pins_echarts_exactly_in_package_json_and_the_lock():
    manifest = json.loads((ROOT / "package.json").read_text())
    lock = json.loads((ROOT / "package-lock.json").read_text())
    pinned = vendor.pinned_versions(ROOT)["echarts"]
    assert manifest["private"] is True
    assert lock["packages"][""]["dependencies"]["echarts"] == pinned
    assert lock["packages"]["node_modules/echarts"]["version"] == pinned
    assert lock["packages"]["node_modules/echarts"]["integrity"].startswith("sha512-")


def test_the_vendored_folder_is_ignored_by_git():
    ignored = (ROOT / ".gitignore").read_text().splitlines()
    assert "node_modules/" in ignored
    assert "src/luoshi/web/static/web/vendor/" in ignored
