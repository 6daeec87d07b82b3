"""Tables (from docx or html) to text lines the core understands.

A task table (任务分工表: columns such as 序号 / 重点任务 / 牵头单位 / 责任单位 / 配合单位 /
完成时限, in any order, the header on one of the first rows) becomes numbered items::

    一、类别名                ← a category column, or a row spanning the whole table
    1.任务内容                ← 序号 as written, else a running counter
    牵头单位：区发改局
    配合单位：区财政局、区商务局
    完成时限：2025年6月底前

Any other table gives one line per row, its cells joined by a space; a table of one
column (a frame around text) gives its cells' lines as they are. No numbers are invented
for tables that are not task tables.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

__all__ = ["Cell", "table_lines"]


@dataclass
class Cell:
    """One grid position of a table.

    ``lines`` are the cell's paragraphs; a horizontally merged span repeats the same
    text with ``hcont`` set on all but its first position, a vertically merged span
    repeats it with ``vcont`` set on all but its first row.
    """

    lines: list[str] = field(default_factory=list)
    vcont: bool = False
    hcont: bool = False

    @property
    def text(self) -> str:
        """The cell's paragraphs joined into one line."""
        return join_pieces(self.lines, "")


def join_pieces(pieces: list[str], separator: str) -> str:
    """Join non-empty stripped pieces with ``separator``."""
    return separator.join(piece.strip() for piece in pieces if piece and piece.strip())


# ---------------------------------------------------------------------------
# Column roles
# ---------------------------------------------------------------------------

LABELS = {"lead": "牵头单位", "resp": "责任单位", "coop": "配合单位", "deadline": "完成时限"}
UNIT_ROLES = {"lead", "resp", "coop"}
_SPACE = re.compile(r"[\s\u3000]+")
_NOTE = re.compile(r"[（(]([^（）()]*)[)）]")


def _norm(text: str) -> str:
    return _SPACE.sub("", text)


def column_role(header: str) -> str | None:
    """The role of a header cell: seq, category, content, lead, resp, coop, deadline or None."""
    text = _norm(header)
    if not text or len(text) > 30:
        return None
    bare = _NOTE.sub("", text)
    if bare in {"序号", "编号", "序", "No.", "NO.", "No", "NO", "序列"}:
        return "seq"
    if "领导" in bare or "联系人" in bare:
        return None
    if "牵头" in bare:
        return "resp" if re.search(r"[及和/、]|配合|责任", bare) else "lead"
    if re.search(r"配合|协办|协同|协助|参与", bare):
        return "coop"
    if re.search(r"(责任|承办|实施|落实|负责|主办|主责)(单位|部门|主体|处室|科室|单元)?$", bare) or re.search(
        r"^(责任|承办|实施|落实|负责|主办)", bare
    ):
        return "resp"
    if re.search(r"时限|时间|期限|节点|进度|日期", bare):
        return "deadline"
    if bare in {"类别", "领域", "分类", "类型", "板块", "方面", "专项"} or re.search(
        r"(类别|领域|板块)$", bare
    ):
        return "category"
    if re.search(r"任务|内容|措施|事项|举措|工作|目标|项目|要点|要求", bare):
        return "content"
    return None


def _header_note(header: str) -> str | None:
    """A note in a unit column's header that declares the first unit the lead, if any."""
    for found in _NOTE.finditer(_norm(header)):
        note = found.group(1)
        if "牵头" in note or "第一" in note:
            return note
    return None


# ---------------------------------------------------------------------------
# Grid helpers
# ---------------------------------------------------------------------------


def _width(grid: list[list[Cell]]) -> int:
    return max((len(row) for row in grid), default=0)


def _padded(grid: list[list[Cell]]) -> list[list[Cell]]:
    width = _width(grid)
    return [row + [Cell() for _ in range(width - len(row))] for row in grid]


def _distinct(row: list[Cell]) -> list[Cell]:
    """The cells of a row with horizontal merge repeats removed."""
    return [cell for cell in row if not cell.hcont]


def _row_texts(row: list[Cell]) -> list[str]:
    return [cell.text for cell in _distinct(row) if cell.text]


@dataclass
class Header:
    """A task table's header: where it is and the role of each column."""

    index: int
    start: int
    roles: dict[int, str]
    labels: dict[int, str]
    notes: dict[int, str]


def find_header(grid: list[list[Cell]], search_rows: int = 3) -> Header | None:
    """Find a task table's header row among the first rows (two-row headers merged)."""
    for index, row in enumerate(grid[:search_rows]):
        roles = _row_roles(row)
        if not _is_task_header(roles):
            continue
        labels = {col: _norm(cell.text) for col, cell in enumerate(row)}
        notes = {col: note for col, cell in enumerate(row) if (note := _header_note(cell.text))}
        start = index
        if index + 1 < len(grid):
            sub = _row_roles(grid[index + 1])
            if len(sub) >= 2 and all(_norm(cell.text) for cell in grid[index + 1] if not cell.vcont):
                for col, role in sub.items():
                    roles[col] = role
                    labels[col] = _norm(grid[index + 1][col].text)
                index += 1
        return Header(index=index, start=start, roles=roles, labels=labels, notes=notes)
    return None


