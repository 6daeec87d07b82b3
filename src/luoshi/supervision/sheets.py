"""Reading and writing the spreadsheets of supervision and project ledgers: header
lookup by column name, cell values (dates, money, percentages) with Chinese errors naming
the cell, unit names, and a printable sheet layout. Shared by ``supervision.ledger`` and
``projects.ledger``."""

import datetime as dt
import re
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from io import BytesIO

from openpyxl import Workbook, load_workbook
from openpyxl.styles import PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.utils.exceptions import InvalidFileException

from luoshi.plans import services as plan_services
from luoshi.plans.exports import finish_sheet, new_sheet  # noqa: F401 - the sheet layout of every ledger
from luoshi.plans.models import Unit

MAX_SHEET_BYTES = 20 * 1024 * 1024
HEADER_SCAN_ROWS = 10

ALERT_FILL = PatternFill("solid", fgColor="F8D7DA")  # a cell that differs


class SheetError(ValueError):
    """A spreadsheet refused: every problem found, each naming its row, column or cell."""

    def __init__(self, errors: list[str]):
        self.errors = list(errors)
        super().__init__("；\n".join(self.errors))


@dataclass
class Column:
    """A column a sheet may carry: the field it fills, its names, whether it must be there."""

    field: str
    names: tuple[str, ...]
    required: bool = False
    width: float = 14

    @property
    def title(self) -> str:
        return self.names[0]


@dataclass
class Row:
    """One data row: its number in the sheet and its raw values by field."""

    number: int
    values: dict
    letters: dict = field(default_factory=dict)

    def cell(self, name: str) -> str:
        return f"{self.letters.get(name, '?')}{self.number}"


def header_key(text) -> str:
    """A header as compared: no spaces or line breaks, ASCII brackets, no trailing notes."""
    key = re.sub(r"\s+", "", str(text or "")).replace("（", "(").replace("）", ")")
    return re.sub(r"\((万元|%|％|元|日期|YYYY-MM-DD)\)$", "", key)


def open_book(data: bytes, name: str):
    if len(data) > MAX_SHEET_BYTES:
        raise SheetError([f"文件 {name} 超过 {MAX_SHEET_BYTES // 1024 // 1024} MB"])
    try:
        return load_workbook(BytesIO(data), data_only=True, read_only=True)
    except (InvalidFileException, KeyError, OSError, ValueError) as exc:
        raise SheetError([f"文件 {name} 不是有效的 Excel（.xlsx）文件：{exc.__class__.__name__}"]) from None


def read_rows(data: bytes, name: str, columns: list[Column]) -> list[Row]:
    """The data rows of the first sheet under the first row that names a required column;
    missing required columns are refused, all named at once."""
    book = open_book(data, name)
    sheet = book.worksheets[0]
    rows = list(sheet.iter_rows(values_only=True))
    book.close()
    lookup = {header_key(alias): column for column in columns for alias in column.names}
    header_index, positions = None, {}
    for index, row in enumerate(rows[:HEADER_SCAN_ROWS]):
        found = {}
        for position, value in enumerate(row):
            column = lookup.get(header_key(value))
            if column and column.field not in found:
                found[column.field] = position
        if any(c.required and c.field in found for c in columns):
            header_index, positions = index, found
            break
    missing = [c.title for c in columns if c.required and c.field not in positions]
    if header_index is None or missing:
        names = missing or [c.title for c in columns if c.required]
        raise SheetError([f"{name} 缺少必需的列：{'、'.join(names)}（请在表头行写明这些列名）"])
    letters = {f: get_column_letter(p + 1) for f, p in positions.items()}
    result = []
    for offset, row in enumerate(rows[header_index + 1 :], start=header_index + 2):
        values = {f: (row[p] if p < len(row) else None) for f, p in positions.items()}
        if all(v is None or (isinstance(v, str) and not v.strip()) for v in values.values()):
            continue
        result.append(Row(offset, values, letters))
    if not result:
        raise SheetError([f"{name} 没有数据行"])
    return result


def text_of(value) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()


DATE_PATTERNS = [
    re.compile(r"^(\d{4})-(\d{1,2})-(\d{1,2})$"),
    re.compile(r"^(\d{4})/(\d{1,2})/(\d{1,2})$"),
    re.compile(r"^(\d{4})\.(\d{1,2})\.(\d{1,2})$"),
    re.compile(r"^(\d{4})年(\d{1,2})月(\d{1,2})日?$"),
]


def parse_date(value) -> dt.date | None:
    """A date cell: an Excel date, or text like 2025-06-30, 2025/6/30, 2025年6月30日."""
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    text = re.sub(r"\s+", "", str(value))
    for pattern in DATE_PATTERNS:
        match = pattern.match(text)
        if match:
            try:
                return dt.date(*(int(group) for group in match.groups()))
            except ValueError:
                break
    raise ValueError(f"“{value}”不是日期（应如 2025-06-30 或 2025年6月30日）")


def parse_decimal(value, *, percent: bool = False) -> Decimal | None:
    """A number cell (money in 万元, or a percentage 0–100): no words, not negative."""
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    if isinstance(value, bool):
        raise ValueError("应填写数字")
    if isinstance(value, int | float | Decimal):
        text = str(value)
    else:
        text = str(value).strip().replace(",", "").replace("，", "")
        text = text.removesuffix("万元").rstrip("%％").strip()
    if not re.fullmatch(r"[-+]?\d+(\.\d+)?([eE][-+]?\d+)?", text):
        raise ValueError(f"“{value}”不是数字")
    try:
        number = Decimal(text)
    except InvalidOperation:
        raise ValueError(f"“{value}”不是数字") from None
    if number < 0:
        raise ValueError(f"不能为负数（{value}）")
    if percent and number > 100:
        raise ValueError(f"应在 0 到 100 之间（{value}）")
    return number.quantize(Decimal("0.01"))


def find_unit(name: str) -> Unit | None:
    """The registry unit of a name or one of its aliases."""
    return plan_services.find_unit(name)


def split_names(text: str) -> list[str]:
    return [part for part in re.split(r"[、，,；;\s/]+", text or "") if part]


# ---------------------------------------------------------------- writing


def workbook() -> Workbook:
    book = Workbook()
    book.remove(book.active)
    return book
