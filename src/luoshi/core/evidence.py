"""Evidence files (佐证材料), attached to reports and to supervision steps alike: which
files are taken (type, size, not empty), and how one is kept (its bytes in the storage,
its name, size and SHA-256 on the row)."""

import hashlib
from collections.abc import Iterable
from dataclasses import dataclass

from django.core.files.base import ContentFile

from luoshi.core import limits

SUFFIXES = {
    ".pdf",
    ".jpg",
    ".jpeg",
    ".png",
    ".doc",
    ".docx",
    ".xls",
    ".xlsx",
    ".ppt",
    ".pptx",
    ".txt",
    ".zip",
    ".ofd",
    ".wps",
}


@dataclass(frozen=True)
class EvidenceFile:
    """An uploaded file: its name and bytes."""

    name: str
    content: bytes


class EvidenceError(ValueError):
    """A file refused, the reason in Chinese naming the file."""


def suffix_of(name: str) -> str:
    return ("." + name.rsplit(".", 1)[-1].lower()) if "." in name else ""


def check(files: Iterable[EvidenceFile]) -> list[EvidenceFile]:
    """The files, if every one is of a taken type, not empty and not too big."""
    files = list(files or ())
    for upload in files:
        if suffix_of(upload.name) not in SUFFIXES:
            raise EvidenceError(
                f"佐证材料 {upload.name} 的类型不受支持（可用：{'、'.join(sorted(SUFFIXES))}）"
            )
        if not upload.content:
            raise EvidenceError(f"佐证材料 {upload.name} 是空文件")
        most = limits.limit("upload_max_bytes")  # LUOSHI_UPLOAD_MAX_BYTES
        if len(upload.content) > most:
            raise EvidenceError(f"佐证材料 {upload.name} 超过 {most // 1024 // 1024} MB")
        code = limits.control_character(upload.name)
        if code:
            raise EvidenceError(limits.control_message("佐证材料的文件名", code))
    return files


def store(evidence, upload: EvidenceFile, user):
    """Keep ``upload`` on ``evidence`` (an unsaved ``Evidence`` or ``ItemEvidence``): the
    bytes in the storage, the row with name, size, SHA-256 and who uploaded it."""
    evidence.name = upload.name[:255]
    evidence.size = len(upload.content)
    evidence.sha256 = hashlib.sha256(upload.content).hexdigest()
    evidence.uploaded_by = user
    evidence.file.save(upload.name, ContentFile(upload.content), save=False)
    evidence.save()
    return evidence
