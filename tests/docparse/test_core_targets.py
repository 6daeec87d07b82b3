"""Quantitative targets: operators, units, 分别/均, ranges, 破零, 全覆盖, and what is no target."""

import pytest

from luoshi.docparse.targets import find_targets


def found(text: str) -> list[tuple[str, float, str]]:
    return [(t["op"], t["value"], t["unit"]) for t in find_targets(text)]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("社会消费品零售总额增长6%以上。", [(">=", 6, "%")]),
        ("外贸进出口总额达1.1亿元以上，增长8%。", [(">=", 1.1, "亿元"), (">=", 8, "%")]),
        ("技术合同认定登记额度超过5亿元。", [(">", 5, "亿元")]),
        ("地方一般公共预算收入增长5%左右。", [("=", 5, "%")]),
        ("担保费率持续控制在1%以下。", [("<=", 1, "%")]),
        ("物流费用比重下降至13.8%以下。", [("<=", 13.8, "%")]),
        ("PM2.5平均浓度下降3微克/立方米。", [(">=", 3, "微克/立方米")]),
        ("筛查人数100人，筛查率达到100%。", [(">=", 100, "人"), ("=", 100, "%")]),
        ("一网通办率达到90%。", [(">=", 90, "%")]),
        ("家庭医生签约1.62万人。", [(">=", 1.62, "万人")]),
        ("经费提升到不低于99元/人，接入不少于1项高频服务。", [(">=", 99, "元/人"), (">=", 1, "项")]),
        ("单户补贴不超过15万元。", [("<=", 15, "万元")]),
        ("残疾人“两项补贴”标准提高到100元/月·人。", [(">=", 100, "元/月·人")]),
        ("可返还其上年度缴纳失业保险费的50%。", [("=", 50, "%")]),
    ],
)
def test_operator_value_and_unit(text, expected):
    assert found(text) == expected


def test_respectively_gives_one_target_per_figure():
    assert found("高新技术企业、科技型中小企业分别达到24家、49家以上。") == [
        (">=", 24, "家"),
        (">=", 49, "家"),
    ]
    assert found("城乡低保标准分别提高到不低于740元/月。") == [(">=", 740, "元/月")]


def test_both_gives_one_target_per_subject():
    assert found("确保陈案总体结案率、刑事立案5年以上陈案结案率均达到30%以上。") == [(">=", 30, "%")] * 2


def test_a_range_that_is_the_target_gives_two():
    assert found("提供100-1000万元的纯信用贷款支持。") == [(">=", 100, "万元"), ("<=", 1000, "万元")]


def test_thresholds_that_restrict_what_is_counted_are_no_targets():
    assert found("力争全年工业税收过2亿元，其中税收过5000万企业1家，过10亿元项目1个以上。") == [
        (">", 2, "亿元"),
        (">=", 1, "家"),
        (">=", 1, "个"),
    ]
    assert found("巩固提升10千伏及以下农村配电网工程；开工建设35-110千伏农村主电网。") == []
    assert found("全区1家二级以上公立医疗机构完成接口改造。") == [(">=", 1, "家")]


@pytest.mark.parametrize(
    "text",
    [
        "支持企业申报2025年省级工程技术中心。",
        "力争三年内核心成本具备明显优势，刑事立案5年以上的案件。",
        "企业开办时间压缩至1个工作日以内，30日内办结。",
        "组织企业参加第4届博览会。",
        "落实“631”预警叫应机制，紧盯“4+3”产业，促进3C类产品消费。",
        "打造20亿级项目，创建4A级景区。",
        "远香湖南（4.73平方公里）已完成25.2平方公里。",
        "联席会议设召集人1人，由9个部门和单位组成。",
        "县政府督查室每季度开展1次督查。",
        "招用就业困难人员达到职工总数25%的，可申请补贴。",
        "对标《2024年重点工作100项清单》。",
    ],
)
def test_no_target(text):
    assert found(text) == []


def test_break_zero_and_full_coverage():
    targets = find_targets(
        "对外实际投资额达5万美元以上，外资破零。执法检查实现全覆盖，推进预算改革全面覆盖。"
    )
    assert [(t["op"], t["value"], t["unit"]) for t in targets] == [
        (">=", 5, "万美元"),
        (">", 0, "万美元"),
        ("=", 100, "%"),
    ]


def test_subject_is_the_measure_before_the_figure():
    targets = find_targets("新增高新技术企业2家、科技型中小企业3家以上。")
    assert [t["subject"] for t in targets] == ["新增高新技术企业", "新增科技型中小企业"]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("新增规上工业企业三家。", [(">=", 3, "家")]),
        ("每个村配备不少于一名专职网格员。", [(">=", 1, "名")]),
        ("农产品加工产值提高两成。", [(">=", 2, "成")]),
        ("村集体经济收入翻一番。", [(">=", 1, "番")]),
        ("新增十二个示范点。", [(">=", 12, "个")]),
        ("引进一批重大项目。", []),
        ("落实“三个一批”要求。", []),
        ("推进七个优势产业集群发展。", []),
    ],
)
def test_a_quantity_in_chinese_numerals_after_a_setting_verb_is_a_target(text, expected):
    assert found(text) == expected


def test_a_count_in_chinese_numerals_is_named_by_its_noun():
    assert [t["subject"] for t in find_targets("新增三家省级专精特新企业。")] == ["新增省级专精特新企业"]


@pytest.mark.parametrize(
    "text",
    ["突破零部件技术瓶颈。", "打破零和博弈思维。", "推动网络零售额突破零点。"],
)
def test_a_word_that_merely_contains_po_ling_is_no_break_zero(text):
    assert found(text) == []


def test_po_ling_itself_is_still_a_target():
    assert found("力争外资实现“破零”。") == [(">", 0, "")]


@pytest.mark.parametrize(
    "text",
    ["对认定的企业最高给予50万元奖励。", "单个项目奖励最高可达20万元。", "补助上限为30万元。"],
)
def test_a_cap_with_zui_gao_is_a_maximum(text):
    assert [op for op, _value, _unit in found(text)] == ["<="]


def test_zui_gao_naming_a_peak_is_no_cap():
    assert found("储备能力达到最高负荷的5%。") == [(">=", 5, "%")]


@pytest.mark.parametrize(
    "text",
    ["该路段全长12.5公里。", "辖区面积120平方公里。", "全区拥有A级景区5个。", "园区建有标准厂房8栋。"],
)
def test_figures_that_describe_what_exists_are_no_targets(text):
    assert found(text) == []


def test_what_exists_followed_by_a_level_to_reach_is_a_target():
    assert found("全区现有A级景区5个，力争新增3个。") == [(">=", 3, "个")]
