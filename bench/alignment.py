"""Alignment (对标) suggestions against a hand-aligned pair: top-1 / top-3 accuracy, MRR,
the precision and recall of 无对应, and the matcher's time.

usage: python bench/alignment.py [--runs N] [--json]

The pair (see bench/README.md, "Alignment"): the lower side is the 116 tasks the parser reads
from the seed plan (西洞庭管理区实施“七大攻坚”总体方案), the upper side the 23 points of the
same document's 正文 “攻坚重点” (bench/data/alignment/xidongting-upper-points.tsv); the gold
is bench/data/alignment/xidongting-gold.json. A lower task counts as right at k when one of
its acceptable upper points is among the first k suggestions; a task whose gold is "none" is
right when the matcher says 无对应. The speed row matches 150 lower tasks against 300 upper
ones (the seed's tasks and sections, repeated) — the size of a district plan against a city's.
"""

import argparse
import json
import os
import platform
import statistics
import sys
import time
from pathlib import Path

import luoshi
from luoshi.docparse import parse
from luoshi.plans.alignment import Item, suggest

ROOT = Path(__file__).resolve().parent
DATA = ROOT / "data" / "alignment"
SEED = Path(luoshi.__file__).parent / "demo" / "plan" / "xidongting-qidagongjian-2025.txt"


def task_title(section: dict) -> str:
    """The task title the import gives (plans.services._task_title, without Django)."""
    if section.get("title"):
        return str(section["title"])
    text = (section.get("text") or "").split("\n")[0]
    return text[:60]


def lower_items(plan: dict) -> list[Item]:
    sections = {s["id"]: s for s in plan["sections"]}
    parts = {p["key"]: p["title"] for p in plan["parts"]}
    out = []
    for task in plan["tasks"]:
        section = sections[task["section"]]
        out.append(
            Item(
                key=task["section"],
                title=task_title(section),
                text=section.get("text") or "",
                context=parts.get(section["part"], ""),
                units=tuple(task["leads"]) + tuple(task["cooperators"]),
            )
        )
    return out


def upper_items() -> list[Item]:
    out = []
    for line in (DATA / "xidongting-upper-points.tsv").read_text(encoding="utf-8").splitlines():
        if not line or line.startswith("#"):
            continue
        key, campaign, text = line.split("\t")
        title, _, rest = text.partition("。")
        out.append(Item(key=key, title=title if rest else "", text=rest or text, context=campaign))
    return out


def score(suggestions: list, gold: dict[str, list[str]]) -> dict:
    top1 = top3 = 0
    reciprocal = 0.0
    said_none = right_none = gold_none = 0
    misses = []
    for s in suggestions:
        want = gold[s.key]
        keys = ["none"] if s.none else []
        keys += [c.key for c in s.candidates]
        if s.none:
            said_none += 1
        if want == ["none"]:
            gold_none += 1
            right_none += s.none
        rank = next((i for i, k in enumerate(keys) if k in want), None)
        if rank is not None:
            top1 += rank == 0
            top3 += rank < 3
            reciprocal += 1 / (rank + 1)
        if rank != 0:
            misses.append((s.key, want, keys[:3]))
    n = len(suggestions)
    return {
        "tasks": n,
        "top1": top1 / n,
        "top3": top3 / n,
        "mrr": reciprocal / n,
        "none_said": said_none,
        "none_precision": right_none / said_none if said_none else None,
        "none_recall": right_none / gold_none if gold_none else None,
        "misses": misses,
    }


def timing(upper: list[Item], lower: list[Item], runs: int) -> tuple[float, float]:
    wall, cpu = [], []
    for _ in range(runs):
        start, start_cpu = time.perf_counter(), time.process_time()
        suggest(upper, lower)
        wall.append(time.perf_counter() - start)
        cpu.append(time.process_time() - start_cpu)
    return statistics.median(wall) * 1000, statistics.median(cpu) * 1000


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--json", action="store_true")
    parser.add_argument("--misses", action="store_true", help="list the tasks not right at top 1")
    args = parser.parse_args()

    plan = parse(SEED)
    lower = lower_items(plan)
    upper = upper_items()
    gold = json.loads((DATA / "xidongting-gold.json").read_text(encoding="utf-8"))["gold"]
    assert set(gold) == {i.key for i in lower}, "gold and parse disagree on the tasks"
    result = score(suggest(upper, lower), gold)
    pair_ms = timing(upper, lower, args.runs)

    # Size row: 150 lower tasks against 300 upper items made of the seed's own sections.
    sections = [s for s in plan["sections"] if s.get("text")]
    big_upper = [Item(f"s{i}", s.get("title") or "", s["text"]) for i, s in enumerate((sections * 3)[:300])]
    big_lower = (lower * 2)[:150]
    size_ms = timing(big_upper, big_lower, args.runs)

    load = os.getloadavg()
    report = {k: v for k, v in result.items() if k != "misses"}
    report |= {
        "pair_ms_wall": round(pair_ms[0], 1),
        "pair_ms_cpu": round(pair_ms[1], 1),
        "150x300_ms_wall": round(size_ms[0], 1),
        "150x300_ms_cpu": round(size_ms[1], 1),
        "load": [round(x, 2) for x in load],
        "python": platform.python_version(),
    }
    if args.json:
        print(json.dumps(report, ensure_ascii=False, indent=1))
    else:
        print(
            f"pair: {len(lower)} lower tasks x {len(upper)} upper points (random top-3: {3 / len(upper):.0%})"
        )
        print(f"top-1 {result['top1']:.1%}  top-3 {result['top3']:.1%}  MRR {result['mrr']:.3f}")
        p, r = result["none_precision"], result["none_recall"]
        print(
            f"无对应: said {result['none_said']}, precision "
            f"{'-' if p is None else f'{p:.0%}'}, recall {'-' if r is None else f'{r:.0%}'}"
        )
        print(f"matcher, the pair: {pair_ms[0]:.1f} ms wall, {pair_ms[1]:.1f} ms CPU (median of {args.runs})")
        print(f"matcher, 150 x 300: {size_ms[0]:.1f} ms wall, {size_ms[1]:.1f} ms CPU")
        print(f"load average {load[0]:.2f} {load[1]:.2f} {load[2]:.2f}")
    if args.misses:
        for key, want, got in result["misses"]:
            print(f"  {key}: gold {want}, got {got}", file=sys.stderr)


if __name__ == "__main__":
    main()
