"""Plain text files: encoding detection (UTF-8, UTF-16, GB18030/GBK …) and clean-up."""

from __future__ import annotations

import codecs
import re

from ..readers import MAX_TEXT_BYTES, Document, DocumentError, ReaderWarning

# C0 controls except tab and newline, DEL, C1 controls, and the BOM/zero-width no-break space.
_CONTROL = re.compile("[\x00-\x08\x0b\x0e-\x1f\x7f-\x9f\ufeff]")
_NEWLINES = re.compile("\r\n|\r|\x0c|\u2028|\u2029|\x85")
#: Share of control characters (after decoding) above which the bytes are no text.
MAX_CONTROL_SHARE = 0.02


def read_text(data: bytes, total_size: int | None = None) -> Document:
    """Read a text file's bytes (at most ``MAX_TEXT_BYTES`` of them) into lines."""
    total_size = len(data) if total_size is None else total_size
    warnings: list[ReaderWarning] = []
    if total_size > MAX_TEXT_BYTES or len(data) > MAX_TEXT_BYTES:
        data = cut_at_newline(data[:MAX_TEXT_BYTES])
        warnings.append({"line": None, "message": _truncation_message(len(data), total_size)})
    text, encoding = decode_text(data)
    lines = split_lines(text)
    if warnings:
        warnings[0]["line"] = len(lines)
    return Document(lines=lines, warnings=warnings, format="text")


def _truncation_message(read: int, total: int) -> str:
    mb = 1024 * 1024
    return (
        f"文件过大（{total / mb:.1f} MB）：只读取了前 {read / mb:.1f} MB，"
        f"其余 {(total - read) / mb:.1f} MB 未读取。"
    )


def cut_at_newline(data: bytes) -> bytes:
    """Cut ``data`` after its last newline (or ``>``) so no character is split (UTF-16 aware)."""
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        le = data.startswith(codecs.BOM_UTF16_LE)
        newline = b"\n\x00" if le else b"\x00\n"
        end = len(data) - (len(data) % 2)
        index = data.rfind(newline, 0, end)
        while index > 0 and index % 2:
            index = data.rfind(newline, 0, index)
        return data[: index + 2] if index > 0 else data[:end]
    # Neither "\n" nor ">" can be part of a UTF-8 or GB18030 multi-byte character.
    index = data.rfind(b"\n")
    if index <= 0:
        index = data.rfind(b">")
    return data[: index + 1] if index > 0 else data


def decode_text(data: bytes, declared: str | None = None) -> tuple[str, str]:
    """Decode bytes to text; return ``(text, encoding)``.

    Tries a BOM, the ``declared`` encoding (e.g. from an HTML meta tag), strict UTF-8,
    strict GB18030 (covers GBK and GB2312), then charset-normalizer's best guess. Raises
    :class:`DocumentError` when nothing gives text.
    """
    for encoding in _candidates(data, declared):
        try:
            text = data.decode(encoding)
        except (UnicodeDecodeError, LookupError):
            continue
        if _is_text(text):
            return text, encoding
    guess = _guess(data)
    if guess is not None:
        return guess
    raise DocumentError("无法识别的文件格式：内容不是文本，也不是 Word（.docx）、PDF 或网页文件。")


def _candidates(data: bytes, declared: str | None) -> list[str]:
    if data.startswith(codecs.BOM_UTF8):
        return ["utf-8-sig"]
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return ["utf-16"]
    candidates = []
    if declared:
        candidates.append(_normalise_encoding(declared))
    candidates += ["utf-8", "gb18030"]
    utf16 = _bomless_utf16(data)
    if utf16:
        candidates.insert(0, utf16)
    return candidates


def _normalise_encoding(name: str) -> str:
    """Map declared Chinese encodings to their superset GB18030."""
    name = name.strip().lower()
    return "gb18030" if name in {"gb2312", "gbk", "gb_2312-80", "x-gbk", "cp936", "euc-cn"} else name


def _bomless_utf16(data: bytes) -> str | None:
    """Recognise UTF-16 without a BOM by the NUL bytes of ASCII characters."""
    sample = data[:4096]
    if len(sample) < 16:
        return None
    even_nuls = sample[0::2].count(0)
    odd_nuls = sample[1::2].count(0)
    half = len(sample) // 2
    if odd_nuls > half * 0.3 and even_nuls < half * 0.05:
        return "utf-16-le"
    if even_nuls > half * 0.3 and odd_nuls < half * 0.05:
        return "utf-16-be"
    return None


def _guess(data: bytes) -> tuple[str, str] | None:
    """charset-normalizer's best guess, if it gives text."""
    from charset_normalizer import from_bytes

    best = from_bytes(data[:200_000]).best()
    if best is None or best.encoding is None:
        return None
    try:
        text = data.decode(best.encoding, errors="replace")
    except LookupError:
        return None
    if not _is_text(text) or text.count("\ufffd") > len(text) * 0.01:
        return None
    return text, best.encoding


def _is_text(text: str) -> bool:
    """Whether decoded ``text`` looks like text rather than binary data."""
    sample = text[:100_000]
    if not sample:
        return True
    controls = len(_CONTROL.findall(sample)) - sample.count("\ufeff")
    return controls <= max(8, len(sample) * MAX_CONTROL_SHARE)


def split_lines(text: str) -> list[str]:
    """Split text into lines: newlines normalised, control characters removed, text kept as is."""
    text = _NEWLINES.sub("\n", text)
    text = _CONTROL.sub("", text)
    lines = text.split("\n")
    if lines and lines[-1] == "":
        lines.pop()
    return lines
