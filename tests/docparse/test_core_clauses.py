"""Responsibility clauses: every form gives the leads and cooperators a reader would name."""

import pytest

from .helpers import parse_data, parse_text, task_of


def one_task(clause: str) -> dict | None:
    plan = parse_text(f"一、任务\n1.推进重点工作。加快实施。{clause}\n")
    return task_of(plan, "正文/一/1")


@pytest.mark.parametrize(
    ("clause", "leads", "cooperators"),
    [
        ("（区发改局牵头负责，区教育局、祝丰镇等按职责分工负责）", ["区发改局"], ["区教育局", "祝丰镇"]),
        (
            "(区科工局牵头,区商务局(招商促进事务中心)等按职责分工负责)",
            ["区科工局"],
            ["区商务局(招商促进事务中心)"],
        ),
        ("（市教育局、市人社局分别牵头，各区政府落实）", ["市教育局", "市人社局"], ["各区政府"]),
        (
            "（区行政审批局、区住建局（交通局）牵头负责，区直有关单位按职责分工负责）",
            ["区行政审批局", "区住建局(交通局)"],
            ["区直有关单位"],
        ),
        ("（区财政局、区审计局等按职责分工负责）", [], ["区财政局", "区审计局"]),
        ("（区发改局牵头负责）", ["区发改局"], []),
        ("（市财政局、市税务局负责）", [], ["市财政局", "市税务局"]),
        ("（国务院各部门分别负责）", ["国务院各部门"], []),
        ("（牵头单位：县教育局）", ["县教育局"], []),
        (
            "[牵头单位:县发改局(粮食局);责任单位:各镇人民政府,嘉鱼经济开发区]",
            ["县发改局(粮食局)"],
            ["各镇人民政府", "嘉鱼经济开发区"],
        ),
        (
            "【牵头单位：市商务局，配合单位：市财政局、市市场监管局】",
            ["市商务局"],
            ["市财政局", "市市场监管局"],
        ),
        ("〔责任单位：市发展改革委〕", ["市发展改革委"], []),
        ("（责任单位：市发改委、市财政局）", [], ["市发改委", "市财政局"]),
        ("（责任单位：市发改委（牵头）、市财政局）", ["市发改委"], ["市财政局"]),
        ("（市公安局负责，市司法局配合）", ["市公安局"], ["市司法局"]),
        (
            "（省发展改革委牵头，省财政厅等有关部门和单位按职责分工负责）",
            ["省发展改革委"],
            ["省财政厅", "有关部门和单位"],
        ),
        ("（各区、县级市政府，市住建局）", [], ["各区、县级市政府", "市住建局"]),
        ("（各县（市、区）政府负责）", ["各县(市、区)政府"], []),
        ("（各地、各部门负责）", [], ["各地", "各部门"]),
        ("（区人社局、区科工局、区人社局等按职责分工负责）", [], ["区人社局", "区科工局"]),
    ],
)
def test_clause_forms(clause, leads, cooperators):
    task = one_task(clause)
    assert task is not None
    assert task["leads"] == leads
    assert task["cooperators"] == cooperators


def test_parenthesised_notes_are_no_clause():
    plan = parse_text(
        "一、任务\n1.稳就业。失业人员再就业580人(含就业困难人员就业150人)。\n2.落实办法(试行)。\n"
    )
    assert plan["tasks"] == []


def test_lead_named_in_the_task_sentence_is_no_lead():
    assert one_task("由区发改局牵头制定实施细则。") is None


def test_clause_cut_off_at_the_end_gives_no_task_and_a_warning():
    plan = parse_text("一、目标\n（一）增长11%。[牵头单位:县发改局(粮食局)、县农业农")
    assert plan["tasks"] == []
    assert any("中断" in warning["message"] for warning in plan["warnings"])


