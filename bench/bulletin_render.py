"""Time the monthly bulletin for a large plan: 1,000 tasks, 60 units.

usage: python bench/bulletin_render.py [--tasks N] [--units N] [--runs N] [--pdf DIR]

Builds a throw-away SQLite database in a temporary directory, imports a generated plan
(7 campaigns, one lead and one cooperator per task, 70 targets), files and accepts one
旬 of reports for most tasks through the reporting services, then times, as median of
``--runs``:

- gather: ``gather_monthly`` (status as of the month end and the one before, reporting of
  the periods due in the month, targets);
- text: the four sections written from the month's findings;
- docx: the blocks laid out on the GB/T 9704 template (body, 附件 tables, 版记);
- bulletin: all together, what a click on 生成六月通报 costs — bar < 1 s.

With ``--pdf DIR`` it also renders the Word file with LibreOffice and counts the pages of
the body before 附件 (bar: at most 4 at 1,000 tasks). It exits 1 when a bar is missed.
"""

import argparse
import os
import statistics
import sys
import tempfile
import time

BAR_SECONDS = 1.0
BAR_BODY_PAGES = 4


def setup_django(data_dir: str) -> None:
    for key in [k for k in os.environ if k.startswith("LUOSHI_")]:
        del os.environ[key]
    os.environ["LUOSHI_DATA_DIR"] = data_dir
    os.environ["LUOSHI_SECRET_KEY"] = "bench-only"
    os.environ["DJANGO_SETTINGS_MODULE"] = "luoshi.settings"
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)


def make_plan(tasks: int, units: int) -> dict:
    campaigns = 7
    names = [f"区第{i + 1:02d}局" for i in range(units)]
    plan = {
        "schema": "luoshi.plan/1",
        "title": "大区实施“七大攻坚”总体方案",
        "issuer": "大区人民政府办公室",
        "doc_number": "大政办发〔2025〕1号",
        "date": "2025-03-10",
        "parts": [{"key": "正文", "title": "大区实施“七大攻坚”总体方案"}]
        + [{"key": f"附件{c + 1}", "title": f"第{c + 1}攻坚实施方案"} for c in range(campaigns)],
        "sections": [],
        "tasks": [],
        "targets": [],
        "task_forces": [],
    }
    for c in range(campaigns):
        part = f"附件{c + 1}"
        plan["sections"].append(
            {
                "id": f"{part}/一",
                "part": part,
                "parent": None,
                "number": "一",
                "title": "重点任务",
                "text": "",
            }
        )
    for i in range(tasks):
        part = f"附件{i % campaigns + 1}"
        sid = f"{part}/一/({i + 1})"
        lead, cooperator = names[i % units], names[(i * 7 + 3) % units]
        plan["sections"].append(
            {
                "id": sid,
                "part": part,
                "parent": f"{part}/一",
                "number": f"({i + 1})",
                "title": f"重点任务第{i + 1}项",
                "text": f"推进第{i + 1}项工作，新增项目{i % 9 + 1}个。({lead}牵头负责，{cooperator}配合)",
            }
        )
        plan["tasks"].append(
            {"section": sid, "leads": [lead], "cooperators": [cooperator], "deadline": "2025-12-31"}
        )
        if i % 15 == 0:
            plan["targets"].append(
                {
                    "section": sid,
                    "text": f"新增项目{i % 9 + 1}个",
                    "subject": f"第{i + 1}项新增项目",
                    "op": ">=",
                    "value": i % 9 + 1,
                    "unit": "个",
                }
            )
    return plan


def file_reports(plan) -> int:
    import datetime as dt

    from luoshi.accounts.permissions import SYSTEM
    from luoshi.core.clock import store_fixed_today
    from luoshi.plans.choices import TaskRole
    from luoshi.plans.models import TaskUnit
    from luoshi.reporting.services import ReportData, accept_report, approve_report, save_draft, submit_report

    count = 0
    leads = list(
        TaskUnit.objects.filter(task__plan=plan, role=TaskRole.LEAD).select_related(
            "task__plan", "task__section", "unit"
        )
    )
    # three 旬 reported, the last two due in June: most on time, one task in ten never
    for step, (period, day) in enumerate(
        [
            ("2025-05-2", dt.date(2025, 5, 22)),
            ("2025-06-1", dt.date(2025, 6, 11)),
            ("2025-06-2", dt.date(2025, 6, 21)),
        ]
    ):
        store_fixed_today(day)
        for index, task_unit in enumerate(leads):
            if index % 10 == 9:
                continue
            progress = [5, 15, 25, 30, 40][index % 5] + 5 * step  # some lag, some on track
            draft = save_draft(
                SYSTEM,
                task_unit.task,
                task_unit.unit,
                period,
                ReportData(
                    progress=progress,
                    progress_text="按计划推进",
                    problems=["资金未到位", "用地指标未落实", ""][index % 3] if progress < 25 else "",
                    next_steps="加快推进",
                ),
            )
            accept_report(SYSTEM, approve_report(SYSTEM, submit_report(SYSTEM, draft)))
            count += 1
    store_fixed_today(dt.date(2025, 7, 3))
    return count


