"""Target subjects: the indicator's name as a clerk heads a 目标清单 column with it."""

import pytest

from luoshi.docparse.targets import find_targets


def subjects(text: str) -> list[str]:
    return [t["subject"] for t in find_targets(text)]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("力争地区生产总值增长6%以上。", ["地区生产总值增长"]),
        ("实现农村居民人均可支配收入增长7%。", ["农村居民人均可支配收入增长"]),
        ("城镇调查失业率保持在5.5%以内。", ["城镇调查失业率"]),
        ("确保粮食播种面积稳定在120万亩以上。", ["粮食播种面积"]),
        ("将单位能耗持续控制在0.5吨标准煤以下。", ["单位能耗"]),
        ("力争2026年专利授权量达到300件。", ["专利授权量"]),
        ("居民人均公共卫生经费提高到不低于90元/人。", ["居民人均公共卫生经费"]),
        ("使用率达到90%。", ["使用率"]),
        ("及时办结率达到98%。", ["及时办结率"]),
        ("其中和平区新增企业3家。", ["和平区新增企业"]),
    ],
)
def test_verbs_of_aim_connectives_and_years_are_no_part_of_the_subject(text, expected):
    assert subjects(text) == expected


def test_a_threshold_stays_with_the_noun_it_qualifies():
    assert subjects("其中营收过1亿元企业3家。") == ["营收过1亿元企业"]


def test_a_threshold_without_its_measure_takes_the_measure_of_the_figure_before():
    assert subjects("其中产值过10亿元企业2家、过5亿元企业6家以上。") == [
        "产值过10亿元企业",
        "产值过5亿元企业",
    ]


def test_a_bare_change_takes_the_subject_of_the_figure_before():
    assert subjects("力争社会消费品零售总额达50亿元，增长7%。") == [
        "社会消费品零售总额",
        "社会消费品零售总额增长",
    ]


def test_the_carried_subject_stops_at_the_end_of_the_sentence():
    assert subjects("进出口总额达3亿元。增长5%。") == ["进出口总额", "增长"]


def test_a_shared_new_goes_to_each_item_counted_in_the_same_unit():
    assert subjects("新增规上企业5家、专精特新企业3家，建成标准厂房2个。") == [
        "新增规上企业",
        "新增专精特新企业",
        "建成标准厂房",
    ]


def test_an_amount_listed_after_a_count_belongs_to_the_things_counted():
    assert subjects("实施省重点项目3个、年度投资5亿元以上。") == ["实施省重点项目", "省重点项目年度投资"]


def test_quotes_are_balanced_and_a_list_is_not_split_inside_them():
    assert subjects("企业“上云、用数”实现全覆盖。") == ["企业“上云、用数”覆盖面"]
    assert subjects("对东盟投资实现“破零”。") == ["对东盟投资"]


def test_each_figure_of_a_list_gets_its_own_subject():
    assert subjects("力争国家级、省级示范园区分别达到2个、5个以上。") == ["国家级示范园区", "省级示范园区"]
    assert subjects("一级和二级公路里程分别达到30公里和80公里。") == ["一级公路里程", "二级公路里程"]


def test_one_figure_for_two_subjects_gives_each_its_own_name():
    assert subjects("确保立案率、结案率均达到95%以上。") == ["立案率", "结案率"]
    assert subjects("力争火灾起数和亡人数分别下降5%。") == ["火灾起数下降", "亡人数下降"]


def test_a_count_written_before_its_noun_names_the_noun_with_what_is_done_to_it():
    assert subjects("全市5所中学完成智慧教室改造。") == ["完成智慧教室改造的中学"]
    assert subjects("为40户困难家庭每户发放2台取暖器。") == ["发放取暖器的困难家庭", "每户发放取暖器"]
    assert subjects("市民卡在全市3个景区、12个场馆的应用。") == ["应用市民卡的景区", "应用市民卡的场馆"]


def test_counted_problems_take_the_aim_the_sentence_closes_on():
    assert subjects("上级督察交办的8个问题和2个遗留问题，确保按期整改到位。") == [
        "上级督察交办的问题按期整改到位",
        "上级督察交办的遗留问题按期整改到位",
    ]


def test_an_amount_given_to_a_thing_is_its_quota_and_a_range_marks_its_ends():
    assert subjects("为小微企业提供50-300万元的担保贷款。") == ["担保贷款额度(下限)", "担保贷款额度(上限)"]


def test_an_amount_of_a_task_is_not_a_quota():
    assert subjects("完成招商引资20亿元的任务。") == ["招商引资"]
