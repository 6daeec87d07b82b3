"""Deadlines resolved against the plan's year; open-ended wording gives none."""

import pytest

from luoshi.docparse.deadlines import find_deadline

from .helpers import parse_text, task_of


@pytest.mark.parametrize(
    ("text", "labelled", "expected"),
    [
        ("2025年6月底前完成", False, "2025-06-30"),
        ("6月30日前", False, "2024-06-30"),
        ("年底前完成", False, "2024-12-31"),
        ("2025年底前", False, "2025-12-31"),
        ("上半年完成", False, "2024-06-30"),
        ("2月底前", False, "2024-02-29"),
        ("2025年6月", True, "2025-06-30"),
        ("2025年", True, "2025-12-31"),
        ("长期坚持", True, None),
        ("持续推进", True, None),
        ("年内完成签约", False, None),
        ("力争三年内见效", False, None),
        ("印发之日起30日内", False, None),
        ("支持申报2025年省级中心", False, None),
    ],
)
def test_deadline_wording(text, labelled, expected):
    assert find_deadline(text, 2024, labelled=labelled) == expected


def test_task_deadline_from_clause_or_time_limit_line():
    plan = parse_text(
        "某县2024年工作方案\n2024年2月1日\n一、任务\n1.甲。（县财政局负责，9月30日前完成）\n"
        "2.乙。\n牵头单位：县发改局\n完成时限：长期坚持\n3.丙。6月底前完成改造。（县住建局牵头）\n"
    )
    assert task_of(plan, "正文/一/1")["deadline"] == "2024-09-30"
    assert task_of(plan, "正文/一/2")["deadline"] is None
    assert task_of(plan, "正文/一/3")["deadline"] == "2024-06-30"
