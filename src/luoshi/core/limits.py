"""What input may be: the limits every entry point (pages, API, uploads, the CLI) checks,
written once. The figures come from ``settings.LUOSHI_LIMITS`` (each overridable by a
``LUOSHI_*`` variable, see ``settings.py``); the messages are Chinese and name the field,
the file or the sheet and cell.

- ``check_text``: no control character (NUL and the like; tab, newline and carriage
  return are text) and not longer than a limit. PostgreSQL refuses NUL where SQLite
  would store it, so it is refused here, on every backend, before anything is written.
- ``check_upload``: the size of an uploaded file.
- ``check_xlsx``: a workbook before openpyxl opens it. The zip's central directory says
  how big every member expands to (Python's ``zipfile``, which openpyxl reads through,
  never yields more than that), so a bomb is refused from a few hundred bytes of
  directory; then the worksheets are streamed through zlib, counting rows, and the
  count stops at the limit (a million-row sheet is refused after the first rows).
"""

import re
import zipfile
from io import BytesIO

from django.conf import settings

DEFAULTS = {
    "report_text_max": 5000,  # characters in one report text (本期进展, 存在问题, …)
    "upload_max_bytes": 20 * 1024 * 1024,  # an uploaded file
    "xlsx_max_rows": 20000,  # rows in one worksheet
    "xlsx_max_expanded_bytes": 50 * 1024 * 1024,  # what a workbook's zip expands to
    "xlsx_max_members": 500,  # files inside the workbook's zip
    "xlsx_max_ratio": 200,  # how much one member may expand against its compressed size
}
RATIO_FLOOR = 1024 * 1024  # members smaller than this expanded are never too compressed

# C0 controls other than tab, newline and carriage return; DEL; lone surrogates (no UTF-8)
CONTROL_RE = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\ud800-\udfff]")
ROW_RE = re.compile(rb"<(?:[A-Za-z_][\w.-]*:)?row[\s>/]")
ROW_NUMBER_RE = re.compile(rb'<(?:[A-Za-z_][\w.-]*:)?row\s[^>]*?\br="(\d+)"')
SCAN_CHUNK = 1024 * 1024


class LimitError(ValueError):
    """Input refused by a limit; the message is Chinese and names where."""


def limit(name: str) -> int:
    """One limit: ``settings.LUOSHI_LIMITS[name]``, else its default."""
    return int(getattr(settings, "LUOSHI_LIMITS", {}).get(name, DEFAULTS[name]))


def _mb(size: int) -> str:
    return f"{size / 1024 / 1024:.0f} MB" if size >= 1024 * 1024 else f"{size / 1024:.0f} KB"


# ---------------------------------------------------------------- text


def control_character(text: str) -> str | None:
    """The first control character in ``text`` as ``U+0000``, or None."""
    found = CONTROL_RE.search(text)
    return f"U+{ord(found.group()):04X}" if found else None


def control_message(label: str, code: str) -> str:
    return f"{label}含有不可见的控制字符（{code}），请删去后重新填写（可能是从其他软件复制时带入的）"


def check_text(value, label: str, *, max_length: int | None = None) -> None:
    """Refuse a control character in ``value``, or more than ``max_length`` characters
    (``report_text_max`` when ``max_length`` is 0); ``label`` names the field."""
    if not isinstance(value, str):
        return
    code = control_character(value)
    if code:
        raise LimitError(control_message(label, code))
    if max_length == 0:
        max_length = limit("report_text_max")
    if max_length is not None and len(value) > max_length:
        raise LimitError(f"{label}最多 {max_length} 字，现有 {len(value)} 字：请精简后再提交")


def find_control(value, path: str = "") -> tuple[str, str] | None:
    """The first string with a control character inside nested lists and dicts (keys too):
    ``(path, U+XXXX)`` with the path as ``tasks[3].title``, or None."""
    if isinstance(value, str):
        code = control_character(value)
        return (path, code) if code else None
    if isinstance(value, dict):
        for key, item in value.items():
            where = f"{path}.{key}" if path else str(key)
            found = find_control(key, where) if isinstance(key, str) else None
            found = found or find_control(item, where)
            if found:
                return found
    elif isinstance(value, list | tuple):
        for index, item in enumerate(value):
            found = find_control(item, f"{path}[{index}]")
            if found:
                return found
    return None


# ---------------------------------------------------------------- files


def check_upload(size: int, name: str, *, max_bytes: int | None = None) -> None:
    """Refuse a file bigger than ``upload_max_bytes`` (or ``max_bytes``)."""
    most = max_bytes if max_bytes is not None else limit("upload_max_bytes")
    if size > most:
        raise LimitError(f"文件“{name}”有 {_mb(size)}，超过上传上限 {_mb(most)}")


