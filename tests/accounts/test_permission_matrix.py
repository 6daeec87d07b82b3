"""Who may do what, as a matrix of roles × actions, read from the domains' predicates
(``<domain>/permissions.py``) and checked against what the services actually let through.

The personas (tests/conftest.py): reporter and head of 县工信局 (unit A) and of 县发改局
(unit B); the task-force office (县工信局 runs 附件1); the coordinator (县政务服务中心); a
leader. The report is unit A's on task (一) of 附件1; the plan asks for the head's
approval (the default policy)."""

import json
from pathlib import Path

import pytest
from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import PermissionDenied
from django.db import transaction

from luoshi.accounts.permissions import SYSTEM, actor_for
from luoshi.bulletins.permissions import can_issue
from luoshi.plans.models import Plan
from luoshi.plans.permissions import can_export_lists, can_import_plan, can_manage_units
from luoshi.plans.services import import_plan
from luoshi.reporting import revisions, services
from luoshi.reporting.permissions import (
    can_accept,
    can_approve,
    can_return,
    can_revise,
    can_submit,
    review_actions,
)
from luoshi.reporting.policy import policy_for
from luoshi.reporting.services import ReportingError
from tests.clock import travel_to
from tests.plans.factories import make_plan
from tests.web.helpers import JULY_15, approved, draft, submitted

pytestmark = pytest.mark.django_db

PERSONAS = ["reporter_a", "reporter_b", "head_a", "head_b", "office", "coordinator", "leader"]

# action → the personas who may take it (everyone else may not)
MATRIX = {
    "submit": {"reporter_a", "head_a"},
    "approve": {"head_a", "coordinator"},
    "accept": {"office", "coordinator"},
    "return an approved report": {"office", "coordinator"},
    "return a submitted report": {"head_a"},
    "revise": {"reporter_a", "head_a"},
    "issue": {"office", "coordinator"},
    "export": {"office", "coordinator", "leader"},
    "import": {"coordinator"},
    "manage units": {"coordinator"},
    "close": {"office", "coordinator"},
    "align": {"office", "coordinator"},
    "settle deliveries": {"coordinator"},
}


@pytest.fixture
def actors(personas):
    travel_to(JULY_15)
    return {name: actor_for(personas[name]) for name in PERSONAS}


def allowed(actors, predicate) -> set[str]:
    return {name for name, actor in actors.items() if predicate(actor)}


class _Rollback(Exception):
    pass


def let_through(write) -> bool:
    """Whether the service does the write (rolled back afterwards) or refuses it."""
    try:
        with transaction.atomic():
            write()
            raise _Rollback
    except _Rollback:
        return True
    except (PermissionDenied, ReportingError):
        return False


def test_submit(actors, personas):
    report = draft(personas["reporter_a"])
    assert allowed(actors, lambda a: can_submit(a, report)) == MATRIX["submit"]
    assert (
        allowed(actors, lambda a: let_through(lambda: services.submit_report(a, report))) == MATRIX["submit"]
    )


def test_approve(actors, personas):
    report = submitted(personas["reporter_a"])
    assert allowed(actors, lambda a: can_approve(a, report)) == MATRIX["approve"]
    assert (
        allowed(actors, lambda a: let_through(lambda: services.approve_report(a, report)))
        == MATRIX["approve"]
    )
    assert allowed(actors, lambda a: "approve" in review_actions(a, report)) == MATRIX["approve"]


def test_accept(actors, personas):
    report = approved(personas["reporter_a"], personas["head_a"])
    assert allowed(actors, lambda a: can_accept(a, report)) == MATRIX["accept"]
    assert (
        allowed(actors, lambda a: let_through(lambda: services.accept_report(a, report))) == MATRIX["accept"]
    )
    assert allowed(actors, lambda a: "accept" in review_actions(a, report)) == MATRIX["accept"]


def test_return_an_approved_report(actors, personas):
    report = approved(personas["reporter_a"], personas["head_a"])
    expected = MATRIX["return an approved report"]
    assert allowed(actors, lambda a: can_return(a, report)) == expected
    assert (
        allowed(actors, lambda a: let_through(lambda: services.return_report(a, report, "请补充佐证")))
        == expected
    )
    assert allowed(actors, lambda a: "return" in review_actions(a, report)) == expected


