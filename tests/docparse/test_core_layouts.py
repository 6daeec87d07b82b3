"""Rules of the genre beyond the seed: chapter numbering, shared-head unit lists, labels,
declarations, ranges and granted levels, task-force forms (each on a few made-up lines)."""

from luoshi.docparse.units import split_units

from .helpers import parse_text, section_ids, targets_of, task_of


def test_chapters_and_articles_are_sections_with_their_items():
    plan = parse_text(
        "某办法\n第一章　总　则\n第一条　为加强管理，制定本办法。\n（一）甲；\n第二章　附　则\n第二条　本办法自发布之日起施行。"
    )
    assert section_ids(plan) == [
        "正文/第一章",
        "正文/第一章/第一条",
        "正文/第一章/第一条/(一)",
        "正文/第二章",
        "正文/第二章/第二条",
    ]


def test_a_chapter_heading_alone_is_no_section():
    assert parse_text("第一章 风起\n那一年的春天来得格外早。")["sections"] == []


def test_half_parenthesis_items_keep_their_parenthesis():
    plan = parse_text(
        "一、任务\n1.整治\n1）改造背街小巷。（区城管局负责）\n2）规范经营。（各街道办事处负责）"
    )
    assert section_ids(plan)[2:] == ["正文/一/1/1)", "正文/一/1/2)"]
    assert task_of(plan, "正文/一/1/1)")["leads"] == ["区城管局"]


def test_levels_sharing_one_head_noun_are_one_unit():
    assert split_units("各市、州、县人民政府") == ["各市、州、县人民政府"]
    assert split_units("各县级市、区人民政府") == ["各县级市、区人民政府"]
    assert split_units("各市、县（市、区）人民政府等") == ["各市、县(市、区)人民政府"]
    assert split_units("各地、各部门") == ["各地", "各部门"]


def test_trailing_counts_and_prefixed_groups():
    assert split_units("市工业和信息化局等10个部门") == ["市工业和信息化局"]
    assert split_units("市发展改革委等市直有关部门") == ["市发展改革委", "市直有关部门"]


def test_units_beside_shared_duty_are_cooperators_but_lead_beside_support():
    plan = parse_text(
        "一、任务\n1.甲。（市编办、市司法局，各县市区人民政府按职责分工负责）\n"
        "2.乙。（市发改委，市财政局配合）\n3.丙。（市司法局负责，市直有关单位配合；2024年三季度末）"
    )
    assert task_of(plan, "正文/一/1")["leads"] == []
    assert task_of(plan, "正文/一/2")["leads"] == ["市发改委"]
    task = task_of(plan, "正文/一/3")
    assert task["leads"] == ["市司法局"] and task["deadline"] == "2024-09-30"


def test_declaration_in_the_preamble_spares_labelled_support():
    plan = parse_text(
        "某部2024年工作要点\n以下各项任务中，排在第一位的为牵头单位。\n一、任务\n"
        "（一）甲。（质量安全监管司、种植业管理司）\n"
        "（二）乙行动（执法局牵头），推动案件数量增长10%（监管司配合）。"
    )
    assert task_of(plan, "正文/一/(一)")["leads"] == ["质量安全监管司"]
    task = task_of(plan, "正文/一/(二)")
    assert task["leads"] == ["执法局"] and task["cooperators"] == ["监管司"]


def test_labelled_list_wrapped_over_lines_and_bracket_labels():
    plan = parse_text(
        "一、任务\n1.甲。\n牵头单位：市交通运输局\n责任单位：市邮政分公司、市商务局、\n市供销社\n"
        "2.乙。\n【责任单位】县市场监管局、县商务局\n【完成时限】2024年10月底前"
    )
    assert task_of(plan, "正文/一/1")["cooperators"] == ["市邮政分公司", "市商务局", "市供销社"]
    task = task_of(plan, "正文/一/2")
    assert task["leads"] == [] and task["deadline"] == "2024-10-31"