def read_upload(upload) -> bytes:
    """The bytes of an uploaded file (Django's ``UploadedFile``, kept on disk while large),
    read only once its size is within ``upload_max_bytes``."""
    check_upload(upload.size or 0, upload.name or "")
    return upload.read()


def read_file(path) -> bytes:
    """The bytes of a file named on the command line, read only once its size is within
    ``upload_max_bytes``; ``OSError`` as ``open`` raises it."""
    from pathlib import Path

    path = Path(path)
    check_upload(path.stat().st_size, path.name)
    return path.read_bytes()


def check_xlsx(data: bytes, name: str) -> None:
    """Refuse a workbook that is too big, expands too much, holds too many files or a
    sheet with too many rows, before openpyxl reads any of it. Data that is no zip at
    all passes: the caller's own reader says what it is."""
    check_upload(len(data), name)
    try:
        archive = zipfile.ZipFile(BytesIO(data))
        members = archive.infolist()
    except (zipfile.BadZipFile, zipfile.LargeZipFile, OSError, ValueError, EOFError):
        return
    if len(members) > limit("xlsx_max_members"):
        raise LimitError(f"文件“{name}”结构异常：压缩包内有 {len(members)} 个文件，拒绝读取")
    expanded = sum(member.file_size for member in members)
    most = limit("xlsx_max_expanded_bytes")
    if expanded > most:
        raise LimitError(
            f"文件“{name}”解压后有 {_mb(expanded)}，超过读取上限 {_mb(most)}（疑似“压缩炸弹”），拒绝读取"
        )
    ratio = limit("xlsx_max_ratio")
    for member in members:
        if member.file_size > RATIO_FLOOR and member.file_size > ratio * max(member.compress_size, 1):
            raise LimitError(
                f"文件“{name}”中的 {member.filename} 压缩比超过 {ratio} 倍（疑似“压缩炸弹”），拒绝读取"
            )
    for member in members:
        if member.filename.startswith("xl/worksheets/") and member.filename.endswith(".xml"):
            _check_rows(archive, member, name)


def _check_rows(archive: zipfile.ZipFile, member: zipfile.ZipInfo, name: str) -> None:
    """Count a worksheet's rows (and the highest row number, since a reader fills the gap
    up to it) streaming, stopping at the limit."""
    most = limit("xlsx_max_rows")
    count = highest = 0
    tail = b""
    try:
        with archive.open(member) as stream:
            while chunk := stream.read(SCAN_CHUNK):
                text = tail + chunk
                # a tag cut at the chunk's end is counted with the next chunk
                cut = text.rfind(b"<")
                if cut == -1 or text.find(b">", cut) != -1:
                    cut = len(text)
                body, tail = text[:cut], text[cut:]
                if len(tail) > SCAN_CHUNK:  # no tag is that long: not a row
                    tail = b""
                count += len(ROW_RE.findall(body))
                numbers = ROW_NUMBER_RE.findall(body)
                if numbers:
                    highest = max(highest, max(int(n) for n in numbers))
                if max(count, highest) > most:
                    sheet = _sheet_names(archive).get(member.filename, member.filename.rsplit("/", 1)[-1])
                    raise LimitError(
                        f"文件“{name}”的工作表“{sheet}”超过 {most} 行，拒绝读取：请删去多余的行，或分成几个文件上传"
                    )
    except LimitError:
        raise
    except Exception:  # a damaged, encrypted or oddly compressed member: zlib, CRC, …
        raise LimitError(f"文件“{name}”已损坏或加了密码，无法读取") from None


def _sheet_names(archive: zipfile.ZipFile) -> dict[str, str]:
    """Worksheet member → the sheet's name as Excel shows it (best effort)."""
    from xml.etree import ElementTree

    rel = "{http://schemas.openxmlformats.org/officeDocument/2006/relationships}id"
    try:
        book = ElementTree.fromstring(archive.read("xl/workbook.xml"))
        rels = ElementTree.fromstring(archive.read("xl/_rels/workbook.xml.rels"))
    except (KeyError, ElementTree.ParseError, zipfile.BadZipFile, OSError):
        return {}
    targets = {}
    for item in rels:
        target = item.get("Target", "")
        targets[item.get("Id")] = target.lstrip("/") if target.startswith("/") else f"xl/{target}"
    return {
        targets[sheet.get(rel)]: sheet.get("name", "")
        for sheet in book.iter()
        if sheet.tag.endswith("}sheet") and sheet.get(rel) in targets
    }
