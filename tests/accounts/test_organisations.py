"""Organisations in a tree: a district's users see nothing of a sibling district through
any page or endpoint; a city's coordinator reads both districts and writes in neither
unless granted ``manages_below``.

The world of test_permission_matrix (the personas, the test plan and every object kind)
is one district, 示范县, under a city (示范市, tests/conftest.py city_plan); a sibling
district (邻县) is put beside it, with the same plan imported there under its own names (every name of the
sibling holds 邻县 or 邻城镇, so a page that shows anything of it is caught by that word),
its own users and one object of every kind, made through the services."""

import json
import re

import pytest
from django.contrib.auth import get_user_model
from django.test import Client
from django.urls import reverse

from luoshi.accounts.models import Profile
from luoshi.accounts.permissions import SYSTEM, actor_for
from luoshi.plans.models import Organisation, Task, Unit
from tests.clock import travel_to
from tests.plans.factories import make_plan
from tests.web.helpers import JULY_15, PASSWORD

from . import access_rules as rules
from .test_permission_matrix import ROLES, _api_operations, _page_rows, build_matrix, world  # noqa: F401

pytestmark = pytest.mark.django_db

MARKS = ("邻县", "邻城镇")
SIBLING = {"县": "邻县", "城关镇": "邻城镇"}


def sibling_plan() -> dict:
    text = json.dumps(make_plan(), ensure_ascii=False)
    text = text.replace("县", "邻县").replace("城关镇", "邻城镇")
    return json.loads(text)


def _user(name, role, org, unit=None, *, manages_below=False):
    user = get_user_model().objects.create_user(name, password=PASSWORD, first_name=name)
    Profile.objects.create(user=user, role=role, organisation=org, unit=unit, manages_below=manages_below)
    return user


