"""Web pages saved from a government site: the document without the page around it."""

from luoshi.docparse.readers import read_document

PAGE = """<!DOCTYPE html>
<html><head><meta charset="{charset}">
<meta name="ArticleTitle" content="关于印发《西洞庭管理区实施“七大攻坚”总体方案》的通知">
<title>关于印发《西洞庭管理区实施“七大攻坚”总体方案》的通知_西洞庭管理区人民政府</title>
<script>var x = "不应出现";</script><style>.a{{color:red}}</style></head>
<body>
<div class="header"><a href="/">首页</a><a href="/zwgk">政务公开</a></div>
<div class="nav"><ul><li>网站首页</li><li>新闻中心</li><li>政务公开</li></ul></div>
<div class="location">当前位置：首页 &gt; 政务公开 &gt; 通知公告</div>
<div class="main">
  <table class="xxgk">
    <tr><td>索引号：</td><td>430700/2025-00012</td><td>主题分类：</td><td>综合政务</td></tr>
    <tr><td>发布机构：</td><td>西洞庭管理区</td><td>成文日期：</td><td>2025-04-27</td></tr>
    <tr><td>发文字号：</td><td>西管办发〔2025〕5号</td><td>公开方式：</td><td>主动公开</td></tr>
  </table>
  <h1>关于印发《西洞庭管理区实施“七大攻坚”总体方案》的通知</h1>
  <div class="tools">字体：【<a>大</a> <a>中</a> <a>小</a>】 分享到： 【打印本页】 【关闭窗口】</div>
  <div class="read">阅读次数：1234</div>
  <div id="zoom" class="TRS_Editor">
    <p>各街道(镇)、部委办局：</p>
    <p>　　经区管委同意，现将方案印发给你们，请认真贯彻执行。</p>
    <p style="text-align:right">常德市西洞庭管理区管理委员会办公室<br>2025年4月27日</p>
    <p>西洞庭管理区实施“七大攻坚”总体方案</p>
    <p>一、攻坚目标</p>
    <p>——内需增长动能持续增强。实现社会消费品零售总额增长6%以上。</p>
    <div><span>二、攻坚重点</span></div>
    <p>（一）实施内需扩量提效攻坚。<b>大力提振消费。</b>通过增收减负多维度发力。</p>
    <p style="display:none">隐藏的文字</p>
  </div>
  <div class="bdshare">分享到：微信 微博</div>
  <div class="xgld">相关链接：<a>某某网</a></div>
</div>
<div class="footer">版权所有：西洞庭管理区人民政府 湘ICP备12345678号 网站标识码：4307000001</div>
</body></html>
"""

CONTENT = [
    "各街道(镇)、部委办局：",
    "经区管委同意，现将方案印发给你们，请认真贯彻执行。",
    "常德市西洞庭管理区管理委员会办公室",
    "2025年4月27日",
    "西洞庭管理区实施“七大攻坚”总体方案",
    "一、攻坚目标",
    "——内需增长动能持续增强。实现社会消费品零售总额增长6%以上。",
    "二、攻坚重点",
    "（一）实施内需扩量提效攻坚。大力提振消费。通过增收减负多维度发力。",
]
TITLE = "关于印发《西洞庭管理区实施“七大攻坚”总体方案》的通知"


def page(charset="utf-8") -> str:
    return PAGE.format(charset=charset)


def test_government_page_gives_number_title_and_content_only():
    lines = read_document(page().encode("utf-8"), filename="index.html").lines
    assert lines == ["西管办发〔2025〕5号", TITLE, *CONTENT]


def test_gb2312_page_without_extension():
    lines = read_document(page("gb2312").encode("gb18030")).lines
    assert lines[:2] == ["西管办发〔2025〕5号", TITLE]
    assert lines[2:] == CONTENT


