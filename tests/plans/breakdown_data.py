"""A city and two districts below it, with a small city plan that names them: the data of
the breakdown and roll-up tests (a hand-written Plan JSON, not the seed).

常德市 (the root) has units standing for its districts (``鼎城区`` and ``西洞庭管理区``
represent the districts' organisations) and remembers ``各区县`` as both. Its plan:

- 附件1/一/(一) 新增规模工业企业: 各区县负责 (a target of 10 家): broken down into both;
- 附件1/一/(二) 农村人居环境整治: 市农业农村局 leads, 鼎城区 cooperates (text only):
  broken down into 鼎城区, whose part supports;
- 附件1/一/(三) 重点项目建设: 市发改委 and 鼎城区 lead: the city's own part and the
  district's side by side;
- 附件1/一/(四) 营商环境: 市商务局 alone, never broken down.
"""

import copy
import datetime as dt

import pytest

CITY_PLAN = {
    "schema": "luoshi.plan/1",
    "title": "常德市实施“三大攻坚”工作方案",
    "issuer": "常德市人民政府办公室",
    "doc_number": "常政办发〔2025〕8号",
    "date": "2025-04-01",
    "parts": [
        {"key": "正文", "title": "常德市实施“三大攻坚”工作方案"},
        {"key": "附件1", "title": "产业攻坚实施方案"},
    ],
    "sections": [
        {"id": "附件1/一", "part": "附件1", "parent": None, "number": "一", "title": "重点任务", "text": ""},
        {
            "id": "附件1/一/(一)",
            "part": "附件1",
            "parent": "附件1/一",
            "number": "(一)",
            "title": "新增规模工业企业",
            "text": "全年新增规模工业企业10家。(各区县负责)",
        },
        {
            "id": "附件1/一/(二)",
            "part": "附件1",
            "parent": "附件1/一",
            "number": "(二)",
            "title": "农村人居环境整治",
            "text": "开展村庄清洁行动。(市农业农村局牵头，鼎城区配合)",
        },
        {
            "id": "附件1/一/(三)",
            "part": "附件1",
            "parent": "附件1/一",
            "number": "(三)",
            "title": "重点项目建设",
            "text": "推进重点项目建设。(市发改委、鼎城区负责)",
        },
        {
            "id": "附件1/一/(四)",
            "part": "附件1",
            "parent": "附件1/一",
            "number": "(四)",
            "title": "优化营商环境",
            "text": "深化一网通办。(市商务局负责)",
        },
    ],
    "tasks": [
        {"section": "附件1/一/(一)", "leads": ["各区县"], "cooperators": [], "deadline": "2025-12-31"},
        {
            "section": "附件1/一/(二)",
            "leads": ["市农业农村局"],
            "cooperators": ["鼎城区"],
            "deadline": "2025-12-31",
        },
        {
            "section": "附件1/一/(三)",
            "leads": ["市发改委", "鼎城区"],
            "cooperators": [],
            "deadline": "2025-12-31",
        },
        {"section": "附件1/一/(四)", "leads": ["市商务局"], "cooperators": [], "deadline": "2025-12-31"},
    ],
    "targets": [
        {
            "section": "附件1/一/(一)",
            "text": "全年新增规模工业企业10家",
            "subject": "新增规模工业企业",
            "op": ">=",
            "value": 10,
            "unit": "家",
        },
    ],
    "task_forces": [],
}

T1, T2, T3, T4 = "附件1/一/(一)", "附件1/一/(二)", "附件1/一/(三)", "附件1/一/(四)"
AS_OF = dt.date(2025, 5, 25)  # 5月中旬 was due on 21 May


def city_plan(**changes) -> dict:
    plan = copy.deepcopy(CITY_PLAN)
    plan.update(changes)
    return plan