def test_a_standing_note_names_no_unit():
    plan = parse_text(
        "一、任务\n（一）甲。（省民政厅牵头，省财政厅按职责分工负责。以下均需各市、县（市、区）人民政府落实，不再列出）"
    )
    assert task_of(plan, "正文/一/(一)")["cooperators"] == ["省财政厅"]


def test_ranges_starting_levels_and_granted_levels():
    plan = parse_text(
        "一、任务\n1.给予每家500元至2000元奖补，监测参数由80项增加到100项。\n"
        "2.按每人1000元给予补贴，补贴标准为800元/亩，电价不超过0.5元/千瓦时，用电量达到310亿千瓦时。\n"
        "3.教师培训经费按不低于公用经费总额的5%安排，负荷能力达到最高负荷的5%。"
    )
    assert targets_of(plan, "正文/一/1") == [(">=", 500, "元"), ("<=", 2000, "元"), (">=", 100, "项")]
    assert targets_of(plan, "正文/一/2") == [
        ("=", 1000, "元"),
        ("=", 800, "元/亩"),
        ("<=", 0.5, "元/千瓦时"),
        (">=", 310, "亿千瓦时"),
    ]
    assert targets_of(plan, "正文/一/3") == [(">=", 5, "%"), (">=", 5, "%")]


def test_definitions_staffing_and_distribution_over_he():
    plan = parse_text(
        "一、总则\n1.本办法所称重大项目，是指总投资5亿元以上的项目。\n2.各成员单位要明确1名联络员。\n"
        "3.力争事故起数和死亡人数分别下降10%以上。"
    )
    assert targets_of(plan, "正文/一/1") == [] and targets_of(plan, "正文/一/2") == []
    assert targets_of(plan, "正文/一/3") == [(">=", 10, "%"), (">=", 10, "%")]


def test_leading_group_with_roles_before_its_name():
    plan = parse_text(
        "一、组织机构\n成立以县长为组长，常务副县长、分管副县长为副组长，县发改局、县财政局主要负责人为成员的"
        "某县创卫工作领导小组。领导小组下设办公室，办公室设在县卫健局。"
    )
    force = plan["task_forces"][0]
    assert force["name"] == "某县创卫工作领导小组"
    assert force["convenors"] == ["县长"] and force["deputy_convenors"] == ["常务副县长", "分管副县长"]
    assert force["members"] == ["县发改局", "县财政局"] and force["office"] == "县卫健局"


def test_role_lines_and_role_by_forms():
    plan = parse_text(
        "一、组成人员\n某市营商环境工作领导小组由下列单位组成。\n组　长：市政府市长\n副组长：市政府常务副市长\n"
        "成员单位：市发展改革委、市财政局\n二、工作专班\n成立市能源保供工作专班。专班召集人由市政府分管副市长担任，"
        "副召集人由市发展改革委主任担任。成员单位为：市发展改革委、市电力公司。专班办公室设在市发展改革委。"
    )
    names = [(f["convenors"], f["deputy_convenors"]) for f in plan["task_forces"]]
    assert (["市政府分管副市长"], ["市发展改革委主任"]) in names


def test_a_name_list_of_people_gives_no_roles():
    plan = parse_text(
        "一、机构\n成立某工作领导小组，成员单位包括市发展改革委、市财政局，办公室设在市发展改革委。\n"
        "组　长：张某某　市长\n副组长：李某某　副市长"
    )
    force = plan["task_forces"][0]
    assert force["convenors"] == [] and force["deputy_convenors"] == []


def test_web_page_header_and_footer_stay_out_of_the_plan():
    plan = parse_text(
        "当前位置：首页 > 信息公开\n【字体：大 中 小】【打印】\n某市工作方案\n发布时间：2023-09-18\n"
        "一、任务\n（一）甲。（市发改委负责）\n— 2 —\n主办单位：某市人民政府办公室　网站标识码：3207000009"
    )
    assert plan["title"] == "某市工作方案" and plan["date"] == "2023-09-18"
    assert plan["parts"][0]["title"] == "某市工作方案"
    assert task_of(plan, "正文/一/(一)")["leads"] == ["市发改委"]
    assert all("2" not in s["text"] for s in plan["sections"] if s["id"] == "正文/一/(一)")


