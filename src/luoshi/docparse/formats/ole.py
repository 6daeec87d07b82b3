"""OLE compound files (magic D0CF11E0): old .doc/.xls/.ppt, or an encrypted Office file.

None of them can be read; ``explain_ole`` says why and what the user can do.
"""

from __future__ import annotations


def _utf16(name: str) -> bytes:
    return name.encode("utf-16-le")


def explain_ole(data: bytes, ext: str = "") -> str:
    """A Chinese message for an OLE compound file, by the stream names it holds."""
    if _utf16("EncryptedPackage") in data or _utf16("EncryptionInfo") in data:
        return "该文件设置了密码（已加密），无法读取。请在 Word 中取消密码保护后另存为 .docx 再上传。"
    if _utf16("WordDocument") in data or ext in {"doc", "dot", "wps"}:
        return "这是旧版 Word 文档（.doc 格式），暂不支持。请用 Word 或 WPS 打开后另存为 .docx 格式再上传。"
    if _utf16("Workbook") in data or _utf16("Book") in data or ext in {"xls", "et"}:
        return "这是旧版 Excel 表格（.xls 格式），不是方案文档。请上传 Word（.docx）、PDF、网页或文本文件。"
    if _utf16("PowerPoint Document") in data or ext in {"ppt", "dps"}:
        return (
            "这是 PowerPoint 演示文稿（.ppt 格式），不是方案文档。请上传 Word（.docx）、PDF、网页或文本文件。"
        )
    return "这是旧版 Office 文件格式，暂不支持。请另存为 .docx 格式再上传。"
