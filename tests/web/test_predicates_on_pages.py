"""The pages show what the domains' predicates allow, nothing else: buttons and links
come from ``can_*`` in the context, never from comparing roles or states."""

import pytest

from luoshi.accounts.permissions import SYSTEM
from luoshi.reporting.policy import policy_for
from tests.web.helpers import draft, submitted

pytestmark = pytest.mark.django_db


def test_the_reporter_is_told_where_a_submitted_report_goes_as_the_policy_says(
    personas, today, client_for, plan
):
    reporter = client_for(personas["reporter_a"])
    report = draft(personas["reporter_a"])
    page = reporter.get(f"/reports/{report.pk}/").content.decode()
    assert "提交后将送单位负责人审核" in page
    policy = policy_for(plan)
    policy.head_approval = False
    policy.save()
    page = reporter.get(f"/reports/{report.pk}/").content.decode()
    assert "提交后将送工作专班办公室审定" in page and "单位负责人审核" not in page


def test_no_return_button_for_the_office_before_the_head_has_approved(personas, today, client_for):
    report = submitted(personas["reporter_a"])
    office_page = client_for(personas["office"]).get(f"/reports/{report.pk}/").content.decode()
    assert f"/reports/{report.pk}/return/" not in office_page
    head_page = client_for(personas["head_a"]).get(f"/reports/{report.pk}/").content.decode()
    assert f"/reports/{report.pk}/return/" in head_page and f"/reports/{report.pk}/approve/" in head_page


def test_only_those_who_may_export_see_the_three_lists_button(personas, today, client_for):
    for who, shown in [("reporter_a", False), ("head_b", False), ("office", True), ("leader", True)]:
        page = client_for(personas[who]).get("/tasks/").content.decode()
        assert ("导出“三张清单”Excel" in page) is shown, who
        status = client_for(personas[who]).get("/tasks/three-lists.xlsx").status_code
        assert (status == 200) is shown, who


def test_a_leader_reads_a_draft_bulletin_without_an_issue_button(personas, today, client_for, plan):
    from luoshi.bulletins.services import create_bulletin

    bulletin = create_bulletin(SYSTEM, plan, "2025-06", "附件1")
    # the page shows the bulletin's 版记 (…印发) to both; only the office gets the button
    assert (
        'value="issue"'
        not in client_for(personas["leader"]).get(f"/bulletins/{bulletin.pk}/").content.decode()
    )
    assert (
        'value="issue"' in client_for(personas["office"]).get(f"/bulletins/{bulletin.pk}/").content.decode()
    )
    page = client_for(personas["office"]).get("/bulletins/").content.decode()
    assert (
        "生成月通报草稿" in page
        and '<option value="">全方案</option>' not in page.split("b-campaign")[1][:200]
    )
    assert "保存季讲评权重" not in page