def _row_roles(row: list[Cell]) -> dict[int, str]:
    roles = {}
    for col, cell in enumerate(row):
        if cell.hcont and col - 1 in roles:
            continue
        role = column_role(cell.text)
        if role:
            roles[col] = role
    return roles


def _is_task_header(roles: dict[int, str]) -> bool:
    kinds = set(roles.values())
    return bool(kinds & UNIT_ROLES) and bool(kinds & {"content", "seq", "category"}) and len(roles) >= 2


# ---------------------------------------------------------------------------
# Numbering of headings and items
# ---------------------------------------------------------------------------

_NUMBERED = re.compile(
    r"^\s*(?:[一二三四五六七八九十百零〇]+\s*[、.．]|[（(]\s*[一二三四五六七八九十百零〇\d]+\s*[）)]"
    r"|\d+\s*[.．、](?!\d)|[①-⑳]|第[一二三四五六七八九十百\d]+[章节条部分])"
)
_CN_NUM = re.compile(r"^[一二三四五六七八九十百零〇]+$")
_DIGITS = re.compile(r"^\d+$")
_LEVEL_FORMATS = ("{cn}、", "（{cn}）", "{n}.", "（{n}）")


def chinese(n: int) -> str:
    """1 → 一, 10 → 十, 11 → 十一, 25 → 二十五 (up to 99; larger numbers stay digits)."""
    digits = "零一二三四五六七八九"
    if n <= 0 or n >= 100:
        return str(n)
    tens, ones = divmod(n, 10)
    if tens == 0:
        return digits[ones]
    return ("" if tens == 1 else digits[tens]) + "十" + (digits[ones] if ones else "")


def level_prefix(level: int, n: int) -> str:
    """The number of the ``n``-th heading or item at ``level`` (0 → 一、, 1 → （一）, 2 → 1.)."""
    fmt = _LEVEL_FORMATS[min(level, len(_LEVEL_FORMATS) - 1)]
    return fmt.format(cn=chinese(n), n=n)


def seq_prefix(value: str) -> str:
    """The number written in a 序号 cell as a line prefix: 3 → 3., 三 → 三、, (一) kept."""
    value = _norm(value).rstrip("、.．")
    if _DIGITS.match(value):
        return f"{int(value)}."
    if _CN_NUM.match(value):
        return f"{value}、"
    if _NUMBERED.match(value):
        return value
    return f"{value} "


# ---------------------------------------------------------------------------
# Task tables
# ---------------------------------------------------------------------------


