"""Every light says why in words where it is shown (task page, task list, lagging tables,
API, the command line), and a task-force office's 工作台 shows only its campaigns."""

import copy
import datetime as dt
import json

import pytest
from django.contrib.auth import get_user_model

from luoshi.accounts.models import Profile
from luoshi.accounts.permissions import SYSTEM, actor_for
from luoshi.plans.models import Unit
from luoshi.plans.services import import_plan
from luoshi.reporting import services
from luoshi.reporting.milestones import add_milestone
from tests.plans.factories import make_plan
from tests.web.helpers import TASK_A, TASK_B, approved, submitted, task

pytestmark = pytest.mark.django_db

MILESTONE_REASON = "节点「完成企业摸底」应于6月30日完成，尚未完成"


def test_an_overdue_milestone_is_the_reason_on_the_task_page_the_list_and_the_api(
    personas, today, client_for
):
    report = approved(personas["reporter_a"], personas["head_a"], progress="48")
    services.accept_report(actor_for(personas["office"]), report)
    add_milestone(SYSTEM, task(TASK_A), "完成企业摸底", dt.date(2025, 6, 30))
    leader = client_for(personas["leader"])
    page = leader.get(f"/tasks/{task(TASK_A).pk}/").content.decode()
    assert "滞后" in page and MILESTONE_REASON in page
    assert MILESTONE_REASON in leader.get("/gantt/").content.decode()  # 施工图
    listing = leader.get("/tasks/").content.decode()
    assert MILESTONE_REASON in listing
    assert "2025年7月上旬未报送" in listing  # 县政务服务中心 handed nothing in for 7月上旬
    items = {t["section"]: t for t in leader.get("/api/v1/tasks").json()["items"]}
    assert items[TASK_A]["status"] == "lagging" and items[TASK_A]["reason"] == MILESTONE_REASON
    status = leader.get("/api/v1/status").json()
    assert {"task": task(TASK_A).pk, "reason": MILESTONE_REASON}.items() <= next(
        t for t in status["lagging_tasks"] if t["section"] == TASK_A
    ).items()


def test_a_task_behind_time_elapsed_says_by_how_much_on_the_board(personas, today, client_for):
    submitted(personas["reporter_b"], TASK_B, progress="25")  # 序时进度 42.9% (from 10 March)
    submitted(personas["reporter_a"], progress="5")
    html = client_for(personas["leader"]).get("/board/").content.decode()
    assert "进度25%，低于序时进度10个百分点以上" in html
    assert "进度5%，低于序时进度25个百分点以上" in html


def test_status_json_on_the_command_line_carries_the_reason(personas, today, capsys):
    from luoshi.cli import main as luoshi

    submitted(personas["reporter_b"], TASK_B, progress="25")
    assert luoshi(["status", "--json", "--as-of", "2025-07-15"]) == 0
    rows = {t["section"]: t for t in json.loads(capsys.readouterr().out)["tasks"]}
    assert rows[TASK_B]["reason"] == "进度25%，低于序时进度10个百分点以上"
    assert rows[TASK_A]["reason"] == "2025年7月上旬未报送"
    assert luoshi(["status", "--as-of", "2025-07-15"]) == 0
    text = capsys.readouterr().out
    assert "原因" in text and "进度25%，低于序时进度10个百分点以上" in text


@pytest.fixture
def two_campaigns(db):
    """The test plan with a second campaign whose one task 县工信局 also leads; 县工信局's
    office runs 附件1 only."""
    document = copy.deepcopy(make_plan())
    document["parts"].append({"key": "附件2", "title": "民生攻坚实施方案"})
    document["sections"].append(
        {
            "id": "附件2/一",
            "part": "附件2",
            "parent": None,
            "number": "一",
            "title": "改造老旧小区",
            "text": "改造老旧小区5个。(县工信局牵头负责)",
        }
    )
    document["tasks"].append({"section": "附件2/一", "leads": ["县工信局"], "cooperators": []})
    plan = import_plan(SYSTEM, document).plan
    user = get_user_model().objects.create_user("office", password="Luoshi@2025x")
    Profile.objects.create(user=user, role="office", unit=Unit.objects.get(name="县工信局"))
    return plan, user


def test_a_task_force_office_workspace_shows_only_its_campaigns(two_campaigns, today, client_for):
    plan, office = two_campaigns
    response = client_for(office).get("/")
    html = response.content.decode()
    board = response.context["board"]
    assert [c.key for c in board.campaigns] == ["附件1"] and board.rows_count == 3
    assert "本专班进展" in html and "改造老旧小区" not in html.split("本专班进展")[1]
    # its own unit's task elsewhere stays in its task list all the same
    assert "改造老旧小区" in client_for(office).get("/tasks/").content.decode()
