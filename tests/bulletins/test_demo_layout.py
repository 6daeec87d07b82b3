"""The demo's May and June bulletins as an office would send them, rendered by LibreOffice:
the body before 附件 within three pages, 主送 and 版记 present, 28 characters on every
full body line, no task code in the body, and a 下步工作要求 written from each month's own
findings. Then June issued once: a second issue is refused naming the first, and the
file verifies."""

import re
import shutil
import subprocess

import pytest

from .conftest import soffice

pytestmark = pytest.mark.skipif(
    soffice() is None or shutil.which("pdftotext") is None,
    reason="LibreOffice 或 pdftotext 未安装（apt-get install libreoffice-writer-nogui poppler-utils）",
)

TASK_CODE = re.compile(r"附件\d+/|/\(|\(\S\)/")


def layout_pages(pdf) -> list[list[str]]:
    """The PDF's pages as lines, the way ``pdftotext -layout`` lays them out."""
    out = subprocess.run(["pdftotext", "-layout", str(pdf), "-"], capture_output=True, text=True, check=True)
    return [page.split("\n") for page in out.stdout.split("\f") if page.strip()]


def body_pages(pages: list[list[str]]) -> list[list[str]]:
    """The pages before the first 附件 page."""
    for index, page in enumerate(pages):
        lines = [line.strip() for line in page if line.strip()]
        if lines and re.fullmatch(r"附件\s*1", lines[0]):
            return pages[:index]
    return pages


def full_lines(pages: list[list[str]]) -> list[str]:
    """Body lines a paragraph goes on from (the next line is not indented), between the
    主送 and the 附件说明, made of full-width characters only: their count does not depend
    on how wide the fallback font draws digits."""
    out, inside = [], False
    for page in pages:
        lines = [line for line in page if line.strip()]
        for line, following in zip(lines, lines[1:], strict=False):
            if "各攻坚专班" in line:
                inside = True
                continue
            if line.strip().startswith("附件："):
                inside = False
            if not inside or following.startswith(" ") or re.search(r"\S\s{3,}\S", line):
                continue
            if not any(ord(c) < 0x2000 and not c.isspace() for c in line):
                out.append(line)
    return out


def width(line: str) -> int:
    """Characters on a line, the first-line indent of two counted."""
    return sum(1 for c in line.strip() if not c.isspace()) + (2 if line.startswith("  ") else 0)


def next_steps(pages) -> str:
    text = "".join("".join(line.split()) for page in pages for line in page)
    return text[text.index("四、下步工作要求") : text.index("附件：")]


def render(run_luoshi, database_url, tmp_path, month: str, *extra) -> tuple[list[list[str]], str]:
    path = tmp_path / f"{month}.docx"
    result = run_luoshi("bulletin", "--month", month, "-o", str(path), *extra, database_url=database_url)
    assert result.returncode == 0, result.stderr
    subprocess.run(
        [
            soffice(),
            f"-env:UserInstallation={(tmp_path / 'lo-profile').as_uri()}",
            "--headless",
            "--convert-to",
            "pdf",
            "--outdir",
            str(tmp_path),
            str(path),
        ],
        check=True,
        capture_output=True,
        timeout=180,
        stdin=subprocess.DEVNULL,
    )
    return layout_pages(tmp_path / f"{month}.pdf"), result.stdout


def test_demo_bulletins_read_as_a_county_bulletin_in_libreoffice(run_luoshi, fresh_database_url, tmp_path):
    demo = run_luoshi("demo", "--no-serve", database_url=fresh_database_url, timeout=600)
    assert demo.returncode == 0, demo.stderr
    june, _out = render(run_luoshi, fresh_database_url, tmp_path, "2025-06")
    may, _out = render(run_luoshi, fresh_database_url, tmp_path, "2025-05")

    body = body_pages(june)
    assert 1 < len(body) <= 3 < len(june)  # the lists are in the 附件 pages
    text = "".join("".join(line.split()) for page in june for line in page)
    assert "各攻坚专班、各责任单位：" in text  # 主送
    assert re.search(r"抄送：.+。.+2025年\d+月\d+日印发", text)  # 版记, at the end
    body_text = "".join("".join(line.split()) for page in body for line in page)
    assert not TASK_CODE.search(body_text), TASK_CODE.search(body_text)
    assert ">=" not in body_text and "(" not in body_text
    assert "统计截止日期" in body_text and "2025年6月30日" in body_text

    lines = full_lines(body)
    assert len(lines) >= 5  # full lines of full-width characters only, on three pages
    assert all(27 <= width(line) <= 29 for line in lines), [
        (width(x), x) for x in lines if not 27 <= width(x) <= 29
    ]

    assert next_steps(may) != next_steps(june)
    assert "7月底前" in next_steps(june) and "6月底前" in next_steps(may)

    # June issued once; a second issue names the first; the file verifies
    issued = tmp_path / "issued.docx"
    first = run_luoshi(
        "bulletin", "--month", "2025-06", "--issue", "-o", str(issued), database_url=fresh_database_url
    )
    assert first.returncode == 0, first.stderr
    again = run_luoshi(
        "bulletin",
        "--month",
        "2025-06",
        "--issue",
        "-o",
        str(tmp_path / "again.docx"),
        database_url=fresh_database_url,
    )
    assert again.returncode != 0
    assert "2025年6月的月通报已于" in again.stderr and "2025年第2期" in again.stderr
    verified = run_luoshi("bulletin", "verify", str(issued), database_url=fresh_database_url)
    assert verified.returncode == 0 and "是印发的原件：2025年第2期" in verified.stdout
    from docx import Document

    document = Document(str(issued))
    document.paragraphs[-1].add_run("（改）")
    changed = tmp_path / "changed.docx"
    document.save(str(changed))
    refused = run_luoshi("bulletin", "verify", str(changed), database_url=fresh_database_url)
    assert refused.returncode != 0 and "不一致" in refused.stderr
