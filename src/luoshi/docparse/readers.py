"""Turn a plan document (txt, docx, html, pdf; a path or bytes) into text lines.

``read_document(source, filename=None)`` detects the format from the content (magic
bytes, HTML sniffing) with the file name's extension as a hint, and hands the bytes to
the matching reader in ``formats/``. Every reader returns plain text lines the core
parser understands, plus warnings (Chinese) about anything it had to leave out.

Input that is no readable document raises ``DocumentError`` with a Chinese message a
user can act on; nothing here lets a traceback or an unbounded allocation through.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import TypedDict

__all__ = ["Document", "DocumentError", "ReaderWarning", "Source", "read_document"]

#: What ``read_document`` accepts: a path, or the file's bytes.
Source = str | os.PathLike[str] | bytes | bytearray | memoryview

#: Files larger than this are refused outright (docx, pdf, html).
MAX_FILE_BYTES = 100 * 1024 * 1024
#: A text file is read up to this many bytes (a web page up to twice as many); the rest
#: is reported in a warning.
MAX_TEXT_BYTES = 5 * 1024 * 1024
#: No reader returns more lines than this.
MAX_LINES = 100_000

OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
SNIFF_BYTES = 8192


class DocumentError(Exception):
    """Input that is not a readable document; ``str(error)`` is a Chinese message for the user."""


class ReaderWarning(TypedDict):
    """Something a reader had to leave out: where (1-based line, or None) and what, in Chinese."""

    line: int | None
    message: str


@dataclass
class Document:
    """The text lines of a document and the reader's warnings.

    ``warnings`` holds dicts ``{"line": None or 1-based line number, "message": "中文"}``;
    ``format`` names the reader used (``text``, ``docx``, ``html``, ``pdf``).
    """

    lines: list[str]
    warnings: list[ReaderWarning] = field(default_factory=list)
    format: str = "text"


def read_document(source: Source, filename: str | None = None) -> Document:
    """Read ``source`` (a path or bytes) into a :class:`Document`.

    ``filename`` (or the path's name) only serves as a hint for the format; the content
    decides. Raises :class:`DocumentError` for empty, damaged, encrypted or unknown files.
    """
    data, total_size, name = _load(source, filename)
    kind = detect_format(data, name)
    document = _dispatch(kind, data, total_size, name)
    _cap_lines(document)
    return document


def _load(source: Source, filename: str | None) -> tuple[bytes, int, str]:
    """Return (bytes, size of the whole file, file name) for a path or bytes.

    A text file given as a path is not read beyond what the text reader will use.
    """
    if isinstance(source, bytes | bytearray | memoryview):
        data = bytes(source)
        return data, len(data), filename or ""
    if not isinstance(source, str | os.PathLike):
        raise DocumentError("无法读取：请提供文件路径或文件内容。")
    path = Path(source)
    try:
        size = path.stat().st_size
        with path.open("rb") as handle:
            head = handle.read(SNIFF_BYTES)
            if size > 2 * MAX_TEXT_BYTES and _looks_like_text_head(head):
                data = head + handle.read(2 * MAX_TEXT_BYTES - len(head))
            elif size > MAX_FILE_BYTES:
                raise DocumentError(_too_large_message(size))
            else:
                data = head + handle.read()
    except FileNotFoundError as error:
        raise DocumentError(f"找不到文件：{path.name}") from error
    except IsADirectoryError as error:
        raise DocumentError(f"这是一个文件夹，不是文件：{path.name}") from error
    except OSError as error:
        raise DocumentError(f"无法读取文件：{path.name}（{error.strerror or error}）") from error
    return data, size, filename or path.name


def _looks_like_text_head(head: bytes) -> bool:
    """Whether the first bytes of a big file are neither a zip, a PDF nor an OLE file."""
    return not (head.startswith((b"PK", OLE_MAGIC)) or b"%PDF-" in head[:1024])


def _too_large_message(size: int) -> str:
    return f"文件过大（{size / 1024 / 1024:.1f} MB），本系统最多读取 {MAX_FILE_BYTES // 1024 // 1024} MB 的文件。"


def extension(name: str) -> str:
    """The lower-case extension of a file name, without the dot (``""`` when none)."""
    return Path(name).suffix.lower().lstrip(".") if name else ""


def detect_format(data: bytes, name: str = "") -> str:
    """Name the format of ``data``: ``docx``, ``pdf``, ``ole``, ``rtf``, ``html`` or ``text``.

    Raises :class:`DocumentError` for an empty file.
    """
    if not data.strip(b" \t\r\n\x00\xef\xbb\xbf\xff\xfe"):
        raise DocumentError("文件为空：没有可读取的内容。")
    if data.startswith(b"PK"):
        return "docx"
    if data.startswith(OLE_MAGIC):
        return "ole"
    if b"%PDF-" in data[:1024]:
        return "pdf"
    if data.lstrip().startswith(b"{\\rtf"):
        return "rtf"
    from .formats.webpage import looks_like_html

    if looks_like_html(data[:SNIFF_BYTES], extension(name)):
        return "html"
    return "text"


def _dispatch(kind: str, data: bytes, total_size: int, name: str) -> Document:
    """Run the reader for ``kind``."""
    if kind in {"docx", "pdf", "html"} and total_size > MAX_FILE_BYTES:
        raise DocumentError(_too_large_message(total_size))
    if kind == "docx":
        from .formats.word import read_docx

        return read_docx(data, name)
    if kind == "pdf":
        from .formats.pdf import read_pdf

        return read_pdf(data)
    if kind == "ole":
        from .formats.ole import explain_ole

        raise DocumentError(explain_ole(data, extension(name)))
    if kind == "rtf":
        raise DocumentError("这是RTF格式的文件，暂不支持。请用 Word 打开后另存为 .docx 格式再上传。")
    if kind == "html":
        from .formats.webpage import read_html

        return read_html(data, total_size)
    from .formats.text import read_text

    return read_text(data, total_size)


def _cap_lines(document: Document) -> None:
    """Cut a document to ``MAX_LINES`` lines, with a warning saying how many were left out."""
    extra = len(document.lines) - MAX_LINES
    if extra > 0:
        del document.lines[MAX_LINES:]
        document.warnings.append(
            {
                "line": MAX_LINES,
                "message": f"文件行数过多：只读取了前 {MAX_LINES} 行，其余 {extra} 行未读取。",
            }
        )
