"""Held-out-style corpus: every ``corpus/NN_name.txt`` parses to within F1 0.95 of its gold.

The gold files (``NN_name.json``) were annotated by hand following the ``luoshi.plan/1``
format; the scoring here re-implements its rules: sections ``(id)``, leads and cooperators
``(section, unit)``, targets ``(section, op, value, unit)`` as a multiset (the unit of a
``>`` 0 target ignored), task forces ``(part, role, unit)``; unit strings compared with ASCII
parentheses, no spaces, ``％`` as ``%`` and ``•``/``・`` as ``·``. The headline is the mean F1
of the five sets.
"""

import json
import re
from collections import Counter
from pathlib import Path

import pytest

from luoshi.docparse import parse

CORPUS = Path(__file__).parent / "corpus"
DOCUMENTS = sorted(CORPUS.glob("*.txt"))
_NORMAL = str.maketrans({"（": "(", "）": ")", "　": " ", "％": "%", "•": "·", "・": "·"})
SETS = ("sections", "leads", "cooperators", "targets", "task_forces")


def _norm(text) -> str:
    return re.sub(r"\s+", "", str(text).translate(_NORMAL))


def scored_items(plan: dict) -> dict[str, Counter]:
    """The five scored sets of a plan (multisets; all but targets hold each item once)."""
    items = {name: Counter() for name in SETS}
    for section in plan.get("sections", []):
        items["sections"][(_norm(section["id"]),)] = 1
    for task in plan.get("tasks", []):
        for role in ("leads", "cooperators"):
            for name in task.get(role, []):
                items[role][(_norm(task["section"]), _norm(name))] = 1
    for target in plan.get("targets", []):
        value = round(float(target["value"]), 6)
        unit = "" if target["op"] == ">" and value == 0 else _norm(target.get("unit") or "")
        items["targets"][(_norm(target["section"]), target["op"], value, unit)] += 1
    for force in plan.get("task_forces", []):
        for role in ("convenors", "deputy_convenors", "members"):
            for name in force.get(role, []):
                items["task_forces"][(_norm(force["part"]), role, _norm(name))] = 1
        if force.get("office"):
            items["task_forces"][(_norm(force["part"]), "office", _norm(force["office"]))] = 1
    return items


def f1(found: Counter, gold: Counter) -> float:
    hit = sum((found & gold).values())
    total_found, total_gold = sum(found.values()), sum(gold.values())
    precision = hit / total_found if total_found else (1.0 if not total_gold else 0.0)
    recall = hit / total_gold if total_gold else 1.0
    return 2 * precision * recall / (precision + recall) if precision + recall else 0.0


def plan_f1(found: dict, gold: dict) -> tuple[float, dict[str, float]]:
    found_items, gold_items = scored_items(found), scored_items(gold)
    scores = {name: f1(found_items[name], gold_items[name]) for name in SETS}
    return sum(scores.values()) / len(scores), scores


def test_the_corpus_is_there():
    assert len(DOCUMENTS) >= 10
    for path in DOCUMENTS:
        assert path.with_suffix(".json").exists(), path.name


@pytest.mark.parametrize("path", DOCUMENTS, ids=[path.stem for path in DOCUMENTS])
def test_document_scores_against_its_gold(path):
    gold = json.loads(path.with_suffix(".json").read_text(encoding="utf-8"))
    headline, scores = plan_f1(parse(path), gold)
    assert headline >= 0.95, f"{path.name}: plan F1 {headline:.3f} {scores}"


def test_gold_files_are_consistent():
    """Every task and target points at a section of its gold; parents exist."""
    for path in DOCUMENTS:
        gold = json.loads(path.with_suffix(".json").read_text(encoding="utf-8"))
        assert gold["schema"] == "luoshi.plan/1"
        ids = {section["id"] for section in gold["sections"]}
        assert len(ids) == len(gold["sections"]), path.name
        for section in gold["sections"]:
            assert section["parent"] is None or section["parent"] in ids, (path.name, section["id"])
        for item in gold["tasks"] + gold["targets"]:
            assert item["section"] in ids, (path.name, item["section"])


def test_scorer_counts_equal_targets_twice():
    gold = {"targets": [{"section": "a", "op": ">=", "value": 30, "unit": "%"}] * 2}
    found = {"targets": [{"section": "a", "op": ">=", "value": 30, "unit": "％"}]}
    _, scores = plan_f1(found, gold)
    assert scores["targets"] == pytest.approx(2 / 3)
    assert plan_f1(gold, gold)[0] == 1.0