def test_return_a_submitted_report(actors, personas):
    report = submitted(personas["reporter_a"])
    expected = MATRIX["return a submitted report"]
    assert allowed(actors, lambda a: can_return(a, report)) == expected
    assert (
        allowed(actors, lambda a: let_through(lambda: services.return_report(a, report, "请补充佐证")))
        == expected
    )


def test_revise(actors, personas):
    report = services.accept_report(SYSTEM, approved(personas["reporter_a"], personas["head_a"]))
    assert allowed(actors, lambda a: can_revise(a, report)) == MATRIX["revise"]
    revise = lambda a: let_through(lambda: revisions.revise_report(a, report, "更正数据"))  # noqa: E731
    assert allowed(actors, revise) == MATRIX["revise"]


def test_without_head_approval_the_office_and_coordinator_accept_a_submitted_report_directly(
    actors, personas, plan
):
    policy = policy_for(plan)
    policy.head_approval = False
    policy.save()
    report = submitted(personas["reporter_a"])
    assert allowed(actors, lambda a: can_accept(a, report)) == {"office", "coordinator"}
    # the coordinator is offered accept, not a needless approve step
    assert review_actions(actors["coordinator"], report) == ["accept", "return"]
    assert review_actions(actors["head_a"], report) == ["approve", "return"]


def test_nobody_acts_on_a_superseded_revision(actors, personas):
    from luoshi.reporting.revisions import revise_report
    from luoshi.reporting.services import accept_report

    report = accept_report(SYSTEM, approved(personas["reporter_a"], personas["head_a"]))
    revise_report(actors["reporter_a"], report, "更正数据")
    report.refresh_from_db()
    for predicate in (can_submit, can_approve, can_accept, can_return):
        assert allowed(actors, lambda a, p=predicate: p(a, report)) == set()


def test_issue(actors, plan):
    from luoshi.bulletins.services import create_bulletin

    bulletin = create_bulletin(SYSTEM, plan, "2025-06", "附件1")
    assert allowed(actors, lambda a: can_issue(a, bulletin)) == MATRIX["issue"]


def test_export(actors):
    assert allowed(actors, can_export_lists) == MATRIX["export"]


def test_import(actors, personas, plan):
    assert allowed(actors, can_import_plan) == MATRIX["import"]
    revised = make_plan(title="示范县2025年重点工作", date="2025-03-01")
    with pytest.raises(PermissionDenied, match="只有综合协调组办公室可以导入方案"):
        import_plan(actors["office"], revised)
    assert Plan.objects.count() == 1  # nothing written
    assert import_plan(actors["coordinator"], revised).plan is not None


def test_manage_units(actors, personas, plan):
    from luoshi.plans.models import Unit
    from luoshi.plans.registry import create_unit

    assert allowed(actors, can_manage_units) == MATRIX["manage units"]
    with pytest.raises(PermissionDenied, match="只有综合协调组办公室可以维护单位名录"):
        create_unit(actors["office"], "县数据局")
    assert not Unit.objects.filter(name="县数据局").exists()
    assert create_unit(actors["coordinator"], "县数据局").kind == "department"


def test_close(actors, personas, plan):
    from luoshi.plans.models import Task, Unit
    from luoshi.supervision.choices import Source
    from luoshi.supervision.permissions import can_close_item
    from luoshi.supervision.services import EvidenceFile, accept_item, create_item, feed_back, start_check

    item = create_item(
        actors["coordinator"],
        content="产业园区污水管网未按期建成",
        lead_unit=Unit.objects.get(name="县发改局"),
        deadline=JULY_15.replace(day=25),
        source=Source.SPECIAL,
        task=Task.objects.get(plan=plan, section__sid="附件1/一/(二)"),
    )
    assert allowed(actors, lambda a: can_close_item(a, item)) == set()  # not yet under check
    item = accept_item(actors["reporter_b"], item)
    item = feed_back(
        actors["reporter_b"], item, "管网已完工并通水", [EvidenceFile("整改报告.pdf", b"%PDF-1.4 x")]
    )
    item = start_check(actors["coordinator"], item)
    assert allowed(actors, lambda a: can_close_item(a, item)) == MATRIX["close"]


