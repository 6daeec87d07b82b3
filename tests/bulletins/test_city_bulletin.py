"""The city's monthly bulletin covers its districts: a section ranking them by the city
board's score and naming the lagging ones with their lagging tasks and the late reporters,
and an attachment with the whole ranking; rendered to PDF by LibreOffice. A plan whose
organisation has none below has neither."""

import datetime as dt
import re

import pytest

from luoshi.accounts.permissions import SYSTEM
from luoshi.bulletins import documents, services
from luoshi.bulletins.compose import BELOW_ATTACHMENT, BELOW_HEADING
from luoshi.demo import province
from luoshi.plans.models import Organisation, Plan
from luoshi.reporting import board, cityboard, kept
from luoshi.reporting.models import Report
from tests.clock import travel_to

from .conftest import to_pdf  # noqa: F401


@pytest.fixture
def tree(db):
    travel_to(dt.date(2025, 8, 5))
    board.clear_memo()
    cityboard.clear_memo()
    province.build([1, 2, 4], 14, 2025, log=lambda *_: None)
    city = Organisation.objects.filter(level="city").order_by("order").first()
    first, second = Organisation.objects.filter(parent=city).order_by("order")
    # the first district hands in nothing for July: it lags and is late
    Report.objects.filter(task__plan__organisation=first, period__key__startswith="2025-07").delete()
    kept.rebuild(Plan.objects.get(organisation=first))
    yield city, first, second
    cityboard.clear_memo()


def flat(text: str) -> str:
    return re.sub(r"\s+", "", text)


def test_the_city_bulletin_ranks_its_districts_and_names_the_lagging(tree, to_pdf):  # noqa: F811
    city, first, second = tree
    plan = Plan.objects.get(organisation=city)
    bulletin = services.create_bulletin(SYSTEM, plan, "2025-07")
    below = bulletin.data["below"]
    assert [o["name"] for o in below] == [second.name, first.name]  # late and lagging: last
    assert below[1]["late_units"] and not below[0]["late_units"]
    lagging = next(o for o in below if o["lagging"])  # named with its lagging tasks
    text = "\n".join(b.text + "".join(map(str, b.lines)) for b in documents.blocks_of(bulletin))
    assert f"四、{BELOW_HEADING}" in text and "五、下步工作要求" in text
    assert f"{second.name}" in text and "位列前2名" in text
    assert (
        f"滞后任务较多的是：{lagging['name']}滞后{lagging['lagging']}项，如{lagging['lagging_tasks'][0]}"
        in text
    )
    assert "以下地方有单位未按期报送：" + first.name in text
    content = documents.bulletin_file(SYSTEM, bulletin)
    pages, pdf = to_pdf(content, "city")
    pdf = flat(pdf)
    assert BELOW_HEADING in pdf and BELOW_ATTACHMENT in pdf
    assert flat("附件5") in pdf and first.name in pdf and second.name in pdf
    assert lagging["lagging_tasks"][0].split(" ")[0] in pdf  # its code, e.g. 附件1/1


def test_a_district_bulletin_has_no_such_section(tree):
    _city, first, _second = tree
    bulletin = services.create_bulletin(SYSTEM, Plan.objects.get(organisation=first), "2025-07")
    assert bulletin.data["below"] == []
    text = "".join(b.text + "".join(map(str, b.lines)) for b in documents.blocks_of(bulletin))
    assert BELOW_HEADING not in text and BELOW_ATTACHMENT not in text
