"""Stumbles a user meets in the first month, each as a user would notice it: the unit
filter, the phone keyboard, the 季讲评 quarter, the icon, the 退回原因 box, forms that are
not kept in the browser's cache."""

import datetime as dt
import re
from pathlib import Path

import pytest
from django.contrib.staticfiles import finders

from tests.clock import hold_date
from tests.web.helpers import PERIOD, TASK_A, submitted, task

pytestmark = pytest.mark.django_db


def _task_rows(html: str) -> list[str]:
    body = html.split('id="task-table"', 1)[1].split("</tbody>", 1)[0]
    return re.findall(r'<a href="/tasks/\d+/">(附件[^<]+)</a>', body)


def test_unit_filter_finds_units_by_part_of_the_name_or_an_alias(personas, today, client_for):
    from luoshi.plans.models import Unit, UnitAlias

    unit = Unit.objects.get(name="县发改局")
    UnitAlias.objects.create(unit=unit, name="县发展和改革局")
    leader = client_for(personas["leader"])

    exact = _task_rows(leader.get("/tasks/", {"unit": "县发改局"}).content.decode())
    assert "附件1/一/(二)" in exact and "附件1/一/(三)" not in exact
    # a part of the name, and the alias, find the same tasks
    assert _task_rows(leader.get("/tasks/", {"unit": "发改"}).content.decode()) == exact
    assert _task_rows(leader.get("/tasks/", {"unit": "县发展和改革局"}).content.decode()) == exact
    assert _task_rows(leader.get("/tasks/", {"unit": "发展和改革"}).content.decode()) == exact
    # a name no unit has finds nothing, and says so
    assert "没有符合条件的任务" in leader.get("/tasks/", {"unit": "县教育局"}).content.decode()


def test_unit_filter_offers_the_registry_names(personas, today, client_for):
    html = client_for(personas["leader"]).get("/tasks/").content.decode()
    datalist = html.split('<datalist id="f-unit-names">', 1)[1].split("</datalist>", 1)[0]
    assert 'list="f-unit-names"' in html
    for name in ("县工信局", "县发改局", "县政务服务中心"):
        assert f'<option value="{name}">' in datalist


def test_progress_and_figures_bring_up_the_number_keyboard(personas, today, client_for):
    html = client_for(personas["reporter_a"]).get(f"/fill/{task(TASK_A).pk}/{PERIOD}/").content.decode()
    progress = re.search(r'<input[^>]*name="progress"[^>]*>', html).group(0)
    assert 'inputmode="decimal"' in progress
    targets = re.findall(r'<input[^>]*name="target_\d+"[^>]*>', html)
    assert targets and all('inputmode="decimal"' in t for t in targets)


def test_quarterly_review_defaults_to_the_last_complete_quarter(personas, today, client_for, plan):
    office = client_for(personas["office"])

    def quarters_on(day):
        hold_date(day)
        html = office.get("/bulletins/").content.decode()
        select = html.split('id="r-quarter"', 1)[1].split("</select>", 1)[0]
        return re.findall(r'<option value="([^"]*)"', select), re.search(r'value="([^"]*)" selected', select)

    # 15 July: Q3 has begun, Q2 is the one to review; Q4 is not offered
    offered, selected = quarters_on(dt.date(2025, 7, 15))
    assert offered == ["2025Q3", "2025Q2", "2025Q1"] and selected.group(1) == "2025Q2"
    # 1 July, the day of the 季讲评 in USERS.md
    assert quarters_on(dt.date(2025, 7, 1))[1].group(1) == "2025Q2"
    # in February no quarter is complete yet: the one under way
    offered, selected = quarters_on(dt.date(2025, 2, 10))
    assert offered == ["2025Q1"] and selected.group(1) == "2025Q1"
    # the next January: the whole year is done, Q4 is the one
    assert quarters_on(dt.date(2026, 1, 5))[1].group(1) == "2025Q4"


def test_favicon_is_served_and_linked_from_every_page(personas, today, client, client_for):
    response = client.get("/favicon.ico", follow=True)
    assert response.status_code == 200
    icon = b"".join(response.streaming_content) if response.streaming else response.content
    assert icon[:4] == b"\x00\x00\x01\x00"  # an ICO file
    for page in ("/login/", "/public/"):
        assert 'rel="icon"' in client.get(page).content.decode()
    assert 'rel="icon"' in client_for(personas["leader"]).get("/board/").content.decode()


def test_return_reason_box_is_a_full_width_text_area(personas, today, client_for):
    submitted(personas["reporter_a"])
    html = client_for(personas["head_a"]).get("/review/").content.decode()
    form = re.search(r'<form[^>]*class="return-inline".*?</form>', html, re.S).group(0)
    assert re.search(r'<textarea name="reason"[^>]*rows="3"', form)
    assert "120px" not in form
    css = Path(finders.find("web/app.css")).read_text(encoding="utf-8")
    assert re.search(r"\.return-inline textarea \{[^}]*width: 100%", css)


def test_report_forms_are_not_kept_in_the_browser_cache(personas, today, client_for):
    reporter = client_for(personas["reporter_a"])
    response = reporter.get(f"/fill/{task(TASK_A).pk}/{PERIOD}/")
    assert "no-store" in response["Cache-Control"]
    report = submitted(personas["reporter_b"], "附件1/一/(二)")
    assert "no-store" in client_for(personas["head_b"]).get(f"/reports/{report.pk}/")["Cache-Control"]