@pytest.fixture
def tree(world, city_plan):  # noqa: F811 (the fixture of test_permission_matrix)
    """(city, district, sibling, the sibling's users, the sibling's objects by kind)."""
    import datetime as dt

    from luoshi.bulletins.services import create_bulletin, issue_bulletin
    from luoshi.plans.imports import stage_import
    from luoshi.plans.organisations import add_organisation
    from luoshi.plans.registry import add_alias
    from luoshi.plans.services import import_plan
    from luoshi.projects.services import register_project, submit_update
    from luoshi.reporting import services
    from luoshi.reporting.milestones import add_milestone
    from luoshi.reporting.services import ReportData
    from luoshi.supervision.choices import Source
    from luoshi.supervision.services import EvidenceFile, accept_item, create_item, feed_back, start_check

    travel_to(JULY_15)
    users_, ours = world
    district = ours["plan"][0].organisation  # under 示范市 (tests/conftest.py city_plan)
    city = district.parent
    district.name = "示范县"
    district.save()
    sibling = Organisation.objects.create(name="邻县", level="district", parent=city)

    plan = import_plan(SYSTEM, sibling_plan(), organisation=sibling).plan
    unit = {name: Unit.objects.get(organisation=sibling, name=name) for name in ("邻县工信局", "邻县发改局")}
    users = {
        "reporter_a": _user("lx_reporter_a", "reporter", sibling, unit["邻县工信局"]),
        "head_a": _user("lx_head_a", "head", sibling, unit["邻县工信局"]),
        "reporter_b": _user("lx_reporter_b", "reporter", sibling, unit["邻县发改局"]),
        "head_b": _user("lx_head_b", "head", sibling, unit["邻县发改局"]),
        "coordinator": _user("lx_coordinator", "coordinator", sibling),
    }
    actor = {name: actor_for(user) for name, user in users.items()}
    tasks = tuple(
        Task.objects.select_related("plan", "part", "section").get(plan=plan, section__sid=sid)
        for sid in ("附件1/一/(一)", "附件1/一/(二)")
    )
    units = (unit["邻县工信局"], unit["邻县发改局"])

    def report(who, t, period, steps):
        a = actor[f"reporter_{who}"]
        made = services.save_draft(
            a,
            t,
            Unit.objects.get(pk=a.unit_id),
            period,
            ReportData(progress="30", progress_text="邻县完成摸底"),
        )
        if steps >= 1:
            made = services.submit_report(a, made)
        if steps >= 2:
            made = services.approve_report(actor[f"head_{who}"], made)
        if steps >= 3:
            made = services.accept_report(SYSTEM, made)
        return made

    def pair(period, steps):
        return (report("a", tasks[0], period, steps), report("b", tasks[1], period, steps))

    def items(steps=0):
        made = []
        for u, t, who in zip(units, tasks, ("a", "b"), strict=True):
            item = create_item(
                SYSTEM,
                content=f"{u.name}的整改事项",
                lead_unit=u,
                deadline=JULY_15.replace(day=25),
                source=Source.SPECIAL,
                task=t,
            )
            if steps >= 1:
                item = accept_item(actor[f"reporter_{who}"], item)
            if steps >= 2:
                item = feed_back(
                    actor[f"reporter_{who}"],
                    item,
                    "邻县已整改",
                    [EvidenceFile("整改报告.pdf", b"%PDF-1.4 x")],
                )
            if steps >= 3:
                item = start_check(actor["coordinator"], item)
            made.append(item)
        return tuple(made)

    from luoshi.plans.alignment_services import alignment_rows, suggest_alignment

    suggest_alignment(SYSTEM, plan, city_plan)  # the sibling's plan under the city's too (对标)
    links = {r.task.pk: r.suggestions[0] for r in alignment_rows(plan, city_plan)}
    projects = tuple(
        register_project(SYSTEM, code=f"LX-{n}", name=f"{u.name}的项目", owner_unit=u)
        for n, u in enumerate(units, 1)
    )
    for project in projects:
        submit_update(SYSTEM, project, "2025-W20", {"funds_allocated": 8, "funds_paid": 5})
    objects = {
        "report": pair("2025-07-1", 1),
        "submitted_report": pair("2025-06-3", 1),
        "draft_report": pair("2025-06-2", 0),
        "approved_report": pair("2025-06-1", 2),
        "accepted_report": pair("2025-05-3", 3),
        "task": tasks,
        "item": items(),
        "item_in_progress": items(1),
        "item_fed_back": items(2),
        "item_verifying": items(3),
        "milestone": tuple(add_milestone(SYSTEM, t, "邻县完成摸底", dt.date(2025, 9, 30)) for t in tasks),
        "bulletin": (create_bulletin(SYSTEM, plan, "2025-06", "附件1"),),
        "issued_bulletin": (issue_bulletin(SYSTEM, create_bulletin(SYSTEM, plan, "2025-05", "附件1")),),
        "alias": tuple(add_alias(SYSTEM, u, f"{u.name}（邻县旧称）") for u in units),
        "target": (plan.targets.order_by("pk").first(),),
        "plan": (plan,),
        "unit": units,
        "import": (stage_import(actor["coordinator"], "plan.json", json.dumps(sibling_plan()).encode()),),
        "project": projects,
        "link": tuple(links[t.pk] for t in tasks),
        "org": (sibling,),
        "lower_org": (add_organisation(SYSTEM, "邻城镇", level="town", parent=sibling),),
    }
    return city, district, sibling, users, objects