CPU: dict[str, float] = {}


def timed(func, runs: int, name: str = ""):
    """Median wall time of ``runs`` calls (and, under ``name`` in ``CPU``, the median CPU
    time of this process: what the figure is on a machine shared with other work)."""
    times, cpu, result = [], [], None
    for _ in range(runs):
        start, start_cpu = time.perf_counter(), time.process_time()
        result = func()
        times.append(time.perf_counter() - start)
        cpu.append(time.process_time() - start_cpu)
    if name:
        CPU[name] = statistics.median(cpu)
    return statistics.median(times), result


def body_pages(content: bytes, directory: str) -> tuple[int, int]:
    """(pages before 附件, all pages) of the Word file as LibreOffice lays it out."""
    import pathlib
    import re
    import shutil
    import subprocess

    folder = pathlib.Path(directory)
    folder.mkdir(parents=True, exist_ok=True)
    source = folder / "bench-bulletin.docx"
    source.write_bytes(content)
    program = shutil.which("soffice") or shutil.which("libreoffice")
    subprocess.run(
        [program, "--headless", "--convert-to", "pdf", "--outdir", str(folder), str(source)],
        check=True,
        capture_output=True,
        timeout=300,
    )
    text = subprocess.run(
        ["pdftotext", "-layout", str(folder / "bench-bulletin.pdf"), "-"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    pages = [page for page in text.split("\f") if page.strip()]
    for index, page in enumerate(pages):
        lines = [line.strip() for line in page.splitlines() if line.strip()]
        if lines and re.fullmatch(r"附件\s*1", lines[0]):
            return index, len(pages)
    return len(pages), len(pages)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--tasks", type=int, default=1000)
    parser.add_argument("--units", type=int, default=60)
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--pdf", help="render with LibreOffice into this folder and count the body's pages")
    args = parser.parse_args()

    with tempfile.TemporaryDirectory(prefix="luoshi-bench-") as data_dir:
        setup_django(data_dir)
        import datetime as dt

        from luoshi.accounts.permissions import SYSTEM
        from luoshi.bulletins import narrative
        from luoshi.bulletins.monthly import gather_monthly
        from luoshi.bulletins.render_docx import render_monthly
        from luoshi.plans.services import import_plan

        start = time.perf_counter()
        plan = import_plan(SYSTEM, make_plan(args.tasks, args.units)).plan
        reports = file_reports(plan)
        print(
            f"set-up: {args.tasks} tasks, {args.units} units, {reports} reports in {time.perf_counter() - start:.1f} s"
        )

        month = dt.date(2025, 6, 1)
        day = dt.date(2025, 7, 3)
        gather_monthly(plan, month)  # warm the calendar caches once, as a server has

        gather_s, data = timed(lambda: gather_monthly(plan, month), args.runs, "gather")
        text_s, texts = timed(lambda: narrative.generate(data), args.runs, "text")
        docx_s, content = timed(lambda: render_monthly(data, texts, number=6, day=day), args.runs, "docx")

        def whole():
            fresh = gather_monthly(plan, month)
            return render_monthly(fresh, narrative.generate(fresh), number=6, day=day)

        total_s, content = timed(whole, args.runs, "bulletin")

    print(f"lagging tasks in the bulletin: {len(data.lagging)}; reporting rows: {len(data.reporting)}")
    print(f"docx size: {len(content) / 1024:.0f} kB")
    print(f"gather median:   {gather_s * 1000:.0f} ms")
    print(f"text median:     {text_s * 1000:.0f} ms")
    print(f"docx median:     {docx_s * 1000:.0f} ms")
    print(f"bulletin median: {total_s * 1000:.0f} ms (bar < {BAR_SECONDS:.0f} s)")
    print("CPU medians:     " + ", ".join(f"{name} {value * 1000:.0f} ms" for name, value in CPU.items()))
    failed = total_s >= BAR_SECONDS
    if args.pdf:
        body, pages = body_pages(content, args.pdf)
        print(f"LibreOffice: {pages} pages, body before 附件 {body} (bar <= {BAR_BODY_PAGES})")
        failed = failed or body > BAR_BODY_PAGES
    if failed:
        print("bar missed", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