def test_responsibility_lines_after_the_item_belong_to_it():
    plan = parse_data("city-fengong-table-2025.txt")
    assert task_of(plan, "正文/一/1") == {
        "section": "正文/一/1",
        "leads": ["市住建局"],
        "cooperators": ["市财政局", "市自然资源和规划局"],
        "deadline": "2025-12-31",
    }
    # a lone 责任单位 leads; several without a lead all cooperate
    assert task_of(plan, "正文/一/2")["leads"] == ["市城管局"]
    assert task_of(plan, "正文/一/3")["leads"] == []
    assert task_of(plan, "正文/一/3")["cooperators"] == ["市应急局", "市城管局", "各区(市)政府"]
    assert task_of(plan, "正文/二/1")["cooperators"] == ["市住建局", "各区人民政府"]


def test_department_split_line_and_leaders_as_people():
    plan = parse_text(
        "一、目标\n1.地区生产总值增长6%以上。\n分管省领导：张三\n部门分工：省发展改革委牵头，各地、各部门配合。\n"
    )
    task = task_of(plan, "正文/一/1")
    assert task["leads"] == ["省发展改革委"]
    assert task["cooperators"] == ["各地", "各部门"]
    assert task["leaders"] == ["张三"]


def test_first_listed_unit_leads_from_the_declaration_on():
    plan = parse_data("province-fengong-2022.txt")
    assert task_of(plan, "正文/一/1")["leads"] == ["省发展改革委"]
    assert task_of(plan, "正文/一/2")["leads"] == ["省人力资源社会保障厅"]
    assert task_of(plan, "正文/一/2")["cooperators"] == ["省发展改革委"]
    # labelled leads keep their labels; a group listed first leads too
    assert task_of(plan, "正文/二/(一)")["cooperators"] == ["省有关部门"]
    assert task_of(plan, "正文/二/(四)")["leads"] == ["各区、县级市"]


def test_clauses_before_the_declaration_are_unaffected():
    plan = parse_text(
        "一、任务\n1.甲。（市发改委、市财政局）\n2.乙。（市商务局、市税务局，排在第一位的为牵头单位）\n3.丙。（市教育局、市人社局）\n"
    )
    assert task_of(plan, "正文/一/1")["leads"] == []
    assert task_of(plan, "正文/一/2")["leads"] == ["市商务局"]
    assert task_of(plan, "正文/一/3")["leads"] == ["市教育局"]


def test_two_spellings_of_one_unit_are_merged():
    plan = parse_text(
        "一、任务\n1.甲。（区住建局(交通局)牵头负责）\n2.乙。（区发改局牵头负责，区住建(交通)局等按职责分工负责）\n"
    )
    assert task_of(plan, "正文/一/2")["cooperators"] == ["区住建局(交通局)"]


def test_clause_wrapped_over_two_lines_is_read_whole():
    plan = parse_text("一、任务\n1.甲。推进工作。（市发改委牵头，市财政局、\n市商务局等按职责分工负责）\n")
    assert task_of(plan, "正文/一/1")["cooperators"] == ["市财政局", "市商务局"]


def test_clause_in_a_following_paragraph_belongs_to_the_heading():
    plan = parse_text(
        "一、任务\n（八）实施通道拓展工程\n便利跨境往来。( 区科工局、公安分局等按职责分工负责)\n"
    )
    assert task_of(plan, "正文/一/(八)")["cooperators"] == ["区科工局", "公安分局"]


def test_a_bracket_explaining_a_name_is_no_unit():
    plan = parse_text(
        "一、任务\n"
        "1.推进农业产业化。区农业农村局（以下简称区农业局）要统筹推进。\n"
        "2.建设高标准农田。（区农业农村局（原区农业局）牵头，区财政局（原区财政所）按职责分工负责）\n"
    )
    assert task_of(plan, "正文/一/1") is None
    task = task_of(plan, "正文/一/2")
    assert task is not None
    assert (task["leads"], task["cooperators"]) == (["区农业农村局"], ["区财政局"])
