"""The quick checks the parser runs before a pattern must never skip a text the pattern
would match: a wrong one silently drops a target's operator or a clause's units.

Each check is derived from its pattern here (``re._parser``, the standard library's own
parse of the pattern), so a pattern edited without its check fails this test.
"""

import re
from pathlib import Path
from re import _constants as sre  # type: ignore[attr-defined]
from re import _parser as sre_parse  # type: ignore[attr-defined]

import pytest

import luoshi
from luoshi.docparse import clauses, structure, subjects, targets, taskforces, units
from luoshi.docparse.textutil import fold, squeeze

SEED = Path(luoshi.__file__).parent / "demo" / "plan" / "xidongting-qidagongjian-2025.txt"
CORPUS = Path(__file__).parent / "corpus"


def _last_chars(items: list) -> tuple[set[str], bool]:
    """The characters a sequence of parsed items can end on (spaces before the end aside),
    and whether it can be empty."""
    found: set[str] = set()
    for op, av in reversed(items):
        chars, empty = _item_last_chars(op, av)
        found |= chars
        if not empty:
            return found, False
    return found, True


def _item_last_chars(op, av) -> tuple[set[str], bool]:
    if op is sre.LITERAL:
        return {chr(av)}, False
    if op is sre.IN:
        chars: set[str] = set()
        for kind, value in av:
            if kind is sre.LITERAL:
                chars.add(chr(value))
            elif kind is sre.RANGE:
                chars |= {chr(code) for code in range(value[0], value[1] + 1)}
            else:
                raise AssertionError(f"no finite set of last characters: {kind}")
        return chars, False
    if op in (sre.AT, sre.ASSERT, sre.ASSERT_NOT):
        return set(), True
    if op is sre.BRANCH:
        chars, empty = set(), False
        for branch in av[1]:
            more, can_be_empty = _last_chars(branch.data)
            chars |= more
            empty = empty or can_be_empty
        return chars, empty
    if op is sre.SUBPATTERN:
        return _last_chars(av[-1].data)
    if op in (sre.MAX_REPEAT, sre.MIN_REPEAT):
        low, _, sub = av
        if low == 0 and sub.data == [(sre.IN, [(sre.CATEGORY, sre.CATEGORY_SPACE)])]:
            return set(), True  # ``\s*``: spaces aside
        chars, empty = _last_chars(sub.data)
        return chars, low == 0 or empty
    raise AssertionError(f"no finite set of last characters: {op}")


def _endings(pattern: str) -> set[str]:
    chars, empty = _last_chars(sre_parse.parse(pattern).data)
    assert not empty
    return chars


@pytest.mark.parametrize("pattern", list(targets.ENDINGS), ids=lambda p: p.pattern[:20])
def test_each_end_pattern_of_a_figure_is_looked_for_whenever_it_can_end_the_words(pattern):
    assert _endings(pattern.pattern) <= set(targets.ENDINGS[pattern])


def test_a_subject_tail_is_looked_for_whenever_its_words_can_end_the_subject():
    assert _endings(subjects._TAIL_WORDS.pattern) <= set(subjects._TAIL_FINALS)


def _lines() -> list[str]:
    texts = [SEED.read_text(encoding="utf-8")]
    texts += [path.read_text(encoding="utf-8", errors="replace") for path in sorted(CORPUS.glob("*.txt"))]
    return [fold(line) for text in texts for line in text.splitlines() if line.strip()]


@pytest.mark.parametrize(
    "segment", [clauses._LEAD, clauses._COOP, clauses._DUTY], ids=["lead", "coop", "duty"]
)
def test_a_free_segment_read_from_its_end_gives_the_units_its_pattern_gives(segment):
    _, widest = sre_parse.parse(segment.role.pattern).getwidth()
    assert widest <= segment.width
    samples = [
        "由区发改局牵头",
        "由牵头",
        "区发改局、区财政局分别牵头负责",
        "区财政局等按职责分工负责",
        "各县(市、区)政府落实属地责任",
        "区教育局负责",
        "区教育局\n配合",
        "配合",
        "",
    ]
    for line in _lines():
        samples += [piece.strip() for piece in re.split("[,;。]", line)]
    for sample in samples:
        match = segment.pattern.match(sample)
        assert segment.units(sample) == (match["units"] if match else None), sample


