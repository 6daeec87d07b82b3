"""A long run of repeated numbers (a 50 MB text cut to its first 5 MB) stays linear."""

from luoshi.docparse import parse_lines


def test_fifty_thousand_repeats_of_one_number_get_distinct_ids():
    lines = ["（一）实施内需扩量提效攻坚。着力推进良性循环，全面激发内需增长动能。"] * 50_000
    plan = parse_lines(lines)
    ids = [section["id"] for section in plan["sections"]]
    assert len(ids) == len(set(ids)) >= 49_999  # the first line may be read as the title
    assert ids[1].endswith("#2") or ids[1].endswith("#3")
    assert ids[-1] == f"{ids[0]}#{len(ids)}"
