"""Who sees which task (``plans.permissions``): roles × the test plan's tasks."""

import pytest
from django.http import Http404

from luoshi.accounts.permissions import actor_for
from luoshi.plans.permissions import get_task_for, visible_tasks
from tests.web.helpers import TASK_A, TASK_B, TASK_C, task

pytestmark = pytest.mark.django_db


def sids(queryset):
    return sorted(queryset.values_list("section__sid", flat=True))


@pytest.mark.parametrize(
    ("who", "expected"),
    [
        ("reporter_a", [TASK_A]),  # 县工信局 leads (一) only
        ("head_a", [TASK_A]),
        ("reporter_b", [TASK_A, TASK_B]),  # 县发改局 cooperates on (一), leads (二)
        ("office", [TASK_A, TASK_B, TASK_C]),  # runs 附件1
        ("coordinator", [TASK_A, TASK_B, TASK_C]),
        ("leader", [TASK_A, TASK_B, TASK_C]),
    ],
)
def test_visible_tasks_by_role(personas, today, who, expected):
    assert sids(visible_tasks(actor_for(personas[who]))) == sorted(expected)


def test_task_of_another_unit_is_404_like_a_missing_one(personas, today):
    actor = actor_for(personas["reporter_a"])
    with pytest.raises(Http404):
        get_task_for(actor, task(TASK_B).pk)
    with pytest.raises(Http404):
        get_task_for(actor, 999999)