def test_align(city_plan, actors, plan):
    from luoshi.plans.alignment_services import alignment_rows, confirm_link, suggest_alignment
    from luoshi.plans.permissions import can_align

    suggest_alignment(SYSTEM, plan, city_plan)
    link = alignment_rows(plan, city_plan)[0].suggestions[0]
    assert allowed(actors, lambda a: can_align(a, link.lower)) == MATRIX["align"]
    assert allowed(actors, lambda a: let_through(lambda: confirm_link(a, link))) == MATRIX["align"]


def test_settle_deliveries(actors, personas, plan):
    from luoshi.plans.models import Unit
    from luoshi.reporting.choices import DeliveryState
    from luoshi.reporting.notify import record_notice
    from luoshi.reporting.permissions import can_settle_deliveries

    reminder = record_notice(
        key="test:matrix:doubt",
        kind="overdue",
        subject="请报送",
        body="报送已逾期。",
        unit=Unit.objects.get(name="县工信局"),
        webhooks=["https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=x"],
    )
    delivery = reminder.deliveries.get()
    delivery.state = DeliveryState.DOUBT  # as a send cut off without an answer leaves it
    delivery.save()
    assert (
        allowed(actors, lambda a: can_settle_deliveries(a, reminder.organisation_id))
        == MATRIX["settle deliveries"]
    )
    assert (
        allowed(actors, lambda a: let_through(lambda: services.confirm_delivery(a, delivery)))
        == MATRIX["settle deliveries"]
    )


def test_every_action_of_the_matrix_is_tested():
    tested = {name[len("test_") :].replace("_", " ") for name in globals() if name.startswith("test_")}
    assert set(MATRIX) <= tested


# ---------------------------------------------------------------- every page and endpoint

ROLES = [
    ("填报员", "reporter_a"),
    ("单位负责人", "head_a"),
    ("专班办公室", "office"),
    ("综合协调组", "coordinator"),
    ("领导", "leader"),
    ("督查核查员", "verifier"),
    ("未登录", None),
]
DOC = Path(__file__).resolve().parents[2] / "docs" / "permissions.md"


