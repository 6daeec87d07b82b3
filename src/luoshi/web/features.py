"""Pages that depend on another domain appear once that domain's services exist."""

import importlib
from functools import cache

REQUIRES = {
    "web:supervision": "luoshi.supervision.services",
    "web:bulletins": "luoshi.bulletins.services",
}


@cache
def module_available(module: str) -> bool:
    try:
        importlib.import_module(module)
    except ImportError:
        return False
    return True


def enabled(url_name: str) -> bool:
    module = REQUIRES.get(url_name)
    return module is None or module_available(module)
