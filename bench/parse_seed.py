"""Time the plan parser on one document: median in-process parse, and ``luoshi parse`` end to end.

usage: python bench/parse_seed.py [PLAN.txt] [--runs N] [--parses-only N]

Bars: in-process median < 10 ms; end to end (a fresh process, reading, parsing, printing the
JSON) < 1 s. Default document: the demo plan the package ships.

``--parses-only N`` parses the document N times, each cold, and prints nothing: run it under
``valgrind --tool=callgrind`` with N and with 0, and the difference over N is the number of
instructions one cold parse takes, a figure that other work on the machine does not change.
"""

import argparse
import shutil
import statistics
import subprocess
import sys
import time
from pathlib import Path

import luoshi
from luoshi.docparse import clear_caches, parse, parse_lines, read_document

DEMO = Path(luoshi.__file__).parent / "demo" / "plan" / "xidongting-qidagongjian-2025.txt"


def in_process(path: Path, runs: int) -> tuple[float, float, float]:
    """Median milliseconds of ``parse_lines`` alone (wall and CPU time) and of ``parse``
    (reading included). CPU time is the steadier figure on a machine shared with other work."""
    lines = read_document(path).lines
    core, cpu, whole = [], [], []
    for _ in range(runs):
        clear_caches()  # each run starts cold, as a fresh process would
        start, start_cpu = time.perf_counter(), time.process_time()
        parse_lines(lines)
        core.append(time.perf_counter() - start)
        cpu.append(time.process_time() - start_cpu)
        clear_caches()
        start = time.perf_counter()
        parse(path)
        whole.append(time.perf_counter() - start)
    return statistics.median(core) * 1000, statistics.median(cpu) * 1000, statistics.median(whole) * 1000


def end_to_end(path: Path, runs: int) -> tuple[str, float]:
    """Median seconds of the command in a fresh process, printing the JSON."""
    script = shutil.which("luoshi", path=str(Path(sys.executable).parent))
    if script:
        command = [script, "parse", str(path), "--json"]
    else:
        command = [sys.executable, "-m", "luoshi.docparse.command", str(path), "--json"]
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        subprocess.run(command, check=True, stdout=subprocess.DEVNULL)
        times.append(time.perf_counter() - start)
    return " ".join(Path(part).name for part in command[:3]), statistics.median(times)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("plan", nargs="?", type=Path, default=DEMO)
    parser.add_argument("--runs", type=int, default=30)
    parser.add_argument("--parses-only", type=int, metavar="N", help="N cold parses, no output")
    args = parser.parse_args()
    if args.parses_only is not None:
        lines = read_document(args.plan).lines
        clear_caches()
        parse_lines(lines)  # the imports and compiled patterns, as in any process
        for _ in range(args.parses_only):
            clear_caches()
            parse_lines(lines)
        return 0
    core_ms, cpu_ms, whole_ms = in_process(args.plan, args.runs)
    label, seconds = end_to_end(args.plan, max(3, args.runs // 6))
    print(f"document: {args.plan.name} ({args.plan.stat().st_size} bytes)")
    print(f"parse_lines median over {args.runs} runs: {core_ms:.1f} ms (bar < 10 ms)")
    print(f"parse_lines CPU time median over {args.runs} runs: {cpu_ms:.1f} ms")
    print(f"parse (read + parse) median over {args.runs} runs: {whole_ms:.1f} ms")
    print(f"end to end `{label} … --json` median: {seconds * 1000:.0f} ms (bar < 1 s)")
    return 0 if core_ms < 10 and seconds < 1 else 1


if __name__ == "__main__":
    sys.exit(main())
