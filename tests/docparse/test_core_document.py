"""Whole documents: metadata, the shipped demo plan, odd input that must not raise."""

import re
from pathlib import Path

import pytest

import luoshi
from luoshi.docparse import parse_lines

from .helpers import parse_data, parse_text

DEMO = Path(luoshi.__file__).parent / "demo" / "plan" / "xidongting-qidagongjian-2025.txt"


def test_metadata_of_a_notice_with_the_plan_after_it():
    plan = parse_data("county-yingshang-2024.txt")
    assert plan["schema"] == "luoshi.plan/1"
    assert plan["title"] == "青禾县2024年优化营商环境工作方案"
    assert plan["issuer"] == "青禾县人民政府办公室"
    assert plan["doc_number"] == "青政办发〔2024〕12号"
    assert plan["date"] == "2024-03-05"
    assert plan["parts"] == [{"key": "正文", "title": "青禾县2024年优化营商环境工作方案"}]


def test_title_over_several_lines_and_issuer_from_the_title():
    plan = parse_text(
        "嘉政办发〔2021〕5号\n县人民政府办公室关于\n对县《政府工作报告》确定的2021年\n重点工作进行责任分解的通知\n"
        "各镇人民政府：\n现将重点工作责任分解给你们。\n2021年5月12日\n"
    )
    assert plan["title"] == "县人民政府办公室关于对县《政府工作报告》确定的2021年重点工作进行责任分解的通知"
    assert plan["issuer"] == "县人民政府办公室"
    assert plan["doc_number"] == "嘉政办发〔2021〕5号"
    assert plan["date"] == "2021-05-12"


def test_date_written_in_chinese_numerals():
    plan = parse_text("某方案\n某市人民政府\n二〇二五年四月二十七日\n")
    assert plan["date"] == "2025-04-27"
    assert plan["issuer"] == "某市人民政府"


@pytest.mark.skipif(not DEMO.exists(), reason="demo plan not shipped")
def test_demo_plan_facts_visible_in_its_text():
    text = DEMO.read_text(encoding="utf-8")
    plan = parse_lines(text.splitlines())
    assert [part["key"] for part in plan["parts"]] == ["正文"] + [f"附件{n}" for n in range(1, 8)]
    assert plan["doc_number"] == "西管办发〔2025〕5号"
    assert plan["date"] == "2025-04-27"
    # one task per bracketed responsibility clause in the text (brackets may nest once)
    clause = re.compile(
        r"\((?:[^()]|\([^()]*\))*?(?:牵头负责|牵头,|按职责分工负责|牵头单位:)(?:[^()]|\([^()]*\))*\)"
    )
    assert len(plan["tasks"]) == len(clause.findall(text))
    # one task force per 成立……专班 paragraph with members
    assert len(plan["task_forces"]) == text.count("工作专班,由")
    assert all(force["convenors"] == ["分管区领导"] for force in plan["task_forces"])
    assert plan["warnings"] == []


@pytest.mark.parametrize(
    "lines",
    [
        [],
        [""],
        ["\x00\x01", "（（（（", "))))"],
        ["一、"],
        ["附件", "附件", "附件1"],
        ["（区发改局牵头负责"],
        ["1." + "（" * 500 + "区发改局牵头负责"],
        ["一、目标"] + ["1.增长6%以上。（区发改局牵头负责）"] * 300,
    ],
)
def test_odd_input_gives_a_valid_plan(lines):
    plan = parse_lines(lines)
    assert plan["schema"] == "luoshi.plan/1"
    assert isinstance(plan["warnings"], list)


def test_a_novel_gives_no_tasks_and_a_warning():
    plan = parse_data("novel.txt")
    assert plan["tasks"] == [] and plan["sections"] == []
    assert any("任务" in warning["message"] for warning in plan["warnings"])
