"""Task forces: roles from the defining paragraph, role nouns spread over a list."""

from .helpers import parse_data, parse_text

SEED_STYLE = """
一、攻坚目标
三、推进机制
成立产业育新培强攻坚工作专班，由分管区领导担任召集人，区科工局、区发改局主要负责人任副召集人，成员单位包括区组宣部、区发改局、区住建(交通)局、电力公司等，专班办公室设在区科工局，负责日常协调和调度工作。
四、其他
成立综合协调组，由区办公室主任任组长。
"""


def test_work_group_paragraph():
    forces = parse_text(SEED_STYLE)["task_forces"]
    assert forces == [
        {
            "part": "正文",
            "name": "产业育新培强攻坚工作专班",
            "convenors": ["分管区领导"],
            "deputy_convenors": ["区科工局主要负责人", "区发改局主要负责人"],
            "members": ["区组宣部", "区发改局", "区住建(交通)局", "电力公司"],
            "office": "区科工局",
        }
    ]


def test_members_listed_before_the_role_and_a_joint_conference_over_paragraphs():
    text = """
国务院关于同意建立某工作部际联席会议制度的批复
附件：某工作部际联席会议制度
附件
某工作部际联席会议制度
为加强统筹，建立某工作部际联席会议（以下简称联席会议）制度。
一、成员单位
联席会议由教育部、工业和信息化部、人力资源社会保障部3个部门组成，教育部为牵头单位。
联席会议设召集人1人，由国务院分管领导同志担任；设副召集人2人，由教育部主要负责同志和国务院副秘书长担任。
联席会议办公室设在教育部。
名单
召 集 人：某某　　国务院副总理
"""
    [force] = parse_text(text)["task_forces"]
    assert force["part"] == "附件"
    assert force["convenors"] == ["国务院分管领导同志"]
    assert force["deputy_convenors"] == ["教育部主要负责同志", "国务院副秘书长"]
    assert force["members"] == ["教育部", "工业和信息化部", "人力资源社会保障部"]
    assert force["office"] == "教育部"


def test_leading_group_with_members_made_of_unit_heads():
    [force] = parse_data("county-yingshang-2024.txt")["task_forces"]
    assert force["convenors"] == ["县长"]
    assert force["deputy_convenors"] == ["常务副县长", "分管副县长"]
    assert force["members"] == ["县发改局", "县市场监管局", "县政务服务中心"]
    assert force["office"] == "县发改局"


def test_body_without_members_or_office_is_no_task_force():
    assert parse_text("一、组织\n成立工作专班，由区长任组长，统筹推进。\n")["task_forces"] == []