@pytest.fixture
def world(personas, plan, city_plan):
    """Objects of unit A (县工信局, task (一)) and of unit B (县发改局, task (二)), made
    through the services; a bulletin, a target and the plan are nobody's unit's."""
    import datetime as dt

    from django.contrib.auth import get_user_model

    from luoshi.accounts.models import Profile
    from luoshi.bulletins.services import create_bulletin, issue_bulletin
    from luoshi.plans.imports import stage_import
    from luoshi.plans.models import Target, Unit
    from luoshi.plans.registry import add_alias, create_unit
    from luoshi.projects.services import register_project, submit_update
    from luoshi.reporting.milestones import add_milestone
    from luoshi.supervision.choices import Source
    from luoshi.supervision.services import EvidenceFile, accept_item, create_item, feed_back, start_check
    from tests.web.helpers import TASK_A, TASK_B, approved, draft, submitted, task

    travel_to(JULY_15)
    # the county's coordinator keeps the organisations below it (下级组织): a town of its
    # own ("本") and, beside the county under the city, a county that is not its ("外")
    from luoshi.plans.organisations import add_organisation

    Profile.objects.filter(user=personas["coordinator"]).update(manages_below=True)
    personas["coordinator"] = get_user_model().objects.get(username="coordinator")  # read anew
    county = plan.organisation
    town = add_organisation(SYSTEM, "城关镇", level="town", parent=county)
    neighbour = add_organisation(SYSTEM, "外县", level="district", parent=county.parent)
    verifier = get_user_model().objects.create_user("verifier", password="Luoshi@2025x")
    Profile.objects.create(user=verifier, role="verifier", organisation=plan.organisation)
    users = {**personas, "verifier": verifier}
    tasks = (task(TASK_A), task(TASK_B))
    units = (Unit.objects.get(name="县工信局"), Unit.objects.get(name="县发改局"))
    handlers = (actor_for(personas["reporter_a"]), actor_for(personas["reporter_b"]))
    checker = actor_for(personas["coordinator"])

    def items(steps=0):
        """An item of unit A and one of unit B, taken ``steps`` steps along the loop."""
        made = []
        for unit, t, handler in zip(units, tasks, handlers, strict=True):
            item = create_item(
                SYSTEM,
                content=f"{unit.name}的整改事项",
                lead_unit=unit,
                deadline=JULY_15.replace(day=25),
                source=Source.SPECIAL,
                task=t,
            )
            if steps >= 1:
                item = accept_item(handler, item)
            if steps >= 2:
                item = feed_back(handler, item, "已整改", [EvidenceFile("整改报告.pdf", b"%PDF-1.4 x")])
            if steps >= 3:
                item = start_check(checker, item)
            made.append(item)
        return tuple(made)

    from luoshi.plans.alignment_services import alignment_rows, suggest_alignment

    suggest_alignment(SYSTEM, plan, city_plan)  # the county's plan under the city's (对标)
    links = {r.task.pk: r.suggestions[0] for r in alignment_rows(plan, city_plan)}
    create_unit(
        SYSTEM, "县数据局", organisation=plan.organisation_id
    )  # merged into unit A or B by POST /units/{unit_id}/merge
    projects = tuple(
        register_project(SYSTEM, code=f"XM-{n}", name=f"{unit.name}的项目", owner_unit=unit)
        for n, unit in enumerate(units, 1)
    )
    for project in projects:  # reported before the fortnight a reconciliation is tried on
        submit_update(SYSTEM, project, "2025-W20", {"funds_allocated": 8, "funds_paid": 5})
    objects = {
        "report": (submitted(personas["reporter_a"]), submitted(personas["reporter_b"], TASK_B)),
        "submitted_report": (
            submitted(personas["reporter_a"], period="2025-06-3"),
            submitted(personas["reporter_b"], TASK_B, period="2025-06-3"),
        ),
        "draft_report": (
            draft(personas["reporter_a"], period="2025-06-2"),
            draft(personas["reporter_b"], TASK_B, period="2025-06-2"),
        ),
        "approved_report": (
            approved(personas["reporter_a"], personas["head_a"], period="2025-06-1"),
            approved(personas["reporter_b"], personas["head_b"], TASK_B, period="2025-06-1"),
        ),
        "accepted_report": (
            services.accept_report(
                SYSTEM, approved(personas["reporter_a"], personas["head_a"], period="2025-05-3")
            ),
            services.accept_report(
                SYSTEM, approved(personas["reporter_b"], personas["head_b"], TASK_B, period="2025-05-3")
            ),
        ),
        "task": tasks,
        "item": items(),
        "item_in_progress": items(1),
        "item_fed_back": items(2),
        "item_verifying": items(3),
        "milestone": tuple(add_milestone(SYSTEM, t, "完成摸底", dt.date(2025, 9, 30)) for t in tasks),
        "bulletin": (create_bulletin(SYSTEM, plan, "2025-06", "附件1"),),
        "issued_bulletin": (issue_bulletin(SYSTEM, create_bulletin(SYSTEM, plan, "2025-05", "附件1")),),
        "alias": tuple(add_alias(SYSTEM, unit, f"{unit.name}（旧称）") for unit in units),
        "target": (Target.objects.filter(plan=plan).order_by("pk").first(),),
        "plan": (plan,),
        "unit": units,
        "import": (
            stage_import(SYSTEM, "plan.json", json.dumps(make_plan()).encode(), plan.organisation_id),
        ),
        "project": projects,
        "link": tuple(links[t.pk] for t in tasks),
        "org": (county, neighbour),  # the parent of a new organisation
        "lower_org": (town, neighbour),  # renamed
    }
    return users, objects


def outcome(response, *, write=False) -> str:
    """allow or deny; a write refused for its state (400, 409, 412) is denied too."""
    from django.conf import settings

    status = response.status_code
    if status in (401, 403, 404) or (write and status in (400, 409, 412)):
        return "deny"
    if status == 302 and response["Location"].startswith(settings.LOGIN_URL):
        return "deny"
    if status in (200, 201, 204, 301, 302):
        return "allow"
    return f"error {status}"


