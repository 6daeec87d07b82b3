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


# ``str.translate`` looks every character up in a dict; a ``replace`` per folded character
# that occurs is several times faster on Chinese text.
_FOLD_PAIRS = tuple((chr(code), str(ascii_char)) for code, ascii_char in _FOLD.items())
_NEEDS_FOLD = re.compile("[" + "".join(re.escape(char) for char, _ in _FOLD_PAIRS) + "]")


def _fold(text: str) -> str:
    if not _NEEDS_FOLD.search(text):
        return text
    for wide, narrow in _FOLD_PAIRS:
        if wide in text:
            text = text.replace(wide, narrow)
    return text


@lru_cache(maxsize=8192)
def fold(text: str) -> str:
    """Fold full-width punctuation and odd spaces to ASCII, keeping the length (indexes match)."""
    return _fold(text)


def fold_lines(texts: list[str]) -> list[str]:
    """``fold`` of each text, the document folded in one go (folding neither makes nor takes
    a line end, so the lines part again where they were joined)."""
    folded = _fold("\n".join(texts)).split("\n")
    return folded if len(folded) == len(texts) else [fold(text) for text in texts]


def clean_line(line: str) -> str:
    """A line as written, with odd spaces made plain and the ends stripped."""
    if "\u00a0" in line or "\u200b" in line or "\ufeff" in line:
        line = line.replace("\u00a0", " ").replace("\u200b", "").replace("\ufeff", "")
    return line.strip(" \t\r\n\u3000")


def squeeze(text: str) -> str:
    """Remove all spaces (for unit names)."""
    if " " in text or "\t" in text:
        text = _SPACES.sub("", text)
    return text.strip()


_BRACKETS = re.compile(r"[()\[\]{}]")
_NESTING = re.compile(r"[()\[\]{}“”]")
_SPLIT_MARKS: dict[str, tuple[re.Pattern[str], re.Pattern[str]]] = {}


def split_top(text: str, separators: str) -> list[str]:
    """Split ``text`` at any of ``separators`` that stand outside brackets and quotes."""
    for separator in separators:  # (substring tests: quicker than a pattern on short texts)
        if separator in text:
            break
    else:
        return [text]
    patterns = _SPLIT_MARKS.get(separators)
    if patterns is None:
        patterns = (
            re.compile("[" + re.escape(separators) + "]"),
            re.compile("[" + re.escape(separators + OPENERS + CLOSERS) + "“”]"),
        )
        _SPLIT_MARKS[separators] = patterns
    if not _NESTING.search(text):  # no brackets nor quotes: every separator splits
        return text.split(separators) if len(separators) == 1 else patterns[0].split(text)
    pieces: list[str] = []
    depth, start = 0, 0
    quote = False
    for found in patterns[1].finditer(text):
        char = found.group()
        if char in OPENERS:
            depth += 1
        elif char in CLOSERS:
            depth = max(0, depth - 1)
        elif char in "“”":
            quote = char == "“"
        elif depth == 0 and not quote:
            index = found.start()
            pieces.append(text[start:index])
            start = index + 1
    pieces.append(text[start:])
    return pieces


def bracket_groups(text: str) -> list[tuple[int, int]]:
    """Spans ``(start, end)`` of the top-level bracket groups of folded ``text``, closed ones only.

    ``end`` is the index just after the closing bracket. Nested brackets stay inside their
    group; a group left open at the end of the text is not returned.
    """
    return bracket_scan(text)[0]


def bracket_scan(text: str) -> tuple[list[tuple[int, int]], int]:
    """``bracket_groups`` and ``has_open_bracket`` of folded ``text`` in one pass."""
    groups: list[tuple[int, int]] = []
    stack: list[int] = []
    for found in _BRACKETS.finditer(text):
        index = found.start()
        if text[index] in OPENERS:
            stack.append(index)
        elif stack:
            start = stack.pop()
            if not stack:
                groups.append((start, index + 1))
    return groups, (stack[0] if stack else -1)


def has_open_bracket(text: str) -> int:
    """Index of a top-level bracket left open at the end of folded ``text``, else -1."""
    stack: list[int] = []
    for found in _BRACKETS.finditer(text):
        if found.group() in OPENERS:
            stack.append(found.start())
        elif stack:
            stack.pop()
    return stack[0] if stack else -1