def test_the_figure_check_finds_figures_where_the_plain_pattern_does():
    plain = re.compile(
        r"\d|破零|全覆盖|[一二两三四五六七八九十百千](?:家|个|名|人|项|所|座|处|条|台|套|辆|件|户|批|成|番)"
    )
    for line in [*_lines(), "１２项", "٣家", "三家全覆盖破零"]:
        assert [m.span() for m in targets._ANY_FIGURE.finditer(line)] == [
            m.span() for m in plain.finditer(line)
        ]


def test_a_clause_read_again_in_a_document_is_the_same_and_changing_one_leaves_the_other():
    first = clauses.parse_clause("区发改局、区财政局、区科工局等按职责分工负责，排名第一的为牵头单位")
    second = clauses.parse_clause("区发改局、区财政局、区科工局等按职责分工负责，排名第一的为牵头单位")
    assert first == second and first is not second
    assert first.cooperators == ["区发改局", "区财政局", "区科工局"] and first.declares_first_lead
    clauses.apply_first_lead(first)
    assert first.leads == ["区发改局"]
    assert second.leads == [] and second.cooperators == ["区发改局", "区财政局", "区科工局"]


def test_the_label_words_are_found_where_the_label_pattern_finds_them():
    samples = [
        *_lines(),
        "[牵头单位]区发改局",
        "【牵头单位】区发改局",
        "[[责任单位:区财政局",
        "。分管区领导:张三;责任单位 :区教育局",
        "联系市负责同志:李四",
    ]
    for line in samples:
        folded = fold(line)
        expected = [(m.start(), m.end(), m["label"]) for m in clauses.LABEL.finditer(folded)]
        found = []
        for m in clauses.LABEL_WORD.finditer(folded):
            start = m.start() - 1 if m.start() and folded[m.start() - 1] == "[" else m.start()
            found.append((start, m.end(), m["label"]))
        assert found == expected, line


def _holds_one_of(items, words: tuple[str, ...]) -> bool:
    """Whether every match of the parsed ``items`` holds one of ``words`` (looked for in runs
    of literals, in groups, in branches whose every alternative holds one, and in repeats
    taken at least once)."""
    run = ""
    for op, av in [*items, (None, None)]:
        if op is sre.LITERAL:
            run += chr(av)
            continue
        if any(word in run for word in words):
            return True
        run = ""
        if op is sre.SUBPATTERN and _holds_one_of(av[-1].data, words):
            return True
        if op is sre.BRANCH and all(_holds_one_of(branch.data, words) for branch in av[1]):
            return True
        if op in (sre.MAX_REPEAT, sre.MIN_REPEAT) and av[0] >= 1 and _holds_one_of(av[2].data, words):
            return True
    return False


@pytest.mark.parametrize("pattern", list(taskforces._NEEDS), ids=lambda p: p.pattern[:20])
def test_a_task_force_role_pattern_is_tried_whenever_a_word_it_needs_occurs(pattern):
    assert _holds_one_of(sre_parse.parse(pattern.pattern).data, taskforces._NEEDS[pattern])


def _first_chars(items: list) -> tuple[set[str], bool]:
    """The characters a sequence of parsed items can start with (spaces, anchors and
    lookarounds aside; ``\\d`` as the mark ``DIGIT``), and whether it can be empty."""
    found: set[str] = set()
    for op, av in items:
        chars, empty = _item_first_chars(op, av)
        found |= chars
        if not empty:
            return found, False
    return found, True


