"""Unit names: normal form, alias key and kind guess. Plain Python, no Django."""

import re

_FULL_TO_ASCII = str.maketrans({"（": "(", "）": ")", "　": " ", "〔": "(", "〕": ")"})
_PAREN = re.compile(r"\(([^()]*)\)")

GROUP_WORDS = ("有关", "相关", "各", "成员单位", "等单位", "其他")
STREET_TOWN_SUFFIXES = ("街道", "镇", "乡", "街道办事处", "镇人民政府", "乡人民政府")
COMPANY_WORDS = ("公司", "集团", "银行", "农商行", "有限")
STATIONED_WORDS = (
    "分局",
    "支队",
    "大队",
    "税务局",
    "供电",
    "烟草",
    "邮政",
    "派出所",
    "海关",
    "消防救援",
    "驻",
)


def normalize_name(name: str) -> str:
    """A unit name as stored: ASCII parentheses, no spaces."""
    return re.sub(r"\s+", "", name.translate(_FULL_TO_ASCII))


def alias_key(name: str) -> str:
    """A key equal for spellings of one unit that differ only in where a bracket stands.

    ``区住建(交通)局`` and ``区住建局(交通局)`` share a key: the base without brackets
    (``区住建局``) and each bracketed name with the base's kind word (``局``) dropped.
    """
    name = normalize_name(name)
    inner = _PAREN.findall(name)
    base = _PAREN.sub("", name)
    if not inner or not base:
        return name
    kind = base[-1]
    parts = sorted(part[:-1] if len(part) > 1 and part.endswith(kind) else part for part in inner)
    return base + "|" + "|".join(parts)


def guess_kind(name: str) -> str:
    """The likely kind of unit from its name (a clerk can correct it in the admin)."""
    name = normalize_name(name)
    base = _PAREN.sub("", name)
    if name.startswith("各") or any(word in name for word in GROUP_WORDS[:2]) or name.endswith("成员单位"):
        return "group"
    if base.endswith(STREET_TOWN_SUFFIXES):
        return "street_town"
    if any(word in base for word in COMPANY_WORDS):
        return "company"
    if any(word in base for word in STATIONED_WORDS):
        return "stationed"
    return "department"
