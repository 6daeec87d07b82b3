"""Alignment (对标) through the services: suggestions kept as links, confirmed, corrected
or declared 无对应 by the county's coordinator or office; audited; idempotent."""

import pytest
from django.core.exceptions import PermissionDenied

from luoshi.accounts.permissions import SYSTEM, actor_for
from luoshi.audit.models import AuditLog
from luoshi.plans.alignment_services import (
    AlignmentError,
    alignment_rows,
    confirm_link,
    reject_link,
    set_link,
    suggest_alignment,
    upper_plans_for,
)
from luoshi.plans.choices import LinkKind, LinkState
from luoshi.plans.models import Task, TaskLink

pytestmark = pytest.mark.django_db


def county_task(plan, sid):
    return Task.objects.get(plan=plan, section__sid=sid)


def best(plan, upper, sid):
    return next(r for r in alignment_rows(plan, upper) if r.task.section.sid == sid)


def test_each_county_task_is_offered_the_city_task_it_carries_out_first(plan, personas, city_plan):
    result = suggest_alignment(actor_for(personas["coordinator"]), plan, city_plan)
    assert result.created == 9  # three candidates for each of the county's three tasks
    firsts = {r.task.section.sid: r.suggestions[0].upper.section.sid for r in alignment_rows(plan, city_plan)}
    assert firsts == {
        "附件1/一/(一)": "附件1/二/(一)",
        "附件1/一/(二)": "附件1/二/(二)",
        "附件1/一/(三)": "附件1/二/(四)",
    }
    link = TaskLink.objects.filter(lower__plan=plan).first()
    assert link.kind == LinkKind.ALIGNMENT and link.state == LinkState.SUGGESTED and link.score > 0
    assert AuditLog.objects.filter(operation="生成对标建议").count() == 1


def test_running_the_suggestions_again_duplicates_nothing_and_keeps_what_a_person_decided(
    plan, personas, city_plan
):
    coordinator = actor_for(personas["coordinator"])
    suggest_alignment(coordinator, plan, city_plan)
    row = best(plan, city_plan, "附件1/一/(一)")
    confirm_link(coordinator, row.suggestions[0])
    count = TaskLink.objects.count()
    again = suggest_alignment(coordinator, plan, city_plan)
    assert TaskLink.objects.count() == count and again.created == 0 and again.kept == 1
    row = best(plan, city_plan, "附件1/一/(一)")
    assert row.state == "已确认" and row.confirmed.upper.section.sid == "附件1/二/(一)"


def test_confirming_one_candidate_rejects_the_others_and_records_who(plan, personas, city_plan):
    coordinator = actor_for(personas["coordinator"])
    suggest_alignment(coordinator, plan, city_plan)
    first, second, third = best(plan, city_plan, "附件1/一/(二)").links
    confirm_link(coordinator, first)
    states = {link.pk: link.state for link in TaskLink.objects.filter(lower=first.lower)}
    assert states == {
        first.pk: LinkState.CONFIRMED,
        second.pk: LinkState.REJECTED,
        third.pk: LinkState.REJECTED,
    }
    first.refresh_from_db()
    assert first.decided_by == personas["coordinator"] and first.decided_at is not None
    entry = AuditLog.objects.filter(operation="确认对标").get()
    assert entry.changes["state"] == [LinkState.SUGGESTED, LinkState.CONFIRMED]


def test_correcting_to_another_city_task_and_to_no_counterpart(plan, personas, city_plan):
    office = actor_for(personas["office"])  # 县工信局 runs 附件1
    suggest_alignment(SYSTEM, plan, city_plan)
    lower = county_task(plan, "附件1/一/(一)")
    housing = Task.objects.get(plan=city_plan, section__sid="附件1/二/(三)")
    link = set_link(office, lower, city_plan, housing)
    assert link.state == LinkState.CONFIRMED and link.upper == housing
    row = best(plan, city_plan, "附件1/一/(一)")
    assert row.confirmed == link and not row.suggestions
    assert set_link(office, lower, city_plan, None) is None
    row = best(plan, city_plan, "附件1/一/(一)")
    assert row.state == "无对应" and row.confirmed is None
    assert suggest_alignment(SYSTEM, plan, city_plan).created == 0  # 无对应 is a decision too


def test_a_rejected_suggestion_stays_rejected(plan, personas, city_plan):
    coordinator = actor_for(personas["coordinator"])
    suggest_alignment(coordinator, plan, city_plan)
    link = best(plan, city_plan, "附件1/一/(三)").suggestions[0]
    reject_link(coordinator, link)
    suggest_alignment(coordinator, plan, city_plan)
    link.refresh_from_db()
    assert link.state == LinkState.REJECTED


@pytest.mark.parametrize("who", ["reporter_a", "head_a", "leader", "city_coordinator"])
def test_only_the_county_coordinator_and_office_decide(plan, personas, city_plan, who):
    suggest_alignment(SYSTEM, plan, city_plan)
    link = best(plan, city_plan, "附件1/一/(一)").suggestions[0]
    with pytest.raises(PermissionDenied):
        confirm_link(actor_for(personas[who]), link)
    with pytest.raises(PermissionDenied):
        suggest_alignment(actor_for(personas[who]), plan, city_plan)
    link.refresh_from_db()
    assert link.state == LinkState.SUGGESTED


def test_an_office_decides_only_the_tasks_of_the_campaigns_it_runs(plan, personas, city_plan):
    from luoshi.plans.models import TaskForce

    TaskForce.objects.update(office=None)
    suggest_alignment(SYSTEM, plan, city_plan)
    link = best(plan, city_plan, "附件1/一/(一)").suggestions[0]
    with pytest.raises(PermissionDenied):
        confirm_link(actor_for(personas["office"]), link)


def test_a_plan_is_aligned_only_to_a_plan_above_it(plan, personas, city_plan):
    coordinator = actor_for(personas["coordinator"])
    assert upper_plans_for(plan) == [city_plan]
    assert upper_plans_for(city_plan) == []
    with pytest.raises(AlignmentError, match="不属于“示范市”的上级组织"):
        suggest_alignment(SYSTEM, city_plan, plan)
    with pytest.raises(AlignmentError, match="不能对标"):
        suggest_alignment(coordinator, plan, plan)
    lower = county_task(plan, "附件1/一/(一)")
    with pytest.raises(AlignmentError, match="不在上级方案"):
        set_link(coordinator, lower, city_plan, county_task(plan, "附件1/一/(二)"))
    assert not TaskLink.objects.exists()
