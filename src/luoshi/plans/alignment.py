"""Alignment (对标): which task of an upper plan a lower plan's task carries out.

Pure text matching, no Django: the services in ``plans.services`` hand it the tasks of the
two plans and store what it suggests. A task is compared by the character 2- and 3-grams of
its title, text and context (its 攻坚's title), weighted by TF-IDF over both plans, so the
words every plan repeats (加快, 推进, 加强, 全面 …) count for little and the specific ones
(保交房, 专项债券, 科技特派员 …) for much; the score is the cosine of the two vectors
(0 to 1). A lower task whose best score stays under ``NONE_BELOW`` is suggested as
无对应 (no counterpart upper task). Nothing is fetched and nothing is learnt: the same two
plans always give the same suggestions.
"""

from __future__ import annotations

import math
import re
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

# A lower task whose best candidate scores under this is suggested as 无对应.
NONE_BELOW = 0.05
TOP_K = 3

# The responsibility clause at the end of a task, e.g. (区科工局牵头负责，区财政局等按职责分工负责)
# or (牵头单位：区教育局): units, not content; they are matched separately.
_CLAUSE = re.compile(r"[（(][^（()）]*(?:牵头|负责|单位)[^（()）]*[)）]\s*$")
_KEEP = re.compile(r"[\u3400-\u9fffA-Za-z0-9]+")
# Unit names lose their level prefix so that 市发改委 and 区发改委 meet.
_LEVEL = re.compile(r"^(?:省|市|州|县|区|镇|乡|街道)")

TITLE_WEIGHT = 2.0
TEXT_WEIGHT = 1.0
CONTEXT_WEIGHT = 2.0
UNIT_WEIGHT = 0.5


@dataclass(frozen=True)
class Item:
    """A task as the matcher sees it: a key the caller chooses, and its words."""

    key: str
    title: str = ""
    text: str = ""
    context: str = ""
    units: tuple[str, ...] = ()


@dataclass(frozen=True)
class Candidate:
    key: str
    score: float


@dataclass(frozen=True)
class Suggestion:
    """The top candidates for one lower task; ``none`` when even the best is too weak."""

    key: str
    candidates: tuple[Candidate, ...]
    none: bool = field(default=False)

    @property
    def best(self) -> Candidate | None:
        return self.candidates[0] if self.candidates else None


def strip_clause(text: str) -> str:
    """The text without its trailing responsibility clause."""
    return _CLAUSE.sub("", text.strip())


def grams(text: str) -> list[str]:
    """Character 2- and 3-grams of each run of Chinese letters and digits (punctuation
    breaks a run, so no gram spans two phrases)."""
    out: list[str] = []
    for run in _KEEP.findall(text):
        for n in (2, 3):
            out.extend(run[i : i + n] for i in range(len(run) - n + 1))
        if len(run) == 1:
            out.append(run)
    return out


def unit_key(name: str) -> str:
    return "单位:" + _LEVEL.sub("", name.strip())


def _counts(item: Item) -> dict[str, float]:
    counts: dict[str, float] = defaultdict(float)
    for text, weight in (
        (item.title, TITLE_WEIGHT),
        (strip_clause(item.text), TEXT_WEIGHT),
        (item.context, CONTEXT_WEIGHT),
    ):
        for gram in grams(text):
            counts[gram] += weight
    for unit in item.units:
        counts[unit_key(unit)] += UNIT_WEIGHT
    return counts


def _vectors(counts: Sequence[dict[str, float]], idf: dict[str, float]) -> list[dict[str, float]]:
    vectors = []
    for c in counts:
        v = {g: (1.0 + math.log(1.0 + w)) * idf[g] for g, w in c.items()}
        norm = math.sqrt(sum(x * x for x in v.values())) or 1.0
        vectors.append({g: x / norm for g, x in v.items()})
    return vectors


def suggest(
    upper: Sequence[Item],
    lower: Sequence[Item],
    k: int = TOP_K,
    none_below: float = NONE_BELOW,
) -> list[Suggestion]:
    """For each lower task, in order, the ``k`` upper tasks most like it, best first."""
    upper_counts = [_counts(i) for i in upper]
    lower_counts = [_counts(i) for i in lower]
    df: dict[str, int] = defaultdict(int)
    for c in (*upper_counts, *lower_counts):
        for g in c:
            df[g] += 1
    n = len(upper_counts) + len(lower_counts)
    idf = {g: math.log((n + 1) / (d + 1)) + 1.0 for g, d in df.items()}
    upper_vectors = _vectors(upper_counts, idf)
    postings: dict[str, list[tuple[int, float]]] = defaultdict(list)
    for index, vector in enumerate(upper_vectors):
        for g, x in vector.items():
            postings[g].append((index, x))
    out = []
    for item, vector in zip(lower, _vectors(lower_counts, idf), strict=True):
        scores: dict[int, float] = defaultdict(float)
        for g, x in vector.items():
            for index, y in postings.get(g, ()):
                scores[index] += x * y
        ranked = sorted(scores.items(), key=lambda pair: (-pair[1], pair[0]))[:k]
        candidates = tuple(Candidate(upper[i].key, round(s, 4)) for i, s in ranked)
        none = not candidates or candidates[0].score < none_below
        out.append(Suggestion(item.key, candidates, none))
    return out


def items(rows: Iterable[tuple[str, str, str, str, Sequence[str]]]) -> list[Item]:
    """Items from (key, title, text, context, units) rows."""
    return [Item(key, title, text, context, tuple(units)) for key, title, text, context, units in rows]
