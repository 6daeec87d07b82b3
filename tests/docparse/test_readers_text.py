"""Text files: encodings (UTF-8, BOM, GBK/GB18030, UTF-16), newlines, control characters, size cap."""

import codecs

import pytest

from luoshi.docparse.readers import DocumentError, read_document

PLAN = "西洞庭管理区实施“七大攻坚”总体方案\n一、攻坚目标\n（一）实施内需扩量提效攻坚。（区发改局牵头负责）\n"
LINES = [
    "西洞庭管理区实施“七大攻坚”总体方案",
    "一、攻坚目标",
    "（一）实施内需扩量提效攻坚。（区发改局牵头负责）",
]


@pytest.mark.parametrize(
    "data",
    [
        PLAN.encode("utf-8"),
        codecs.BOM_UTF8 + PLAN.encode("utf-8"),
        PLAN.encode("gbk"),
        PLAN.encode("gb18030"),
        PLAN.encode("utf-16"),
        PLAN.encode("utf-16-le"),
    ],
    ids=["utf-8", "utf-8-bom", "gbk", "gb18030", "utf-16-bom", "utf-16-le-no-bom"],
)
def test_encodings_give_the_same_lines(data):
    document = read_document(data, filename="plan.txt")
    assert document.lines == LINES
    assert document.warnings == []


def test_gbk_file_read_from_a_path(tmp_path):
    path = tmp_path / "方案.txt"
    path.write_bytes(PLAN.replace("\n", "\r\n").encode("gbk"))
    assert read_document(path).lines == LINES


def test_newlines_are_normalised_and_control_characters_removed():
    data = "第一行\r\n第二\x00行\r第三\x07行\n\x0c第四行\t有制表符\n".encode()
    assert read_document(data).lines == ["第一行", "第二行", "第三行", "", "第四行\t有制表符"]


def test_line_text_is_kept_as_written():
    data = "　　（一）全角括号与空格 \n1．全角点\n".encode()
    assert read_document(data).lines == ["　　（一）全角括号与空格 ", "1．全角点"]


def test_text_with_an_angle_bracket_is_not_html():
    data = "说明：a<b 时取较小值\n<注>不是标签\n".encode()
    assert read_document(data, filename="plan.txt").lines == ["说明：a<b 时取较小值", "<注>不是标签"]


@pytest.mark.parametrize("data", [b"", b"   \r\n\n", codecs.BOM_UTF8])
def test_empty_file_is_refused(data):
    with pytest.raises(DocumentError, match="文件为空"):
        read_document(data)


def test_empty_file_on_disk_is_refused(tmp_path):
    path = tmp_path / "empty.txt"
    path.write_bytes(b"")
    with pytest.raises(DocumentError, match="文件为空"):
        read_document(path)


def test_missing_file_is_a_document_error(tmp_path):
    with pytest.raises(DocumentError, match="找不到文件"):
        read_document(tmp_path / "nope.txt")


def test_random_bytes_are_refused():
    import random

    data = random.Random(7).randbytes(20_000)
    with pytest.raises(DocumentError, match="无法识别的文件格式"):
        read_document(data, filename="plan.txt")


def test_a_50_mb_text_is_read_up_to_the_cap_with_a_warning(tmp_path):
    line = "（一）实施内需扩量提效攻坚。着力推进良性循环，全面激发内需增长动能。\n".encode()
    path = tmp_path / "big.txt"
    chunk = line * (1024 * 1024 // len(line) + 1)
    with path.open("wb") as handle:
        for _ in range(50):
            handle.write(chunk)
    document = read_document(path)
    assert 0 < len(document.lines) <= 100_000
    assert all(text == line.decode().rstrip("\n") for text in document.lines[:100])
    [warning] = document.warnings
    assert "只读取了前" in warning["message"] and "MB 未读取" in warning["message"]


def test_a_50_mb_text_given_as_bytes_is_capped_too():
    data = ("一、" + "字" * 60 + "\n").encode("gbk") * 420_000
    document = read_document(data)
    assert document.lines[0] == "一、" + "字" * 60
    assert any("未读取" in warning["message"] for warning in document.warnings)


def test_too_many_lines_are_capped_with_a_warning():
    document = read_document(b"x\n" * 300_000)
    assert len(document.lines) == 100_000
    assert any("其余 200000 行未读取" in warning["message"] for warning in document.warnings)
