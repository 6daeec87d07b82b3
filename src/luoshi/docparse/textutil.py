"""Small text helpers shared by the parser: width folding and bracket-aware splitting."""

import re
from functools import lru_cache

# Full-width punctuation folded to ASCII for matching (the output keeps the text as written).
_FOLD = str.maketrans(
    {
        "（": "(",
        "）": ")",
        "［": "[",
        "］": "]",
        "【": "[",
        "】": "]",
        "〔": "[",
        "〕": "]",
        "：": ":",
        "，": ",",
        "；": ";",
        "．": ".",
        "！": "!",
        "？": "?",
        "％": "%",
        "\u3000": " ",
        "\u00a0": " ",
        "\u2002": " ",
        "\u2003": " ",
        "\u200b": " ",
        "\ufeff": " ",
        "•": "·",
        "・": "·",
        "～": "~",
    }
)

OPENERS = "([{"
CLOSERS = ")]}"
_PAIR = dict(zip(CLOSERS, OPENERS, strict=True))

_SPACES = re.compile(r"[ \t]+")


@lru_cache(maxsize=8192)
def fold(text: str) -> str:
    """Fold full-width punctuation and odd spaces to ASCII, keeping the length (indexes match)."""
    return text.translate(_FOLD)


def clean_line(line: str) -> str:
    """A line as written, with odd spaces made plain and the ends stripped."""
    return line.replace("\u00a0", " ").replace("\u200b", "").replace("\ufeff", "").strip(" \t\r\n\u3000")


def squeeze(text: str) -> str:
    """Remove all spaces (for unit names)."""
    return _SPACES.sub("", text).strip()


def split_top(text: str, separators: str) -> list[str]:
    """Split ``text`` at any of ``separators`` that stand outside brackets and quotes."""
    pieces, depth, start = [], 0, 0
    quote = False
    for index, char in enumerate(text):
        if char in OPENERS:
            depth += 1
        elif char in CLOSERS:
            depth = max(0, depth - 1)
        elif char in "“”":
            quote = char == "“"
        elif char in separators and depth == 0 and not quote:
            pieces.append(text[start:index])
            start = index + 1
    pieces.append(text[start:])
    return pieces


def bracket_groups(text: str) -> list[tuple[int, int]]:
    """Spans ``(start, end)`` of the top-level bracket groups of folded ``text``, closed ones only.

    ``end`` is the index just after the closing bracket. Nested brackets stay inside their
    group; a group left open at the end of the text is not returned.
    """
    groups, stack = [], []
    for index, char in enumerate(text):
        if char in OPENERS:
            stack.append((char, index))
        elif char in CLOSERS and stack:
            opener, start = stack.pop()
            if not stack:
                groups.append((start, index + 1))
            elif opener != _PAIR[char]:
                continue
    return groups


def has_open_bracket(text: str) -> int:
    """Index of a top-level bracket left open at the end of folded ``text``, else -1."""
    stack = []
    for index, char in enumerate(text):
        if char in OPENERS:
            stack.append(index)
        elif char in CLOSERS and stack:
            stack.pop()
    return stack[0] if stack else -1