def _clients(users):
    from django.test import Client

    clients = {}
    for _, name in ROLES:
        client = Client()
        if name:
            client.force_login(users[name])
        clients[name] = client
    return clients


def _page_rows():
    """Every page of the URL conf: (URL name, the pattern's converters)."""
    from luoshi.web import urls

    return [(f"web:{p.name}", list(p.pattern.converters), f"/{p.pattern}") for p in urls.urlpatterns]


def _api_operations():
    import re

    from luoshi.api.api import api

    schema = api.get_openapi_schema(path_prefix="/api/v1/")
    for path, operations in schema["paths"].items():
        for method in operations:
            yield method.upper(), path, re.findall(r"{(\w+)}", path)


def _cell(results: list[str]) -> str:
    marks = ["✓" if r == "allow" else "✗" for r in results]
    return marks[0] if len(marks) == 1 else f"本{marks[0]} 外{marks[1]}"


def build_matrix(users, objects, clients, *, check=True):
    """Rows of (what, address, rule, expected per role, actual per role)."""
    from django.db import transaction
    from django.urls import reverse

    from . import access_rules as rules

    rows, unknown = [], []
    actors_ = {name: actor_for(users[name]) if name else actor_for(AnonymousUser()) for _, name in ROLES}

    def record(kind, what, rule, objs, request, write=False):
        expected, actual = {}, {}
        for _, name in ROLES:
            expected[name] = ["allow" if rule.allows(actors_[name], o) else "deny" for o in objs]
            actual[name] = (
                [outcome(request(clients[name], o), write=write) for o in objs] if check else expected[name]
            )
        rows.append((kind, what, rule.text, expected, actual))

    for name, converters, pattern in _page_rows():
        if name in rules.POST_ONLY or name in rules.NOT_IN_MATRIX:
            continue
        if name not in rules.PAGES:
            unknown.append(f"页面 {name}：请在 tests/accounts/access_rules.py 的 PAGES 写明规则")
            continue
        kind, query, rule = rules.PAGES[name]

        def url_of(o, name=name, converters=converters, query=query):
            kwargs = {}
            for key in converters:
                kwargs[key] = "2025-07-1" if key == "period_key" else o.pk
            return reverse(name, kwargs=kwargs) + query

        objs = objects[kind] if kind else (None,)
        record("页面", f"`{pattern}` {name}", rule, objs, lambda c, o, u=url_of: c.get(u(o)))

    for method, path, params in _api_operations():
        key = f"{method} {path}"
        if key in rules.API_NOT_IN_MATRIX:
            continue
        if method != "GET" and key not in rules.API_WRITES:
            unknown.append(
                f"接口 {key}：请在 access_rules.py 的 API_WRITES 写明这个写操作的对象、请求体与规则"
            )
            continue
        missing = [p for p in params if p not in rules.API_OBJECTS]
        if missing or len(params) > 1 and key not in rules.API_RULES and key not in rules.API_WRITES:
            unknown.append(
                f"接口 {key}：请在 access_rules.py 的 API_OBJECTS / API_RULES 写明参数 {missing or params} 的规则"
            )
            continue
        if method == "GET":
            kind = rules.API_OBJECTS[params[0]][0] if params else None
            rule = rules.API_RULES.get(key) or (
                rules.API_OBJECTS[params[0]][1] if params else rules.SIGNED_IN
            )
            variants = {"": (kind, {}, rule)}
        else:
            entry = rules.API_WRITES[key]
            variants = entry if isinstance(entry, dict) else {"": entry}

        for label, (kind, body, rule) in variants.items():

            def call(client, o, method=method, path=path, params=params, body=body, kind=kind):
                url = path
                if params:
                    args = rules.PATH_ARGS[kind](o) if kind in rules.PATH_ARGS else {params[0]: o.pk}
                    for name, value in args.items():
                        url = url.replace("{" + name + "}", str(value))
                if method == "GET":
                    return client.get(url)
                data = body(o) if callable(body) else body
                point = transaction.savepoint()
                try:
                    if isinstance(data, rules.Form):
                        return client.post(url, data.fields)
                    return client.generic(method, url, json.dumps(data), content_type="application/json")
                finally:
                    transaction.savepoint_rollback(point)

            objs = objects[kind] if kind else (None,)
            what = f"`{key}`" + (f"（{label}）" if label else "")
            record("接口", what, rule, objs, call, write=method != "GET")
    return rows, unknown


