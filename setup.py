"""Only a build hook: the configuration is in pyproject.toml.

``build_py`` first copies the pinned front-end files (ECharts, from the npm registry through
package.json / package-lock.json) into ``src/luoshi/web/static/web/vendor/`` so that a wheel
and ``pip install .`` carry them; see ``src/luoshi/web/vendor.py``.
"""

import importlib.util
from pathlib import Path

from setuptools import setup
from setuptools.command.build_py import build_py

ROOT = Path(__file__).resolve().parent


def _vendor_module():
    # by path: luoshi itself (and Django) cannot be imported in pip's build environment
    spec = importlib.util.spec_from_file_location("luoshi_vendor", ROOT / "src/luoshi/web/vendor.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


class BuildPyWithVendor(build_py):
    def run(self):
        vendor = _vendor_module()
        try:
            vendor.vendor(ROOT)
        except vendor.VendorError as exc:
            raise SystemExit(f"luoshi: front-end files: {exc}") from None
        super().run()


setup(cmdclass={"build_py": BuildPyWithVendor})
