"""Front-end files from the npm registry, copied into the package's static folder at build time.

The pages draw their charts with ECharts. Its ``echarts.min.js`` is not in any PyPI wheel, so
``package.json`` / ``package-lock.json`` at the repository root pin it (exact version, with the
registry's integrity hash), and this step copies the pinned file with its LICENSE and NOTICE to
``luoshi/web/static/web/vendor/echarts/`` (git-ignored, never committed, never from a CDN).

It runs:

* from ``setup.py``'s ``build_py``, so a built wheel and ``pip install .`` carry the files and
  the installed product works on a server without internet;
* by hand or from ``scripts/test.sh`` for an editable checkout:
  ``python src/luoshi/web/vendor.py`` (or ``python -m luoshi.web.vendor``) from the root.

When ``node_modules`` lacks the pinned version it runs ``npm ci --ignore-scripts --no-audit
--no-fund`` first (the lock file decides what is fetched). Only the standard library is used:
``setup.py`` loads this file by path in pip's isolated build environment, without Django.
"""

import argparse
import json
import shutil
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

HERE = Path(__file__).resolve().parent
STATIC_VENDOR = HERE / "static" / "web" / "vendor"
NPM_CI = ["npm", "ci", "--ignore-scripts", "--no-audit", "--no-fund"]


@dataclass(frozen=True)
class Asset:
    """One pinned npm package's files for ``static/web/vendor/<folder>/``: ``files`` maps a
    path under ``node_modules`` (the package's own or one it bundles) to a file name there."""

    package: str
    folder: str
    files: dict[str, str]


ASSETS = [
    Asset(
        "echarts",
        "echarts",
        {
            "echarts/dist/echarts.min.js": "echarts.min.js",
            "echarts/LICENSE": "LICENSE.txt",
            "echarts/NOTICE": "NOTICE.txt",
            "echarts/licenses/LICENSE-d3": "LICENSE-d3.txt",
            # echarts.min.js bundles zrender (tslib's notice is inside the file itself)
            "zrender/LICENSE": "LICENSE-zrender.txt",
        },
    ),
]
# the static path the templates use, relative to a static root
ECHARTS_STATIC = "web/vendor/echarts/echarts.min.js"


class VendorError(RuntimeError):
    pass


def pinned_versions(root: Path) -> dict[str, str]:
    """The exact versions package.json asks for; a range is refused (pins only)."""
    manifest = json.loads((root / "package.json").read_text(encoding="utf-8"))
    deps = manifest.get("dependencies", {})
    for asset in ASSETS:
        spec = deps.get(asset.package)
        if not spec or not spec[0].isdigit() or any(c in spec for c in "^~<>=*x| "):
            raise VendorError(f"package.json must pin {asset.package} to an exact version, not {spec!r}")
    return {a.package: deps[a.package] for a in ASSETS}


def installed_version(root: Path, package: str) -> str | None:
    try:
        manifest = root / "node_modules" / package / "package.json"
        return json.loads(manifest.read_text(encoding="utf-8"))["version"]
    except (OSError, ValueError, KeyError):
        return None


def npm_ci(root: Path, run=subprocess.run) -> None:
    if not (root / "package-lock.json").exists():
        raise VendorError(f"{root / 'package-lock.json'} is missing: run `npm install` once and commit it")
    npm = shutil.which("npm")
    if npm is None:
        raise VendorError(
            "npm is needed to fetch the pinned front-end files (ECharts) from the npm registry: "
            "install Node.js and npm, or build the wheel on a machine that has them"
        )
    print("luoshi.web.vendor: " + " ".join(NPM_CI), file=sys.stderr)
    result = run([npm, *NPM_CI[1:]], cwd=root, check=False)
    if result.returncode != 0:
        raise VendorError(f"`{' '.join(NPM_CI)}` failed in {root} (exit {result.returncode})")


def vendor(root: Path, dest: Path = STATIC_VENDOR, *, run=subprocess.run) -> list[Path]:
    """Copy the pinned files from ``root/node_modules`` to ``dest``, running ``npm ci`` first
    when a pinned package is missing or at another version. Returns the files written."""
    root = Path(root)
    if not (root / "package.json").exists():
        if all((dest / a.folder / name).exists() for a in ASSETS for name in a.files.values()):
            return []  # not a source checkout (e.g. an unpacked wheel): the files are there
        raise VendorError(f"no package.json in {root} and no vendored files in {dest}")
    pins = pinned_versions(root)
    if any(installed_version(root, package) != version for package, version in pins.items()):
        npm_ci(root, run)
    written = []
    for asset in ASSETS:
        found = installed_version(root, asset.package)
        if found != pins[asset.package]:
            raise VendorError(
                f"node_modules has {asset.package} {found}, package.json pins {pins[asset.package]}"
            )
        folder = dest / asset.folder
        folder.mkdir(parents=True, exist_ok=True)
        for source, name in asset.files.items():
            src = root / "node_modules" / source
            if not src.is_file():
                raise VendorError(f"{src} is missing: is {asset.package} {found} installed whole?")
            target = folder / name
            shutil.copyfile(src, target)
            written.append(target)
        (folder / "VERSION.txt").write_text(f"{asset.package} {found}\n", encoding="utf-8")
        written.append(folder / "VERSION.txt")
    return written


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--root", type=Path, default=Path.cwd(), help="folder with package.json (default: here)"
    )
    parser.add_argument(
        "--dest", type=Path, default=STATIC_VENDOR, help="static vendor folder (default: the package's)"
    )
    args = parser.parse_args(argv)
    try:
        written = vendor(args.root, args.dest)
    except VendorError as exc:
        print(f"luoshi.web.vendor: {exc}", file=sys.stderr)
        return 1
    for path in written:
        print(path)
    return 0


if __name__ == "__main__":
    sys.exit(main())