def render(rows) -> str:
    acting = ROLES[:5]  # the personas the action tests above take
    head = "| 动作 | " + " | ".join(label for label, _ in acting) + " |"
    lines = [
        "# 权限矩阵（自动生成）",
        "",
        "由 `bash scripts/permissions-doc.sh` 从 `tests/accounts/access_rules.py`（页面与接口的规则，",
        "取自各领域的 `permissions.py`）和 `tests/accounts/test_permission_matrix.py` 的 `MATRIX`（动作）生成；",
        "测试逐格核对真实的页面与接口回答，并在本文件过期时失败。请勿手工修改。",
        "",
        "“本/外”：在本单位（县工信局）的对象与外单位（县发改局）的对象上；✓ 允许，✗ 拒绝",
        "（页面 403/404 或转到登录页；接口 401/403/404，写操作因状态不符的 400/409/412 也算拒绝）。",
        "单位角色为县工信局的填报员、负责人；专班办公室设在县工信局（附件1）。",
        "综合协调组（示范县）获授“可办理下级组织事项”；组织的“本/外”：示范县及其下的城关镇，"
        "与示范市下的另一个县（外县）。",
        "每个写接口都在其步骤起始状态的对象上、以有效的请求体逐一调用（调用后回滚）：允许者须真正成功（2xx），",
        "且每个写接口至少有一个角色被允许，以证明请求体有效；接口表中没有规则的写接口会使测试失败。",
        "",
        "## 动作（服务层）",
        "",
        head,
        "|" + " --- |" * (len(acting) + 1),
    ]
    for action, allowed_ in MATRIX.items():
        cells = ["✓" if name in allowed_ else "✗" for _, name in acting]
        lines.append(f"| {action} | " + " | ".join(cells) + " |")
    for kind, title in (("页面", "## 页面（GET）"), ("接口", "## 接口")):
        lines += ["", title, "", "| 地址 | 规则 | " + " | ".join(label for label, _ in ROLES) + " |"]
        lines.append("|" + " --- |" * (len(ROLES) + 2))
        for row_kind, what, rule, expected, _ in rows:
            if row_kind == kind:
                lines.append(
                    f"| {what} | {rule} | " + " | ".join(_cell(expected[n]) for _, n in ROLES) + " |"
                )
    from . import access_rules as rules

    lines += ["", "## 不在矩阵中的页面与接口", ""]
    for name in sorted(rules.POST_ONLY):
        lines.append(f"- {name}：仅 POST，写操作按上面的动作矩阵（服务层）检查")
    for name, why in {**rules.NOT_IN_MATRIX, **rules.API_NOT_IN_MATRIX}.items():
        lines.append(f"- {name}：{why}")
    lines.append("- 用只读令牌调用写接口：一律 403（tests/api/test_tokens.py）")
    return "\n".join(lines) + "\n"


def test_every_page_and_endpoint_answers_each_role_as_the_rules_say(world, settings):
    import os

    users, objects = world
    rows, unknown = build_matrix(users, objects, _clients(users))
    wrong = [
        f"{what}（{rule}）{name or '未登录'}：应 {expected[name]}，实为 {actual[name]}"
        for _, what, rule, expected, actual in rows
        for _, name in ROLES
        if expected[name] != actual[name]
    ]
    # a write nobody may make would pass with any payload, a broken one too: each write
    # row shows its payload succeeding for someone
    unproven = [
        f"{what}：没有角色被允许，无从证明请求体有效"
        for kind, what, _, expected, _ in rows
        if kind == "接口"
        and not what.startswith("`GET ")
        and not any("allow" in cells for cells in expected.values())
    ]
    assert not unknown and not wrong and not unproven, "\n".join(unknown + wrong + unproven)
    text = render(rows)
    if os.environ.get("LUOSHI_WRITE_DOCS"):
        DOC.write_text(text, encoding="utf-8")
    assert DOC.exists() and DOC.read_text(encoding="utf-8") == text, (
        "docs/permissions.md 已过期：运行 bash scripts/permissions-doc.sh 重新生成"
    )