def test_titles_may_end_in_a_parenthesis():
    plan = parse_text("某市推进数字政府建设三年行动方案（2024—2026年）\n一、目标")
    assert plan["title"] == "某市推进数字政府建设三年行动方案（2024—2026年）"


def test_bracketed_labels_on_the_item_line():
    plan = parse_text("一、任务\n1.推进乙。【牵头单位】市教育局【配合单位】市财政局、市人社局")
    task = task_of(plan, "正文/一/1")
    assert task["leads"] == ["市教育局"] and task["cooperators"] == ["市财政局", "市人社局"]


def test_a_share_of_a_task_to_complete_is_a_floor_and_a_granted_share_a_level():
    plan = parse_text("一、任务\n1.完成全年任务的90%。\n2.返还比例为上年度缴纳失业保险费的50%。")
    assert targets_of(plan, "正文/一/1") == [(">=", 90, "%")]
    assert targets_of(plan, "正文/一/2") == [("=", 50, "%")]


def test_a_member_list_cut_off_inside_its_last_name_keeps_the_others():
    plan = parse_text(
        "一、机制\n成立某市重点工作推进专班，由市长任召集人，成员单位包括区组宣部、区发改局、区财政局、区教"
    )
    assert plan["task_forces"][0]["members"] == ["区组宣部", "区发改局", "区财政局"]


def test_rules_attached_to_a_reply_set_up_the_body_without_a_verb():
    plan = parse_text(
        "附件\n某某部际联席会议制度\n一、成员单位\n联席会议由发展改革委、教育部、财政部组成，发展改革委为牵头单位。\n"
        "联席会议由发展改革委主要负责同志担任召集人，教育部、财政部分管负责同志担任副召集人。\n"
        "联席会议办公室设在发展改革委。"
    )
    force = plan["task_forces"][0]
    assert force["part"] == "附件" and force["name"] == "某某部际联席会议"
    assert force["deputy_convenors"] == ["教育部分管负责同志", "财政部分管负责同志"]
    assert force["office"] == "发展改革委"


def test_grain_in_jin_and_an_aimed_life_expectancy_but_no_age_conditions():
    plan = parse_text(
        "一、目标\n粮食产量稳定在1100亿斤以上，人均预期寿命达到79岁，招用16—24岁失业青年，年满60岁的老年人。"
    )
    assert targets_of(plan, "正文/一") == [(">=", 1100, "亿斤"), (">=", 79, "岁")]


def test_parenthesised_number_characters_are_written_with_ascii_parentheses():
    plan = parse_text("一、任务\n⑴推进甲。（县发改局负责）\n⑵推进乙。")
    assert section_ids(plan) == ["正文/一", "正文/一/(1)", "正文/一/(2)"]


def test_a_body_set_up_elsewhere_is_no_task_force_of_this_plan():
    plan = parse_text("某市方案\n一、保障\n（一）加强领导。领导小组办公室设在市发改委，负责日常工作。")
    assert plan["task_forces"] == []


def test_local_governments_responsible_for_delivery_are_cooperators():
    plan = parse_text(
        "一、任务\n（一）甲。（教育部牵头，财政部等按职责分工负责，地方各级人民政府负责落实。"
        "以下均需地方各级人民政府落实，不再列出）"
    )
    task = task_of(plan, "正文/一/(一)")
    assert task["leads"] == ["教育部"] and task["cooperators"] == ["财政部", "地方各级人民政府"]


def test_role_lines_naming_people_give_no_roles():
    for line in ("组　长：张某某（市长）", "组　长：张某某同志", "组　长：张某某　市长"):
        plan = parse_text(f"一、机构\n成立某工作领导小组，办公室设在市发展改革委。\n{line}")
        assert plan["task_forces"][0]["convenors"] == [], line
    plan = parse_text("一、机构\n成立某工作领导小组，办公室设在市发展改革委。\n组　长：市政府市长")
    assert plan["task_forces"][0]["convenors"] == ["市政府市长"]
