"""Parts and sections: numbering styles, nesting, attachments, titles and texts."""

from .helpers import parse_text, section_ids

NESTED = """
某县推进乡村振兴实施方案
为推进乡村振兴，制定本方案。
一、主要任务
（一）发展产业
1.培育龙头企业。支持企业做大做强。
（1）扶持合作社。
①建立示范社名录。
②开展评定。
（2）发展家庭农场。
2、壮大村集体经济。
3．完善利益联结机制。
（二）改善人居环境
1.推进厕所革命。
二、保障措施
加强组织领导。
"""


def test_every_numbering_style_nests_under_the_one_before():
    plan = parse_text(NESTED)
    assert section_ids(plan) == [
        "正文/一",
        "正文/一/(一)",
        "正文/一/(一)/1",
        "正文/一/(一)/1/(1)",
        "正文/一/(一)/1/(1)/①",
        "正文/一/(一)/1/(1)/②",
        "正文/一/(一)/1/(2)",
        "正文/一/(一)/2",
        "正文/一/(一)/3",
        "正文/一/(二)",
        "正文/一/(二)/1",
        "正文/二",
    ]


def test_parent_is_the_enclosing_section_and_null_at_the_top():
    sections = {s["id"]: s for s in parse_text(NESTED)["sections"]}
    assert sections["正文/一"]["parent"] is None
    assert sections["正文/一/(一)/1/(1)/①"]["parent"] == "正文/一/(一)/1/(1)"
    assert sections["正文/一/(二)/1"]["parent"] == "正文/一/(二)"


def test_title_is_the_short_heading_before_the_first_full_stop():
    sections = {s["id"]: s for s in parse_text(NESTED)["sections"]}
    assert sections["正文/一/(一)/1"]["title"] == "培育龙头企业"
    assert sections["正文/一/(一)/1"]["text"] == "支持企业做大做强。"
    assert sections["正文/一"]["title"] == "主要任务"
    assert sections["正文/一"]["text"] == ""
    # a heading's un-numbered paragraphs are its text
    assert sections["正文/二"]["text"] == "加强组织领导。"


def test_a_single_sentence_item_without_children_has_no_title():
    plan = parse_text("一、目标\n1.地区生产总值增长6%以上。\n2.粮食产量稳定。\n")
    first = plan["sections"][1]
    assert first["title"] is None
    assert first["text"] == "地区生产总值增长6%以上。"


NOTICE_WITH_ATTACHMENTS = """
某市人民政府办公室关于印发两个方案的通知
某政办发〔2023〕8号
各区人民政府，市直各单位：
现将两个方案印发给你们，请认真贯彻执行。
附件：1.数字经济发展方案
2.绿色低碳发展方案
某市人民政府办公室
2023年6月1日
附件1
数字经济发展方案
一、发展目标
到2025年，数字经济核心产业增加值占比达到10%。
附件2
绿色低碳发展方案
一、主要任务
（一）推进节能改造。（市发改委牵头）
"""


def test_attachments_are_parts_and_the_attachment_list_is_no_section():
    plan = parse_text(NOTICE_WITH_ATTACHMENTS)
    assert plan["parts"] == [
        {"key": "正文", "title": "某市人民政府办公室关于印发两个方案的通知"},
        {"key": "附件1", "title": "数字经济发展方案"},
        {"key": "附件2", "title": "绿色低碳发展方案"},
    ]
    assert section_ids(plan) == ["附件1/一", "附件2/一", "附件2/一/(一)"]


def test_attachment_without_number_and_title_on_the_same_line():
    plan = parse_text("某方案\n附件：名单\n附件 成员名单\n一、成员\n")
    assert plan["parts"][1] == {"key": "附件", "title": "成员名单"}
    assert section_ids(plan) == ["附件/一"]


def test_repeated_number_under_one_parent_gets_a_suffix():
    plan = parse_text("一、任务\n1.甲。\n1.乙。\n")
    assert section_ids(plan) == ["正文/一", "正文/一/1", "正文/一/1#2"]


def test_numbering_continues_across_parents():
    plan = parse_text("一、任务\n1.教育。\n（1）更新设备。\n2.就业。\n（2）稳岗位。\n（3）促创业。\n")
    assert section_ids(plan)[-3:] == ["正文/一/2", "正文/一/2/(2)", "正文/一/2/(3)"]


def test_decimal_figures_and_dash_items_are_not_sections():
    plan = parse_text("一、目标\n——经济稳步增长。\n1.5万人实现就业。\n")
    assert section_ids(plan) == ["正文/一"]


def test_web_page_footer_belongs_to_no_section():
    plan = parse_text("一、任务\n推进工作。\n归档时间：2024-01-01\n阅读次数：10\n")
    assert plan["sections"][0]["text"] == "推进工作。"


def test_decimal_numbering_gives_sections_nested_by_their_dots():
    plan = parse_text(
        """
某区数字政府建设工作方案
1.总体要求
1.1 指导思想。坚持系统观念。
1.2、工作目标。政务服务事项网上可办率达到95%以上。
1.2.1 建成统一平台。
2.重点任务
2.1 推进数据共享（区数据局牵头，区直有关单位按职责分工负责）。
"""
    )
    assert section_ids(plan) == [
        "正文/1",
        "正文/1/1.1",
        "正文/1/1.2",
        "正文/1/1.2/1.2.1",
        "正文/2",
        "正文/2/2.1",
    ]
    assert [t["section"] for t in plan["targets"]] == ["正文/1/1.2"]
    assert plan["tasks"][0]["section"] == "正文/2/2.1"


def test_a_line_opening_with_a_decimal_figure_is_no_section():
    plan = parse_text(
        """
某区工作方案
一、主要目标
1.5万人次参加培训，较上年增长10%。
"""
    )
    assert section_ids(plan) == ["正文/一"]
