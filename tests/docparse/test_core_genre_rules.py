"""Small checks of genre rules found by the second held-out-style round (corpus 23–32)."""

from luoshi.docparse.clauses import find_clauses, parse_clause
from luoshi.docparse.targets import find_targets
from luoshi.docparse.units import split_units


def _tuples(text):
    return [(t["op"], t["value"], t["unit"]) for t in find_targets(text)]


def test_granted_amounts_are_equal_and_caps_with_zuigao_are_upper_bounds():
    assert _tuples("对新认定的企业，一次性给予50万元奖励") == [("=", 50, "万元")]
    assert _tuples("对小型微利企业减按25%计算应纳税所得额") == [("=", 25, "%")]
    assert _tuples("分阶段给予总额最高500万元奖励") == [("<=", 500, "万元")]


def test_figures_in_an_eligibility_condition_are_no_targets():
    text = "对上年度研发费用达到1000万元以上且增长20%以上的民营企业，按增量部分的10%给予奖励"
    assert _tuples(text) == [("=", 10, "%")]
    assert _tuples("对年用电量超过500万千瓦时的企业，给予每千瓦时0.03元补贴") == [("=", 0.03, "元")]


def test_latin_units_and_cases():
    assert _tuples("全市算力规模达到2000PFlops") == [(">=", 2000, "PFlops")]
    assert _tuples("全年查处违法行为3000起以上") == [(">=", 3000, "起")]


def test_a_trailing_role_sentence_without_brackets_is_a_clause():
    found, _ = find_clauses("整治背街小巷30条。区城管局牵头，各街道办事处配合。")
    assert [(f.clause.leads, f.clause.cooperators) for f in found] == [(["区城管局"], ["各街道办事处"])]
    found, _ = find_clauses("全区建筑业总产值增长8%。由区住建局牵头，区发改局、区税务局按职责分工负责。")
    assert found[0].clause.leads == ["区住建局"]
    assert found[0].clause.cooperators == ["区发改局", "区税务局"]
    # a sentence of the task that only mentions a lead is no clause
    assert find_clauses("由区住建局牵头制定实施细则。")[0] == []


def test_roles_stated_inside_a_duty_label():
    clause = parse_clause("责任单位：市委人才办牵头，市科技局、市人社局按职责分工负责")
    assert clause.leads == ["市委人才办"]
    assert clause.cooperators == ["市科技局", "市人社局"]


def test_a_duty_of_place_is_a_cooperating_segment():
    clause = parse_clause("市交通运输局、市公安局按职责分工负责；各县（市、区）政府落实属地责任")
    assert clause.leads == []
    assert clause.cooperators == ["市交通运输局", "市公安局", "各县(市、区)政府"]


def test_units_joined_by_he_split_only_where_both_sides_are_units():
    assert split_units("县供销社和各乡镇（街道）") == ["县供销社", "各乡镇(街道)"]
    assert split_units("省工业和信息化厅") == ["省工业和信息化厅"]
    assert split_units("市住房和城乡建设局") == ["市住房和城乡建设局"]
    assert split_units("有关部门和单位") == ["有关部门和单位"]