def test_page_leftovers_are_dropped_even_without_a_content_container():
    html = """<html><body>
    <p>您现在的位置：首页 > 政府文件</p>
    <p>国务院关于同意建立国务院职业教育工作部际联席会议制度的批复</p>
    <p>【字体：大 中 小】【打印】【关闭窗口】</p>
    <p>国函〔2018〕144号</p>
    <p>教育部：</p>
    <p>一、主要职能</p>
    <p>浏览次数：88</p>
    <p>Copyright © 2018 中国政府网 京ICP备05070218号</p>
    </body></html>"""
    lines = read_document(html.encode("utf-8"), filename="a.htm").lines
    assert lines == [
        "国务院关于同意建立国务院职业教育工作部际联席会议制度的批复",
        "国函〔2018〕144号",
        "教育部：",
        "一、主要职能",
    ]


def test_task_table_in_a_page_becomes_items():
    html = """<html><body><div class="article-content">
    <p>附件</p><p>重点任务分工</p>
    <table border="1">
      <tr><th>序号</th><th>重点任务</th><th>责任单位</th><th>牵头单位</th></tr>
      <tr><td colspan="4">一、稳增长</td></tr>
      <tr><td>1</td><td>推进重大项目建设。</td><td>区财政局、区自然资源局</td><td>区发改局</td></tr>
      <tr><td>2</td><td>开展促消费活动。</td><td rowspan="2">区商务局</td><td>区商务局</td></tr>
      <tr><td>3</td><td>培育新型消费。</td><td>区文旅局</td></tr>
    </table></div></body></html>"""
    lines = read_document(html.encode("utf-8"), filename="a.html").lines
    assert lines == [
        "附件",
        "重点任务分工",
        "一、稳增长",
        "1.推进重大项目建设。",
        "牵头单位：区发改局",
        "责任单位：区财政局、区自然资源局",
        "2.开展促消费活动。",
        "牵头单位：区商务局",
        "责任单位：区商务局",
        "3.培育新型消费。",
        "牵头单位：区文旅局",
        "责任单位：区商务局",
    ]


def test_data_table_gives_one_line_per_row_and_br_splits_lines():
    html = """<html><body><div id="content">
    <p>第一行<br/>第二行</p>
    <table><tr><td>指标</td><td>目标</td></tr><tr><td>GDP</td><td>增长5%</td></tr></table>
    </div></body></html>"""
    assert read_document(html.encode("utf-8")).lines == ["第一行", "第二行", "指标 目标", "GDP 增长5%"]


def test_fragment_starting_with_a_paragraph_is_html():
    lines = read_document("<p>一、总体要求</p><p>坚持稳中求进。</p>".encode(), filename="a.txt").lines
    assert lines == ["一、总体要求", "坚持稳中求进。"]


def test_old_page_laid_out_with_nested_tables():
    html = """<html><body><table width="980"><tr><td><table><tr><td>网站首页</td><td>政务公开</td></tr></table></td></tr>
    <tr><td><table><tr><td class="title">关于做好春耕生产工作的通知</td></tr>
    <tr><td class="content"><p>各乡镇人民政府：</p><p>一、抓好农资供应。</p><p>二、加强技术指导。</p></td></tr>
    </table></td></tr></table></body></html>"""
    lines = read_document(html.encode("utf-8")).lines
    assert lines == [
        "关于做好春耕生产工作的通知",
        "各乡镇人民政府：",
        "一、抓好农资供应。",
        "二、加强技术指导。",
    ]


def test_huge_page_is_read_in_part_with_a_warning(tmp_path):
    path = tmp_path / "big.html"
    with path.open("wb") as handle:
        handle.write("<html><body><div id='content'><p>一、总体要求</p>".encode())
        chunk = "<p>坚持稳中求进工作总基调，完整准确全面贯彻新发展理念。</p>".encode() * 10_000
        while handle.tell() < 11 * 1024 * 1024:
            handle.write(chunk)
    document = read_document(path)
    assert document.lines[:2] == ["一、总体要求", "坚持稳中求进工作总基调，完整准确全面贯彻新发展理念。"]
    assert any("未读取" in warning["message"] for warning in document.warnings)