class _TaskTable:
    """Turns the rows of a task table below its header into lines."""

    def __init__(self, grid: list[list[Cell]], header: Header):
        self.grid = grid
        self.header = header
        roles = header.roles
        self.seq = _first(roles, "seq")
        rank = {"lead": 0, "resp": 1, "coop": 2, "deadline": 3}
        self.unit_cols = sorted(
            (col for col, role in roles.items() if role in rank), key=lambda col: (rank[roles[col]], col)
        )
        self.heading_cols, self.item_col, self.other_cols = self._content_columns()
        self.has_spanning = any(self._spanning_text(row) for row in self._body())
        self.counters = [0] * 6
        self.last_heading: dict[int, str] = {}
        self.last_roles: dict[int, str] = {}
        self.notes_used: set[int] = set()
        self.lines: list[str] = []

    def _body(self) -> list[list[Cell]]:
        return self.grid[self.header.index + 1 :]

    def _content_columns(self) -> tuple[list[int], int | None, list[int]]:
        """Split content columns into heading columns, the item column and other columns."""
        roles = self.header.roles
        categories = [col for col, role in sorted(roles.items()) if role == "category"]
        contents = [col for col, role in sorted(roles.items()) if role == "content"]
        known = set(categories) | set(contents) | set(self.unit_cols) | {self.seq}
        others = [col for col in range(_width(self.grid)) if col not in known and self.header.labels.get(col)]
        if not contents:
            return categories[:-1], (categories[-1] if categories else None), others
        headings = list(categories)
        item = contents[-1]
        for position, col in enumerate(contents):
            if position < len(contents) - 1 and self._repeats(col):
                headings.append(col)
                continue
            item = col
            others = sorted(others + contents[position + 1 :])
            break
        return headings, item, others

    def _repeats(self, col: int) -> bool:
        """Whether a column's values span or repeat over consecutive rows (a heading column)."""
        previous = None
        for row in self._body():
            cell = row[col]
            if cell.text and (cell.vcont or cell.text == previous):
                return True
            previous = cell.text
        return False

    def _spanning_text(self, row: list[Cell]) -> str | None:
        """The text of a row that is one value across the table (a category row), else None."""
        texts = _row_texts(row)
        if len(set(texts)) != 1 or _DIGITS.match(_norm(texts[0])):
            return None
        cells = [cell for cell in row if cell.text]
        spans = len(cells) >= max(2, len(row) // 2)
        in_heading_col = any(row[col].text for col in [self.seq, *self.heading_cols] if col is not None)
        alone = row[self.item_col].text == "" if self.item_col is not None else True
        return texts[0] if (spans or (in_heading_col and alone)) and not self._unit_values(row) else None

    def _unit_values(self, row: list[Cell]) -> bool:
        texts = {cell.text for cell in row if cell.text}
        return any(row[col].text and len(texts) > 1 for col in self.unit_cols)

    # -- emitting -------------------------------------------------------------------

    def run(self) -> list[str]:
        header_texts = [_norm(cell.text) for cell in self.grid[self.header.index]]
        for row in self._body():
            if [_norm(cell.text) for cell in row] == header_texts:
                continue  # header repeated on a later page
            spanning = self._spanning_text(row)
            if spanning is not None:
                self._heading(0, spanning)
                continue
            self._row(row)
        return self.lines

    def _heading_level(self, position: int) -> int:
        return position + (1 if self.has_spanning else 0)

    def _item_level(self) -> int:
        """The counter slot of items (below every heading level); items are numbered 1. 2. …"""
        return len(self.heading_cols) + (1 if self.has_spanning else 0)

    def _heading(self, level: int, text: str) -> None:
        self.counters[level] += 1
        for deeper in range(level + 1, len(self.counters)):
            self.counters[deeper] = 0
        for position in list(self.last_heading):
            if self._heading_level(position) > level:
                del self.last_heading[position]
        self.last_roles = {}
        prefix = "" if _NUMBERED.match(text) else level_prefix(level, self.counters[level])
        self.lines.append(prefix + text)

    def _row(self, row: list[Cell]) -> None:
        for position, col in enumerate(self.heading_cols):
            text = row[col].text
            if text and text != self.last_heading.get(position):
                self._heading(self._heading_level(position), text)
                self.last_heading[position] = text
        item = row[self.item_col] if self.item_col is not None else Cell()
        if item.text and not item.vcont:
            self._item(row, item.text)
            self.last_roles = {}
        elif not item.text and not any(row[col].text for col in self.unit_cols):
            return
        self._role_lines(row)

    def _item(self, row: list[Cell], text: str) -> None:
        level = min(self._item_level(), len(self.counters) - 1)
        seq = row[self.seq] if self.seq is not None else None
        if seq is not None and seq.vcont:
            self.lines.append(text)  # one numbered task told over several rows
            return
        self.counters[level] += 1
        if seq is not None and seq.text:
            prefix = seq_prefix(seq.text)
        elif _NUMBERED.match(text):
            prefix = ""
        else:
            prefix = f"{self.counters[level]}."
        self.lines.append(prefix + text)

    def _role_lines(self, row: list[Cell]) -> None:
        for col in self.unit_cols + self.other_cols:
            cell = row[col]
            role = self.header.roles.get(col)
            separator = "、" if role in UNIT_ROLES else "，"
            value = join_pieces(_unit_pieces(cell.lines) if role in UNIT_ROLES else cell.lines, separator)
            if not value or self.last_roles.get(col) == value:
                continue
            self.last_roles[col] = value
            label = (LABELS.get(role) if role else None) or self.header.labels.get(col) or ""
            note = self.header.notes.get(col)
            if note and col not in self.notes_used:
                self.notes_used.add(col)
                value = f"{value}（{note}）"
            self.lines.append(f"{label}：{value}" if label else value)


def _unit_pieces(lines: list[str]) -> list[str]:
    """Unit names one per paragraph, trailing separators removed."""
    return [line.strip().rstrip("、，,；;") for line in lines]


def _first(roles: dict[int, str], wanted: str) -> int | None:
    return next((col for col, role in sorted(roles.items()) if role == wanted), None)


# ---------------------------------------------------------------------------
# Entry point
# ---------------------------------------------------------------------------


def table_lines(grid: list[list[Cell]]) -> list[str]:
    """Lines for a table given as a grid of :class:`Cell` (rows of grid positions)."""
    grid = _padded([row for row in grid if row])
    if not grid:
        return []
    header = find_header(grid)
    if header is not None:
        lines = [text for row in grid[: header.start] for text in dict.fromkeys(_row_texts(row))]
        return lines + _TaskTable(grid, header).run()
    return plain_table_lines(grid)


def plain_table_lines(grid: list[list[Cell]]) -> list[str]:
    """A table that is no task table: one line per row, or a frame's lines as they are."""
    if all(len(_distinct(row)) <= 1 for row in grid):
        return [line for row in grid for cell in _distinct(row) for line in cell.lines if line.strip()]
    lines = []
    for row in grid:
        texts = [cell.text for cell in _distinct(row) if cell.text and not cell.vcont]
        if texts:
            lines.append(" ".join(texts))
    return lines
