"""The alignment matcher (pure): which upper task a lower task carries out."""

from luoshi.plans.alignment import Item, grams, strip_clause, suggest

CITY = [
    Item("c1", "大力提振消费", "开展各类促消费活动，推动消费品以旧换新政策落地。", "内需攻坚"),
    Item("c2", "扩大有效投资", "加强项目谋划，用好超长期特别国债和地方政府专项债券。", "内需攻坚"),
    Item("c3", "强化房地产项目全程监管", "抓实保交房项目见底清零，推动房地产市场止跌回稳。", "安全攻坚"),
    Item("c4", "有效化解债务风险", "推进融资平台市场化转型，兜牢基层“三保”底线。", "安全攻坚"),
]


def test_a_district_task_finds_the_city_task_it_carries_out_first():
    lower = [
        Item(
            "d1",
            "全力推动保交房",
            "抓实保交房项目见底清零，加快项目验收办证。（区住建局牵头负责）",
            "安全攻坚",
        ),
        Item("d2", "开好专项债券", "做好专项债券项目储备和超长期特别国债申报。", "内需攻坚"),
    ]
    first, second = suggest(CITY, lower)
    assert first.key == "d1" and first.best.key == "c3" and not first.none
    assert second.best.key == "c2"
    assert len(first.candidates) == 3
    assert first.candidates[0].score > first.candidates[1].score


def test_a_task_with_nothing_in_common_is_suggested_as_no_counterpart():
    (only,) = suggest(CITY, [Item("d9", "规范中介服务", "降低中介机构收费。")])
    assert only.none


def test_empty_upper_plan_gives_no_candidates_and_no_counterpart():
    (only,) = suggest([], [Item("d1", "任意任务", "内容")])
    assert only.candidates == () and only.none and only.best is None


def test_the_responsibility_clause_is_not_content():
    assert strip_clause("抓实保交房。（区住建局牵头负责，区财政局等按职责分工负责）") == "抓实保交房。"
    assert strip_clause("新增就业1000人。(牵头单位:区人社局)") == "新增就业1000人。"
    assert "住建" not in "".join(grams(strip_clause("保交房（区住建局牵头负责）")))


def test_grams_do_not_span_punctuation():
    assert grams("保交房，清零") == ["保交", "交房", "保交房", "清零"]