@pytest.fixture
def orgs(db):
    """常德市 with 鼎城区 and 西洞庭管理区 below it; the city's units standing for them and
    its ``各区县``; each district's own units; a coordinator in each organisation, a
    reporter of 鼎城区农业农村局 and of 西洞庭经发局."""
    from django.contrib.auth import get_user_model

    from luoshi.accounts.models import Profile
    from luoshi.plans.choices import OrgLevel, UnitKind
    from luoshi.plans.models import GroupMapping, Organisation, Unit, default_organisation_id

    # the organisation a plan imported without naming one goes to
    city = Organisation.objects.get(pk=default_organisation_id())
    city.name, city.level = "常德市", OrgLevel.CITY
    city.save()
    dc = Organisation.objects.create(name="鼎城区", level=OrgLevel.DISTRICT, parent=city, order=1)
    xd = Organisation.objects.create(name="西洞庭管理区", level=OrgLevel.DISTRICT, parent=city, order=2)
    dc_unit = Unit.objects.create(organisation=city, name="鼎城区", kind=UnitKind.STREET_TOWN, represents=dc)
    xd_unit = Unit.objects.create(
        organisation=city, name="西洞庭管理区", kind=UnitKind.STREET_TOWN, represents=xd
    )
    group = GroupMapping.objects.create(organisation=city, name="各区县")
    group.units.add(dc_unit)
    group.units.add(xd_unit)
    units = {
        name: Unit.objects.create(organisation=org, name=name)
        for org, name in (
            (dc, "鼎城区工信局"),
            (dc, "鼎城区农业农村局"),
            (dc, "鼎城区发改局"),
            (xd, "西洞庭经发局"),
            (xd, "西洞庭社会事务局"),
        )
    }

    def user(username, role, org, unit=None):
        person = get_user_model().objects.create_user(username, password="Luoshi@2025x", first_name=username)
        Profile.objects.create(user=person, role=role, organisation=org, unit=unit)
        return person

    return {
        "city": city,
        "dc": dc,
        "xd": xd,
        "units": units,
        "city_coordinator": user("city_coord", "coordinator", city),
        "dc_coordinator": user("dc_coord", "coordinator", dc),
        "xd_coordinator": user("xd_coord", "coordinator", xd),
        "dc_reporter": user("dc_reporter", "reporter", dc, units["鼎城区工信局"]),
        "dc_agri": user("dc_agri", "reporter", dc, units["鼎城区农业农村局"]),
        "xd_reporter": user("xd_reporter", "reporter", xd, units["西洞庭经发局"]),
    }


@pytest.fixture
def city(orgs):
    """The city plan imported by the system: broken down on import."""
    from luoshi.accounts.permissions import SYSTEM
    from luoshi.plans.services import import_plan

    result = import_plan(SYSTEM, city_plan())
    return {**orgs, "plan": result.plan, "result": result}


def upper(plans, sid):
    """The city plan's task ``sid``."""
    from luoshi.plans.models import Task

    return Task.objects.get(plan=plans["plan"], section__sid=sid)


def lower(org, sid):
    """The task ``sid`` broken down into ``org``."""
    from luoshi.plans.models import Task

    return Task.objects.select_related("plan", "section", "part").get(
        plan__organisation=org, section__sid=sid
    )


def hand_in(task, unit_name, period, progress, text="按计划推进", figure=None):
    """A report of ``unit_name`` on ``task`` handed in (by the system), with the figure of
    the task's target when given."""
    from luoshi.accounts.permissions import SYSTEM
    from luoshi.plans.models import Target, Unit
    from luoshi.reporting.services import ReportData, save_draft, submit_report

    values = {Target.objects.get(section=task.section).pk: str(figure)} if figure is not None else {}
    data = ReportData(progress=str(progress), progress_text=text, target_values=values)
    unit = Unit.objects.get(name=unit_name)
    return submit_report(SYSTEM, save_draft(SYSTEM, task, unit, period, data))


@pytest.fixture
def reported(city):
    """Each district assigns its units and reports for 5月上旬 and 中旬; the city's unit
    鼎城区 also reports on the city task (一) directly, as it must not need to. Today is
    25 May 2025."""
    from luoshi.accounts.permissions import actor_for
    from luoshi.plans.breakdown import assign_units
    from tests.clock import travel_to

    dc, xd = city["dc"], city["xd"]
    travel_to(dt.date(2025, 5, 6))
    dc_office, xd_office = actor_for(city["dc_coordinator"]), actor_for(city["xd_coordinator"])
    assign_units(dc_office, lower(dc, T1), ["鼎城区工信局"], [])
    assign_units(dc_office, lower(dc, T2), ["鼎城区农业农村局"], [])
    assign_units(dc_office, lower(dc, T3), ["鼎城区发改局"], [])
    assign_units(xd_office, lower(xd, T1), ["西洞庭经发局"], [])
    travel_to(dt.date(2025, 5, 11))
    hand_in(lower(dc, T1), "鼎城区工信局", "2025-05-1", 20, figure=2)
    hand_in(lower(xd, T1), "西洞庭经发局", "2025-05-1", 30, figure=1)
    hand_in(lower(dc, T3), "鼎城区发改局", "2025-05-1", 15)
    hand_in(upper(city, T3), "市发改委", "2025-05-1", 50)
    travel_to(dt.date(2025, 5, 21))
    hand_in(lower(dc, T1), "鼎城区工信局", "2025-05-2", 40, figure=3)
    hand_in(lower(xd, T1), "西洞庭经发局", "2025-05-2", 35, text="两家企业在培育，本期无新增入规")
    hand_in(lower(dc, T2), "鼎城区农业农村局", "2025-05-2", 50, text="完成村庄清洁行动春季战役")
    hand_in(upper(city, T2), "市农业农村局", "2025-05-2", 20)
    hand_in(upper(city, T3), "市发改委", "2025-05-2", 60)
    hand_in(upper(city, T1), "鼎城区", "2025-05-2", 90, figure=50)  # the city unit: not counted
    hand_in(upper(city, T4), "市商务局", "2025-05-2", 30)
    travel_to(AS_OF)
    return city
