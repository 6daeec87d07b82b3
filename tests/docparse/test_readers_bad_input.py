"""Input that is no readable document gives a clear Chinese message, never a traceback."""

import io
import zipfile

import docx
import pytest

from luoshi.docparse.readers import DocumentError, read_document

OLE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"


def docx_bytes(text="正文") -> bytes:
    document = docx.Document()
    document.add_paragraph(text)
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def ole_file(*streams: str) -> bytes:
    """The start of an OLE compound file whose directory names ``streams``."""
    directory = b"".join(name.encode("utf-16-le").ljust(128, b"\x00") for name in streams)
    return OLE + b"\x00" * 504 + directory + b"\x00" * 1024


def test_corrupt_docx_is_refused():
    data = docx_bytes()
    with pytest.raises(DocumentError, match="文件已损坏"):
        read_document(data[: len(data) // 2], filename="plan.docx")


def test_docx_with_damaged_xml_is_refused():
    buffer = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(docx_bytes())) as source, zipfile.ZipFile(buffer, "w") as target:
        for entry in source.infolist():
            content = source.read(entry)
            if entry.filename == "word/document.xml":
                content = content[:200]
            target.writestr(entry, content)
    with pytest.raises(DocumentError, match="Word 文件已损坏"):
        read_document(buffer.getvalue(), filename="plan.docx")


def test_zip_that_is_no_word_document_is_refused():
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("readme.txt", "hello")
    with pytest.raises(DocumentError, match="不是 Word"):
        read_document(buffer.getvalue(), filename="plan.docx")


def test_excel_workbook_is_refused_with_a_hint():
    import openpyxl

    buffer = io.BytesIO()
    openpyxl.Workbook().save(buffer)
    with pytest.raises(DocumentError, match="Excel"):
        read_document(buffer.getvalue(), filename="plan.docx")


def test_encrypted_docx_is_refused():
    with pytest.raises(DocumentError, match="加密"):
        read_document(ole_file("Root Entry", "EncryptionInfo", "EncryptedPackage"), filename="plan.docx")


def test_old_doc_format_asks_to_save_as_docx():
    with pytest.raises(DocumentError, match=r"另存为 \.docx"):
        read_document(ole_file("Root Entry", "WordDocument", "1Table"), filename="plan.doc")


def test_rtf_asks_to_save_as_docx():
    with pytest.raises(DocumentError, match=r"另存为 \.docx"):
        read_document(b"{\\rtf1\\ansi hello}", filename="plan.doc")


def write_zip_bomb(path, megabytes=200):
    """A docx-looking zip whose word/document.xml inflates to ``megabytes`` MB of zeros."""
    chunk = b"\x00" * (1024 * 1024)
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        with archive.open("word/document.xml", "w") as entry:
            for _ in range(megabytes):
                entry.write(chunk)


def test_zip_bomb_is_refused_before_extraction(tmp_path):
    path = tmp_path / "bomb.docx"
    write_zip_bomb(path)
    assert path.stat().st_size < 1024 * 1024
    with pytest.raises(DocumentError, match="压缩炸弹"):
        read_document(path)


def test_docx_with_too_much_xml_is_refused(tmp_path):
    import random

    rng = random.Random(3)
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_STORED) as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("word/document.xml", "<w/>")
        for index in range(6):
            archive.writestr(f"word/part{index}.xml", rng.randbytes(9 * 1024 * 1024))
    with pytest.raises(DocumentError, match="超过本系统的读取上限"):
        read_document(buffer.getvalue())


def test_pdf_header_with_garbage_is_refused():
    with pytest.raises(DocumentError, match="PDF 文件已损坏"):
        read_document(b"%PDF-1.4\n" + bytes(range(256)) * 10, filename="plan.pdf")


def test_unsupported_source_type_is_refused():
    with pytest.raises(DocumentError):
        read_document(12345)


def test_directory_is_refused(tmp_path):
    with pytest.raises(DocumentError, match="文件夹"):
        read_document(tmp_path)


@pytest.mark.parametrize(
    "data",
    [b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 40, b"\x7fELF" + bytes(range(256)) * 40, bytes(2048)],
    ids=["png", "elf", "zeros"],
)
def test_binary_files_are_refused(data):
    with pytest.raises(DocumentError):
        read_document(data, filename="plan.txt")
