"""The public page: published campaigns' progress beside the year gone by, status counts
and targets; nothing internal (report texts, return reasons, unit names, drafts)."""

import pytest
from django.test import Client

from luoshi.accounts.permissions import actor_for
from luoshi.reporting import services
from luoshi.web.models import Publication, PublishedCampaign
from tests.web.helpers import TASK_B, approved, submitted

pytestmark = pytest.mark.django_db

INTERNAL = [
    "内部问题：配套资金未到位",
    "请核实统计口径",
    "需协调：用地",
    "县工信局",
    "县发改局",
    "完成企业摸底",
]


def test_nothing_is_public_until_published(plan, today):
    assert "暂无公开的工作进展" in Client().get("/public/").content.decode()


def test_public_page_shows_numbers_and_no_internal_text(personas, plan, today):
    publication = Publication.objects.create(series=plan.series, published=True, intro="公开说明")
    PublishedCampaign.objects.create(publication=publication, part_key="附件1", summary="产业攻坚稳步推进")
    report = approved(
        personas["reporter_a"], personas["head_a"], problems="内部问题：配套资金未到位", values=None
    )
    services.accept_report(actor_for(personas["office"]), report)
    other = submitted(personas["reporter_b"], TASK_B, problems="需协调：用地")
    services.return_report(actor_for(personas["head_b"]), other, "请核实统计口径")
    html = Client().get("/public/").content.decode()
    assert "产业攻坚实施方案" in html and "产业攻坚稳步推进" in html and "序时进度" in html
    assert "新增规模工业企业" in html  # a target with its attainment
    for text in INTERNAL:
        assert text not in html, text


def test_a_withheld_campaign_is_not_shown(personas, plan, today):
    publication = Publication.objects.create(series=plan.series, published=True)
    PublishedCampaign.objects.create(publication=publication, part_key="附件1", published=False)
    assert "产业攻坚实施方案" not in Client().get("/public/").content.decode()


def test_public_summary_counts_done_tasks_and_skips_progress_of_a_part_without_tasks(personas, plan, today):
    """The headline says how many tasks are done; 正文 (goals only, no tasks) shows its
    targets without a 0 % progress line."""
    Publication.objects.create(series=plan.series, published=True)
    report = approved(personas["reporter_a"], personas["head_a"], progress="100")
    services.accept_report(actor_for(personas["office"]), report)
    html = Client().get("/public/").content.decode()
    assert "已完成 1 项" in html
    main_text = html.split("<h3>正文 ")[1].split("</div>")[0]
    assert "地区生产总值增长" in main_text and "完成进度" not in main_text