def _client(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def _shows_sibling(response, searched: str = "") -> list[str]:
    body = response.content.decode("utf-8", "replace")
    if searched:
        body = body.replace(searched, "")
    return [mark for mark in MARKS if mark in body]


# lists and searches a sibling's names would turn up in, beside every page and endpoint
# of the URL conf and schema without an object of its own
# (a search's own words are echoed on its page: they are taken out before looking)
SEARCHES = [
    "/tasks/?q=邻县工信局",
    "/tasks/?unit=邻县工信局",
    "/tasks/?list=units",
    "/tasks/?list=targets",
    "/api/v1/units?q=邻县工信局",
    "/api/v1/tasks?unit=邻县工信局",
    "/api/v1/reports?unit=邻县工信局",
    "/api/v1/supervision?q=邻县工信局",
    "/api/v1/projects?q=邻县工信局",
]


def test_a_district_user_sees_nothing_of_a_sibling_district_through_any_page_or_endpoint(world, tree):  # noqa: F811
    users, _ = world
    city, district, sibling, _, theirs = tree
    # the sibling's plan, by its id, as the page's and the endpoints' plan choice
    plan = theirs["plan"][0]
    # every object page and endpoint, GET and write, on every object of the sibling: refused
    clients = {name: _client(users[name]) for _, name in ROLES if name}
    clients[None] = Client()
    rows, unknown = build_matrix(users, theirs, clients)
    assert not unknown
    seen = [
        f"{what} {name}: {actual[name]}"
        for kind, what, _, _, actual in rows
        for _, name in ROLES
        if any(r == "allow" for r in actual[name]) and _names_an_object(what)
    ]
    assert not seen, "\n".join(seen)
    # every page and list endpoint without an object, plus searches and the plan chosen by
    # the sibling's id: nothing of the sibling in the answer
    addresses = [
        reverse(name)
        for name, converters, _ in _page_rows()
        if not converters and name not in rules.POST_ONLY
    ]
    addresses += [path for method, path, params in _api_operations() if method == "GET" and not params]
    addresses += SEARCHES
    addresses += [
        f"{a}{'&' if '?' in a else '?'}plan={plan.pk}" for a in ("/tasks/", "/board/", "/api/v1/status")
    ]
    leaks = []
    for _, name in ROLES:
        if not name:
            continue
        for address in addresses:
            response = clients[name].get(address)
            searched = "邻县工信局" if "邻县工信局" in address else ""
            if response.status_code == 200 and _shows_sibling(response, searched):
                leaks.append(f"{name} {address}: {_shows_sibling(response, searched)}")
    assert not leaks, "\n".join(leaks)


def _names_an_object(what: str) -> bool:
    """A row of the matrix whose address names an object (its pk in the path) or whose
    body names one (the supervision item's task, the bulletin's plan)."""
    return bool(re.search(r"[{<]", what)) or any(
        key in what
        for key in (
            "POST /api/v1/supervision`",
            "instructions",
            "POST /api/v1/bulletins`",
            "reviews`",
            "POST /api/v1/reports`",
        )
    )


def _api(client, method, url, body=None):
    return client.generic(method, url, json.dumps(body or {}), content_type="application/json")


def test_a_city_coordinator_reads_both_districts_and_writes_in_neither_unless_granted(world, tree):  # noqa: F811
    from django.db import transaction

    users, ours = world
    city, district, sibling, _, theirs = tree
    chief = users["city_coordinator"]  # read-only below (tests/conftest.py city_plan)
    client = _client(chief)
    for objects in (ours, theirs):
        report, item, bulletin = objects["report"][0], objects["item"][0], objects["bulletin"][0]
        for url in (
            f"/reports/{report.pk}/",
            f"/api/v1/reports/{report.pk}",
            f"/tasks/{objects['task'][0].pk}/",
            f"/supervision/{item.pk}/",
            f"/bulletins/{bulletin.pk}/",
            f"/api/v1/projects/{objects['project'][0].pk}",
            f"/api/v1/units/{objects['unit'][0].pk}",
            f"/api/v1/plans/{objects['plan'][0].pk}",
        ):
            assert client.get(url).status_code == 200, url
    titles = [p["title"] for p in client.get("/api/v1/plans").json()["items"]]
    assert any("邻县" in t for t in titles) and any("邻县" not in t for t in titles)
    page = client.get("/tasks/", {"plan": theirs["plan"][0].pk}).content.decode()
    assert "邻县工信局" in page and "示范市" in page  # the header names the user's organisation

    def writes(objects):
        """Each write the coordinator makes in its own organisation, on a district's objects."""
        return {
            "accept": ("POST", f"/api/v1/reports/{objects['approved_report'][0].pk}/accept", {}),
            "return": (
                "POST",
                f"/api/v1/reports/{objects['approved_report'][1].pk}/return",
                {"reason": "请补充"},
            ),
            "milestone": (
                "POST",
                f"/api/v1/tasks/{objects['task'][0].pk}/milestones",
                {"title": "完成调研", "due_date": "2025-09-01"},
            ),
            "issue": ("POST", f"/api/v1/bulletins/{objects['bulletin'][0].pk}/issue", {}),
            "escalate": ("POST", f"/api/v1/supervision/{objects['item'][0].pk}/escalate", {"reason": "逾期"}),
            "unit": ("PATCH", f"/api/v1/units/{objects['unit'][0].pk}", {"short_name": "简称"}),
        }

    def outcomes(objects):
        result = {}
        for name, (method, url, body) in writes(objects).items():
            point = transaction.savepoint()
            response = _api(client, method, url, body)
            transaction.savepoint_rollback(point)
            result[name] = response.status_code
        return result

    for objects in (ours, theirs):
        refused = outcomes(objects)
        assert set(refused.values()) == {403}, refused
    response = _api(client, "POST", f"/api/v1/reports/{theirs['approved_report'][0].pk}/accept")
    assert "只能查看" in response.json()["error"]

    Profile.objects.filter(user=chief).update(manages_below=True)
    client = _client(get_user_model().objects.get(pk=chief.pk))
    for objects in (ours, theirs):
        granted = outcomes(objects)
        assert all(status in (200, 201) for status in granted.values()), granted


def test_the_rules_agree_with_the_pages_for_a_city_coordinator_on_a_district(world, tree):  # noqa: F811
    users, _ = world
    city, _, _, _, theirs = tree
    users = {**users, "coordinator": users["city_coordinator"]}
    clients = {name: _client(users[name]) for _, name in ROLES if name}
    clients[None] = Client()
    rows, unknown = build_matrix(users, theirs, clients)
    wrong = [
        f"{what}（{rule}）{name}：应 {expected[name]}，实为 {actual[name]}"
        for _, what, rule, expected, actual in rows
        for _, name in ROLES
        if expected[name] != actual[name]
    ]
    assert not unknown and not wrong, "\n".join(unknown + wrong)


def test_an_auditor_reads_the_audit_rows_of_its_organisation_and_those_below(world, tree):  # noqa: F811
    from django.contrib.auth.models import Permission

    users, _ = world
    city, district, sibling, theirs_users, _ = tree
    view = Permission.objects.get(codename="view_auditlog")

    def auditor(name, org):
        user = _user(name, "verifier", org)
        user.is_staff = True
        user.save()
        user.user_permissions.add(view)
        return _client(get_user_model().objects.get(pk=user.pk))

    def seen(client) -> int:
        return client.get("/api/v1/audit", {"username": "lx_coordinator"}).json()["count"]

    # the sibling's coordinator staged an import there: its district and the city see it
    assert seen(auditor("audit_a", district)) == 0
    assert seen(auditor("audit_lx", sibling)) >= 1
    assert seen(auditor("audit_city", city)) == seen(auditor("audit_lx2", sibling))


def test_account_security_stays_within_the_organisation(world, tree):  # noqa: F811
    """The district's coordinator neither sees nor lifts a sibling user's lock-out, nor
    sees or resets its second factor."""
    from django_otp.plugins.otp_totp.models import TOTPDevice

    users, _ = world
    _, _, _, theirs_users, _ = tree
    target = theirs_users["reporter_a"]
    TOTPDevice.objects.create(user=target, name="手机", confirmed=True)
    for _ in range(5):
        Client().post("/login/", {"username": target.username, "password": "wrong"}, REMOTE_ADDR="10.9.9.9")
    mine = _client(users["coordinator"])
    page = mine.get("/security/").content.decode()
    assert target.username not in page
    assert mine.post(reverse("web:otp_reset", kwargs={"user_id": target.pk})).status_code == 404
    assert TOTPDevice.objects.filter(user=target).exists()
    response = mine.post(reverse("web:unlock"), {"username": target.username, "address": "10.9.9.9"})
    assert response.status_code == 403
    theirs = _client(theirs_users["coordinator"])
    assert target.username in theirs.get("/security/").content.decode()