def _item_first_chars(op, av) -> tuple[set[str], bool]:
    if op is sre.LITERAL:
        return {chr(av)}, False
    if op is sre.IN:
        chars: set[str] = set()
        for kind, value in av:
            if kind is sre.LITERAL:
                chars.add(chr(value))
            elif kind is sre.RANGE:
                chars |= {chr(code) for code in range(value[0], value[1] + 1)}
            elif kind is sre.CATEGORY and value is sre.CATEGORY_DIGIT:
                chars.add("DIGIT")
            else:
                raise AssertionError(f"no finite set of first characters: {kind}")
        return chars, False
    if op in (sre.AT, sre.ASSERT, sre.ASSERT_NOT):
        return set(), True
    if op is sre.BRANCH:
        chars, empty = set(), False
        for branch in av[1]:
            more, can_be_empty = _first_chars(branch.data)
            chars |= more
            empty = empty or can_be_empty
        return chars, empty
    if op is sre.SUBPATTERN:
        return _first_chars(av[-1].data)
    if op in (sre.MAX_REPEAT, sre.MIN_REPEAT):
        low, _, sub = av
        if low == 0 and sub.data == [(sre.IN, [(sre.CATEGORY, sre.CATEGORY_SPACE)])]:
            return set(), True  # ``\s*``: spaces aside
        chars, empty = _first_chars(sub.data)
        return chars, low == 0 or empty
    raise AssertionError(f"no finite set of first characters: {op}")


@pytest.mark.parametrize(
    ("pattern", "starts"),
    [
        (targets._GRANTED_AFTER, targets._GRANTED_FIRST),
        (targets._GIFT_AFTER, targets._GIFT_FIRST),
        (clauses._TIME_SEG, clauses._TIME_FIRST + "DIGIT"),
        (clauses.EXPLANATION, clauses._EXPLANATION_FIRST),
        (structure._FOOTER_AT_START, structure._FOOTER_FIRST),
        (taskforces._BODY_SUBJECT, taskforces._BODY_FIRST),
    ],
    ids=lambda p: p.pattern[:20] if isinstance(p, re.Pattern) else "",
)
def test_a_pattern_is_tried_whenever_the_text_starts_with_a_character_it_can_start_with(pattern, starts):
    chars, empty = _first_chars(sre_parse.parse(pattern.pattern).data)
    assert not empty
    assert chars - {"DIGIT"} <= set(starts) and ("DIGIT" not in chars or "DIGIT" in starts)


def test_the_count_units_are_those_the_pattern_matches():
    samples = ["个", "家", "万家", "万户", "间", "万", "家\n", "户\n\n", "人", "万万家", ""]
    samples += [chr(code) for code in range(0x4E00, 0x9FA6)] + [
        "万" + chr(code) for code in range(0x4E00, 0x9FA6)
    ]
    for unit in samples:
        assert subjects.is_count_unit(unit) == bool(subjects.COUNT_UNITS.match(unit)), unit


def test_a_section_number_with_a_decimal_point_is_tried_whenever_it_can_be_one():
    pattern = dict(structure.NUMBERING)["dec"]
    for line in [*_lines(), "1.1 总则", "12.3、目标", "1.2.3 任务", "1.5万亩", "1a.1 x", "1234.1 x", ".1 x"]:
        if pattern.match(line):
            assert structure._may_be_decimal(line), line


@pytest.mark.parametrize(
    ("pattern", "starts"),
    [(subjects._LEAD_WORDS, subjects._LEAD_FIRST), (units._LEAD_IN, units._LEAD_IN_FIRST)],
    ids=["lead words", "lead in"],
)
def test_leading_words_are_dropped_whenever_the_text_starts_with_a_character_they_can_start_with(
    pattern, starts
):
    chars, empty = _first_chars(sre_parse.parse(pattern.pattern).data)
    assert not empty and chars <= set(starts)


def test_a_unit_name_is_cleaned_as_by_every_pattern_in_turn():
    def plain(raw: str) -> str:
        name = squeeze(fold(raw)).strip("、,;.。:“”\"'")
        for pattern in (units._NOTE, units._LEAD_IN, units._ETC, units._ROLE_TAIL):
            name = pattern.sub("", name)
        return name.strip("、,;.。:")

    samples = [
        "由区发改局牵头",
        "区财政局等部门",
        "市教育局(牵头)",
        "区科工局负责\n。",
        "会同区住建局",
        "并由区农业局落实",
    ]
    for line in _lines():
        samples += re.split("[、,;。]", line)
    for raw in samples:
        assert units.clean_name(raw) == plain(raw), raw


def test_a_clause_about_a_body_is_looked_at_whenever_a_word_its_pattern_needs_occurs():
    words = ("组", "召集", "成员", "委员", "联", "信息员")
    assert _holds_one_of(sre_parse.parse(targets._BODY_MAKEUP.pattern).data, words)
