"""The charts' data and files without a browser: the JSON each page hands to ECharts, the
ECharts file served by the app itself (WhiteNoise, after collectstatic as ``luoshi serve``
does), and no script or style fetched from another site."""

import json
import re

import pytest
from django.contrib.staticfiles import finders
from django.core.management import call_command
from django.templatetags.static import static
from django.test import Client

from luoshi.reporting.status import STATUS_COLOURS, Status
from luoshi.web import vendor
from tests.web.helpers import submitted

pytestmark = pytest.mark.django_db

CHART_PAGES = ["/board/", "/board/screen/", "/board/trend/", "/public/"]
ECHARTS_URL = static(vendor.ECHARTS_STATIC)


def chart_data(html: str, name: str) -> dict:
    match = re.search(rf'<script id="{name}" type="application/json">(.*?)</script>', html, re.S)
    assert match, name
    return json.loads(match.group(1))


def external_references(html: str) -> list[str]:
    """src/href of scripts, styles, images and frames that point to another site."""
    found = []
    for tag in re.finditer(r"<(script|link|img|iframe|source|embed)\b[^>]*>", html, re.I):
        for url in re.findall(r'\b(?:src|href)\s*=\s*["\']([^"\']*)', tag.group(0), re.I):
            if re.match(r"(?i)(https?:)?//", url.strip()) and not url.startswith("http://testserver/"):
                found.append(url)
    return found


def test_the_echarts_file_is_in_the_package_at_the_pinned_version():
    path = finders.find(vendor.ECHARTS_STATIC)
    assert path, "run `python src/luoshi/web/vendor.py` (setup.py's build_py does it on install)"
    assert "luoshi/web/static" in path.replace("\\", "/")
    pinned = json.loads((vendor.HERE.parents[2] / "package.json").read_text())["dependencies"]["echarts"]
    version = (vendor.STATIC_VENDOR / "echarts" / "VERSION.txt").read_text().split()
    assert version == ["echarts", pinned]
    folder = vendor.STATIC_VENDOR / "echarts"
    assert "Apache License" in (folder / "LICENSE.txt").read_text()[:200]
    for name in ("NOTICE.txt", "LICENSE-d3.txt", "LICENSE-zrender.txt"):
        assert (folder / name).stat().st_size > 100, name


def test_the_echarts_file_is_served_by_the_app(tmp_path, settings):
    """As in production: collectstatic into STATIC_ROOT, then WhiteNoise answers."""
    settings.STATIC_ROOT = tmp_path / "static"
    call_command("collectstatic", interactive=False, verbosity=0)
    response = Client().get(ECHARTS_URL)  # a new client: WhiteNoise scans STATIC_ROOT anew
    assert response.status_code == 200, ECHARTS_URL
    body = b"".join(response.streaming_content)
    assert response["Content-Type"].startswith("text/javascript")
    assert b"Apache License" in body[:2000] and b"echarts" in body
    assert len(body) > 500_000
    for name in ("web/charts.js", "web/board.js", "web/public.js"):
        assert Client().get(static(name)).status_code == 200, name


@pytest.mark.parametrize("url", CHART_PAGES)
def test_chart_pages_load_echarts_from_this_site_and_nothing_from_elsewhere(
    personas, plan, today, client_for, url
):
    from luoshi.web.models import Publication

    Publication.objects.create(series=plan.series, published=True)
    response = client_for(personas["leader"]).get(url)
    assert response.status_code == 200
    html = response.content.decode()
    assert external_references(html) == []
    assert not re.search(r"(?i)<(script|link)\b[^>]*(src|href)\s*=\s*[\"'](https?:)?//", html)
    if url != "/board/trend/":  # the trend is a panel loaded into the board page
        assert f'<script src="{ECHARTS_URL}" defer></script>' in html
        assert "web/charts.js" in html


def test_external_references_are_caught():
    html = (
        '<script src="https://cdn.example.org/echarts.min.js"></script>'
        "<link rel=stylesheet href='//fonts.example.org/a.css'><script src=\"/static/web/app.js\"></script>"
    )
    assert external_references(html) == [
        "https://cdn.example.org/echarts.min.js",
        "//fonts.example.org/a.css",
    ]


def test_board_chart_data_matches_the_board_and_links_to_the_lists(personas, today, client_for):
    submitted(personas["reporter_a"])  # 30 % against 42.9 %: lagging
    html = client_for(personas["leader"]).get("/board/").content.decode()
    data = chart_data(html, "board-charts")

    status = data["status"]
    assert status["total"] == 3
    by_key = {item["key"]: item for item in status["items"]}
    assert by_key["lagging"]["value"] == 1 and by_key["not_reported"]["value"] == 2
    for item in status["items"]:
        assert item["colour"] == STATUS_COLOURS[Status(item["key"])]
        assert item["url"] == f"/tasks/?status={item['key']}"
        assert item["name"] == Status(item["key"]).label

    (campaign,) = data["progress"]["items"]
    assert campaign["key"] == "附件1" and campaign["tasks"] == 3
    assert campaign["progress"] == 10.0 and campaign["url"] == "/tasks/?campaign=%E9%99%84%E4%BB%B61"
    assert {"name": "滞后", "value": 1, "colour": STATUS_COLOURS[Status.LAGGING]} in campaign["mix"]
    assert [s["name"] for s in data["progress"]["series"]] == ["平均进度", "序时进度"]

    targets = data["targets"]["items"]
    assert targets and all(t["url"].startswith("/tasks/?list=targets&q=") for t in targets)
    # the numbers are there without JavaScript too: every one links to its list
    assert 'href="/tasks/?campaign=%E9%99%84%E4%BB%B61&amp;status=lagging"' in html
    assert 'id="table-progress" open' in html


def test_board_chart_data_follows_the_campaign_filter(personas, today, client_for):
    html = client_for(personas["leader"]).get("/board/?campaign=附件1").content.decode()
    status = chart_data(html, "board-charts")["status"]
    assert all(item["url"].endswith("&campaign=%E9%99%84%E4%BB%B61") for item in status["items"])


def test_trend_chart_data_links_each_month_to_its_list(personas, today, client_for):
    html = client_for(personas["office"]).get("/board/trend/").content.decode()
    data = chart_data(html, "trend-chart")
    assert data["labels"][-1] == "7月15日" and len(data["urls"]) == len(data["labels"])
    assert data["urls"][-1] == "/tasks/?as_of=2025-07-15"
    assert [s["name"] for s in data["series"]] == ["平均进度", "序时进度"]
    assert 'data-echart="trend"' in html


def test_public_chart_data_has_numbers_only(personas, today, plan):
    from luoshi.web.models import Publication

    Publication.objects.create(series=plan.series, published=True)
    submitted(personas["reporter_a"], problems="内部问题：配套资金未到位")
    html = Client().get("/public/").content.decode()
    data = chart_data(html, "public-charts")["plan-1"]
    assert data["line"]["name"] == "序时进度"
    assert [s["name"] for s in data["statuses"]] == ["已完成", "正常推进", "滞后", "严重滞后"]
    text = json.dumps(data, ensure_ascii=False)
    for internal in ("配套资金", "县工信局", "县发改局", "完成企业摸底", "/tasks/"):
        assert internal not in text
