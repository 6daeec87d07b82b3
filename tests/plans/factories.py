"""Small Plan JSON documents made in the tests."""

import copy

BASE_PLAN = {
    "schema": "luoshi.plan/1",
    "title": "示范县实施“三大攻坚”工作方案",
    "issuer": "示范县人民政府办公室",
    "doc_number": "示政办发〔2025〕3号",
    "date": "2025-03-10",
    "parts": [
        {"key": "正文", "title": "示范县实施“三大攻坚”工作方案"},
        {"key": "附件1", "title": "产业攻坚实施方案"},
    ],
    "sections": [
        {
            "id": "正文/一",
            "part": "正文",
            "parent": None,
            "number": "一",
            "title": "工作目标",
            "text": "地区生产总值增长6%以上。",
        },
        {"id": "附件1/一", "part": "附件1", "parent": None, "number": "一", "title": "重点任务", "text": ""},
        {
            "id": "附件1/一/(一)",
            "part": "附件1",
            "parent": "附件1/一",
            "number": "(一)",
            "title": "培育产业集群",
            "text": "新增规模工业企业10家。(县工信局牵头负责，县发改局、城关镇等按职责分工负责)",
        },
        {
            "id": "附件1/一/(二)",
            "part": "附件1",
            "parent": "附件1/一",
            "number": "(二)",
            "title": "扩大有效投资",
            "text": "实施重点项目20个。(县发改局牵头负责，县住建(交通)局按职责分工负责)",
        },
        {
            "id": "附件1/一/(三)",
            "part": "附件1",
            "parent": "附件1/一",
            "number": "(三)",
            "title": "优化营商环境",
            "text": "一网通办率达到90%。(县政务服务中心牵头负责，县直有关单位按职责分工负责)",
        },
        {
            "id": "附件1/二",
            "part": "附件1",
            "parent": None,
            "number": "二",
            "title": "推进机制",
            "text": "成立产业攻坚工作专班，由分管县领导任召集人，县工信局主要负责人任副召集人，成员单位包括县工信局、县发改局、县住建局(交通局)，专班办公室设在县工信局。",
        },
    ],
    "tasks": [
        {
            "section": "附件1/一/(一)",
            "leads": ["县工信局"],
            "cooperators": ["县发改局", "城关镇"],
            "deadline": "2025-12-31",
        },
        {
            "section": "附件1/一/(二)",
            "leads": ["县发改局"],
            "cooperators": ["县住建(交通)局"],
            "deadline": None,
        },
        {
            "section": "附件1/一/(三)",
            "leads": ["县政务服务中心"],
            "cooperators": ["县直有关单位"],
            "deadline": "2025-06-30",
        },
    ],
    "targets": [
        {
            "section": "正文/一",
            "text": "地区生产总值增长6%以上",
            "subject": "地区生产总值增长",
            "op": ">=",
            "value": 6,
            "unit": "%",
        },
        {
            "section": "附件1/一/(一)",
            "text": "新增规模工业企业10家",
            "subject": "新增规模工业企业",
            "op": ">=",
            "value": 10,
            "unit": "家",
        },
        {
            "section": "附件1/一/(二)",
            "text": "实施重点项目20个",
            "subject": "实施重点项目",
            "op": ">=",
            "value": 20,
            "unit": "个",
        },
    ],
    "task_forces": [
        {
            "part": "附件1",
            "name": "产业攻坚工作专班",
            "convenors": ["分管县领导"],
            "deputy_convenors": ["县工信局主要负责人"],
            "members": ["县工信局", "县发改局", "县住建局(交通局)"],
            "office": "县工信局",
        },
    ],
}


def make_plan(**changes) -> dict:
    """A fresh copy of the base plan with top-level fields replaced."""
    plan = copy.deepcopy(BASE_PLAN)
    plan.update(changes)
    return plan


def make_city_plan() -> dict:
    """The city's plan above the test plan (示范市, issue 16's 对标): four tasks, three with a
    counterpart in the county's plan — 二/(一) 产业集群 ↔ county 一/(一), 二/(二) 有效投资 ↔ county 一/(二),
    二/(四) 一网通办 ↔ county 一/(三) — and 二/(三) 保交房, which the county's plan does not carry."""

    def section(number, title, text):
        return {
            "id": f"附件1/二/{number}",
            "part": "附件1",
            "parent": "附件1/二",
            "number": number,
            "title": title,
            "text": text,
        }

    def task(number, lead):
        return {"section": f"附件1/二/{number}", "leads": [lead], "cooperators": [], "deadline": None}

    return {
        "schema": "luoshi.plan/1",
        "title": "示范市实施“三大攻坚”工作方案",
        "issuer": "示范市人民政府办公室",
        "doc_number": "示市政办发〔2025〕1号",
        "date": "2025-02-20",
        "parts": [
            {"key": "正文", "title": "示范市实施“三大攻坚”工作方案"},
            {"key": "附件1", "title": "产业攻坚实施方案"},
        ],
        "sections": [
            {
                "id": "附件1/二",
                "part": "附件1",
                "parent": None,
                "number": "二",
                "title": "重点任务",
                "text": "",
            },
            section("(一)", "壮大产业集群", "新增规模工业企业100家，培育壮大产业集群。(市工信局牵头负责)"),
            section("(二)", "扩大有效投资", "实施重点项目200个，加快重点项目建设。(市发改委牵头负责)"),
            section(
                "(三)", "推进保交房", "抓实保交房项目见底清零，推动房地产市场止跌回稳。(市住建局牵头负责)"
            ),
            section(
                "(四)", "推进政务服务一网通办", "一网通办率达到95%，优化营商环境。(市政务服务中心牵头负责)"
            ),
        ],
        "tasks": [
            task("(一)", "市工信局"),
            task("(二)", "市发改委"),
            task("(三)", "市住建局"),
            task("(四)", "市政务服务中心"),
        ],
        "targets": [],
        "task_forces": [],
    }
