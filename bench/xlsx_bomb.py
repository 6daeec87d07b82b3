"""How fast, and at what cost in memory, an uploaded workbook bomb is refused.

Builds two files in a temporary folder, streaming (neither is ever held in memory):

- ``bomb.xlsx``: about 1 MB on disk, one worksheet that expands to about 1 GB;
- ``rows.xlsx``: one worksheet of 1,000,000 rows (7 MB, some 36 MB expanded).

Each file goes through the real import paths, each in a fresh child process:
``upload`` is the Excel upload of reports (``reporting.excel.import_workbook``, what
填报 → 上传 and ``luoshi upload`` call) and ``ledger`` the ledger import of projects and
supervision (``core.sheets.read_rows``). The child reports the seconds until the refusal,
the extra peak memory (RSS high-water mark over the one before the call) and the memory
it still holds afterwards.

    .venv/bin/python bench/xlsx_bomb.py
    PYTHONPATH=/tmp/luoshi-before/src .venv/bin/python bench/xlsx_bomb.py   # another version

The bar: refused in under 1 s with under 100 MB extra memory.
"""

import argparse
import json
import os
import resource
import subprocess
import sys
import tempfile
import time
import zipfile
from pathlib import Path

BOMB_BYTES = 1024 * 1024 * 1024
ROWS = 1_000_000
CHUNK = 1024 * 1024
SHEET_HEAD = (
    b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
    b'<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>'
)
SHEET_TAIL = b"</sheetData></worksheet>"
PARTS = {
    "[Content_Types].xml": (
        '<?xml version="1.0" encoding="UTF-8"?>'
        '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
        '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
        '<Default Extension="xml" ContentType="application/xml"/>'
        '<Override PartName="/xl/workbook.xml" '
        'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>'
        '<Override PartName="/xl/worksheets/sheet1.xml" '
        'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>'
        "</Types>"
    ),
    "_rels/.rels": (
        '<?xml version="1.0" encoding="UTF-8"?>'
        '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
        '<Relationship Id="rId1" '
        'Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" '
        'Target="xl/workbook.xml"/></Relationships>'
    ),
    "xl/workbook.xml": (
        '<?xml version="1.0" encoding="UTF-8"?>'
        '<workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" '
        'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships">'
        '<sheets><sheet name="任务填报" sheetId="1" r:id="rId1"/></sheets></workbook>'
    ),
    "xl/_rels/workbook.xml.rels": (
        '<?xml version="1.0" encoding="UTF-8"?>'
        '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
        '<Relationship Id="rId1" '
        'Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" '
        'Target="worksheets/sheet1.xml"/></Relationships>'
    ),
}


def _workbook(path: Path, write_sheet) -> None:
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as archive:
        for name, text in PARTS.items():
            archive.writestr(name, text)
        info = zipfile.ZipInfo("xl/worksheets/sheet1.xml", date_time=(2025, 7, 15, 0, 0, 0))
        info.compress_type = zipfile.ZIP_DEFLATED
        with archive.open(info, "w", force_zip64=True) as sheet:
            sheet.write(SHEET_HEAD)
            write_sheet(sheet)
            sheet.write(SHEET_TAIL)


def make_bomb(path: Path) -> None:
    """One cell of about 1 GB of the same letter: deflate packs it a thousand to one."""

    def write(sheet):
        sheet.write(b'<row r="1"><c r="A1" t="inlineStr"><is><t>')
        block = b"a" * CHUNK
        for _ in range(BOMB_BYTES // CHUNK):
            sheet.write(block)
        sheet.write(b"</t></is></c></row>")

    _workbook(path, write)


def make_rows(path: Path) -> None:
    """A million numbered rows of one number each, written a thousand rows at a time."""

    def write(sheet):
        for start in range(1, ROWS + 1, 1000):
            rows = (f'<row r="{n}"><c><v>{n}</v></c></row>' for n in range(start, start + 1000))
            sheet.write("".join(rows).encode())

    _workbook(path, write)


# ---------------------------------------------------------------- one measurement, in a child


def _rss_kb() -> int:
    with open("/proc/self/statm") as statm:
        return int(statm.read().split()[1]) * os.sysconf("SC_PAGE_SIZE") // 1024


def measure(path: str, entry: str) -> dict:
    import django

    django.setup()
    import luoshi
    from luoshi.accounts.permissions import SYSTEM
    from luoshi.core.sheets import Field, read_rows
    from luoshi.reporting.excel import import_workbook

    data = Path(path).read_bytes()
    before = _rss_kb()
    started = time.perf_counter()
    try:
        if entry == "upload":
            import_workbook(SYSTEM, data)
        else:
            read_rows(data, Path(path).name, [Field("name", ("项目名称",), required=True)])
        message = "accepted (!)"
    except Exception as exc:  # the refusal is what is measured
        message = f"{exc.__class__.__name__}: {str(exc).splitlines()[0][:90]}"
    seconds = time.perf_counter() - started
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return {
        "seconds": round(seconds, 3),
        # over the memory in use before the call (an earlier high-water mark counts against us)
        "extra_peak_mb": round(max(peak - before, 0) / 1024, 1),  # the two counters differ by a few pages
        "held_after_mb": round((_rss_kb() - before) / 1024, 1),
        "message": message,
        "code": str(Path(luoshi.__file__).parent),
    }


def run_child(path: Path, entry: str, data_dir: str, timeout: int) -> dict:
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "luoshi.settings", "LUOSHI_DATA_DIR": data_dir}
    env.pop("LUOSHI_DATABASE_URL", None)
    try:
        done = subprocess.run(
            [sys.executable, __file__, "--one", str(path), entry],
            capture_output=True,
            text=True,
            env=env,
            timeout=timeout,
            check=False,
        )
    except subprocess.TimeoutExpired:
        return {"seconds": f">{timeout}", "extra_peak_mb": "?", "held_after_mb": "?", "message": "timed out"}
    lines = [line for line in done.stdout.splitlines() if line.startswith("{")]
    if not lines:
        return {"seconds": "?", "extra_peak_mb": "?", "held_after_mb": "?", "message": done.stderr[-300:]}
    return json.loads(lines[-1])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--one", nargs=2, metavar=("FILE", "ENTRY"), help=argparse.SUPPRESS)
    parser.add_argument("--timeout", type=int, default=600, help="seconds each measurement may take")
    args = parser.parse_args()
    if args.one:
        print(json.dumps(measure(*args.one), ensure_ascii=False))
        return
    with tempfile.TemporaryDirectory() as folder:
        base = Path(folder)
        files = {"bomb.xlsx": make_bomb, "rows.xlsx": make_rows}
        for name, make in files.items():
            started = time.perf_counter()
            make(base / name)
            with zipfile.ZipFile(base / name) as archive:
                expanded = sum(i.file_size for i in archive.infolist())
            print(
                f"{name}: {(base / name).stat().st_size / 1024 / 1024:.1f} MB on disk, "
                f"{expanded / 1024 / 1024:.0f} MB expanded (built in {time.perf_counter() - started:.1f} s)"
            )
        print(f"{'file':<10} {'entry':<7} {'seconds':>8} {'extra peak MB':>14} {'held MB':>8}  refusal")
        code = ""
        for name in files:
            for entry in ("upload", "ledger"):
                result = run_child(base / name, entry, str(base / "data"), args.timeout)
                code = result.get("code", code)
                print(
                    f"{name:<10} {entry:<7} {result['seconds']:>8} {result['extra_peak_mb']:>14} "
                    f"{result['held_after_mb']:>8}  {result['message']}"
                )
        print(f"code: {code}")


if __name__ == "__main__":
    main()
