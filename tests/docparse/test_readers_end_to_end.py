"""The same plan as text, Word, web page and PDF parses to the same sections, tasks and targets."""

import html
import io

import docx
import pytest

from luoshi.docparse import parse

from .test_readers_pdf import SIZE, make_pdf, paragraph

PLAN = """常德市某区管理委员会办公室关于印发《某区2025年稳增长实施方案》的通知
某管办发〔2025〕7号
各街道、部委办局：
经区管委同意，现将《某区2025年稳增长实施方案》印发给你们，请认真贯彻执行。
常德市某区管理委员会办公室
2025年3月15日
某区2025年稳增长实施方案
为全面贯彻中央经济工作会议精神，推动经济持续回升向好，结合我区实际，制定本方案。
一、工作目标
全年地区生产总值增长5.5%以上，固定资产投资增长5%以上，社会消费品零售总额增长6%以上，城镇新增就业1000人。
二、重点任务
（一）扩大有效投资。
1.加强项目谋划。围绕安全饮水、保障性安居、城市管网更新、农村产业融合等领域谋划一批重大项目，全年争取专项债券资金1.1亿元以上。（区发改局牵头负责，区财政局、区住建局等按职责分工负责）
2.加快项目建设。确保现代农业产业园、预制菜产业园、地表水厂等项目取得实质性进展，项目开工率达到90%以上。（牵头单位：区发改局；责任单位：区自然资源局、区住建局）
（二）提振消费。
1.开展促消费活动。推动消费品以旧换新政策落地，开展各类促消费与文旅活动，深化文旅融合，全年举办活动10场以上。（区商务局、区文旅局分别牵头，区直有关单位按职责分工负责）
三、保障措施
加强组织领导，压实工作责任，确保各项任务落地见效。
"""

KEYS = ["title", "doc_number", "date", "parts", "sections", "tasks", "targets", "task_forces"]


def lines() -> list[str]:
    return PLAN.strip("\n").split("\n")


def as_docx() -> bytes:
    document = docx.Document()
    for line in lines():
        document.add_paragraph(line)
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def as_html() -> bytes:
    body = "".join(f"<p>{html.escape(line)}</p>" for line in lines())
    page = f"""<html><head><meta charset="gbk"><title>通知_某区人民政府</title></head><body>
    <div class="crumb">当前位置：首页 &gt; 政务公开</div>
    <div class="article"><div class="tools">字号：【大 中 小】 打印本页 关闭窗口</div>{body}</div>
    <div class="footer">版权所有 湘ICP备000000号</div></body></html>"""
    return page.encode("gbk")


def as_pdf() -> bytes:
    """Every paragraph indented two characters and wrapped at the margin, with page numbers."""
    pages, page, y = [], [], 760.0
    for line in lines():
        for x, _y, text in paragraph(line, 0, 2)[0]:
            if y < 100:
                pages.append([*page, (280, 40, f"— {len(pages) + 1} —")])
                page, y = [], 760.0
            page.append((x, y, text))
            y -= SIZE * 1.75
    pages.append([*page, (280, 40, f"— {len(pages) + 1} —")])
    return make_pdf(pages)


@pytest.mark.parametrize("make", [as_docx, as_html, as_pdf], ids=["docx", "html", "pdf"])
def test_same_plan_in_every_format(make):
    expected = parse(PLAN.encode("utf-8"), filename="plan.txt")
    assert len(expected["sections"]) == 8 and len(expected["tasks"]) == 3
    got = parse(make())
    assert {key: got.get(key) for key in KEYS} == {key: expected.get(key) for key in KEYS}


def test_task_table_in_word_gives_tasks_with_leads_and_cooperators():
    document = docx.Document()
    document.add_paragraph("某市推进城市更新任务分工")
    table = document.add_table(rows=5, cols=5)
    header = ["序号", "重点任务", "配合单位", "牵头单位", "完成时限"]
    rows = [
        ["一、城市基础设施更新"] * 5,
        [
            "1",
            "实施老旧小区改造，改造老旧小区120个。",
            "市财政局、市自然资源和规划局",
            "市住建局",
            "2025年12月底前",
        ],
        ["2", "推进城市燃气管道老化更新改造。", "", "市城管局", "长期坚持"],
        ["二、城市功能完善"] * 5,
    ]
    for col, text in enumerate(header):
        table.cell(0, col).text = text
    for index, values in enumerate(rows, start=1):
        if len(set(values)) == 1:
            table.cell(index, 0).merge(table.cell(index, 4)).text = values[0]
            continue
        for col, text in enumerate(values):
            table.cell(index, col).text = text
    buffer = io.BytesIO()
    document.save(buffer)
    plan = parse(buffer.getvalue())
    assert [section["id"] for section in plan["sections"]] == ["正文/一", "正文/一/1", "正文/一/2", "正文/二"]
    tasks = {task["section"]: (task["leads"], task["cooperators"]) for task in plan["tasks"]}
    assert tasks["正文/一/1"] == (["市住建局"], ["市财政局", "市自然资源和规划局"])
    assert tasks["正文/一/2"] == (["市城管局"], [])
