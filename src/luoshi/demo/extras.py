"""The demo's supervision items, major projects, milestones, public page and May
bulletin, made through the services of each domain at the dates they would have happened,
so the 督办, 重大项目, 施工图, 公开 and 通报 pages have something to show. Skipped when they
exist already."""

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

from django.db import transaction

from luoshi.accounts.permissions import SYSTEM, actor_for
from luoshi.bulletins.models import Bulletin
from luoshi.bulletins.services import create_bulletin, edit_bulletin, issue_bulletin
from luoshi.core import clock
from luoshi.plans.models import Plan, Task, Unit
from luoshi.projects.models import Project
from luoshi.projects.services import register_project, submit_update
from luoshi.reporting.engine import plan_status
from luoshi.reporting.milestones import add_milestone, complete_milestone, reverse_schedule
from luoshi.reporting.models import Milestone
from luoshi.reporting.status import Status
from luoshi.supervision.choices import Level, Source
from luoshi.supervision.models import SupervisionItem
from luoshi.supervision.services import (
    EvidenceFile,
    accept_item,
    close_item,
    create_item,
    feed_back,
    instruct,
    start_check,
)
from luoshi.web.models import Publication, PublishedCampaign

from .play import DEMO_TODAY
from .play import at as _at


@dataclass
class ExtrasResult:
    items: int = 0
    projects: int = 0
    bulletins: int = 0
    milestones: int = 0


def _unit(name: str) -> Unit | None:
    return Unit.objects.filter(name=name).first()


@transaction.atomic
def create_extras(plan: Plan, users: dict) -> ExtrasResult:
    result = ExtrasResult()
    if not SupervisionItem.objects.exists():
        result.items = _supervision(plan, users)
    if not Project.objects.exists():
        result.projects = _projects(plan)
    if not Milestone.objects.filter(task__plan=plan).exists():
        result.milestones = _milestones(plan)
    if not Publication.objects.filter(organisation_id=plan.organisation_id, series=plan.series).exists():
        publication = Publication.objects.create(
            organisation_id=plan.organisation_id,
            series=plan.series,
            published=True,
            intro="按照“七大攻坚”总体方案，现将各攻坚推进情况公开如下，接受社会监督。",
        )
        PublishedCampaign.objects.bulk_create(
            [
                PublishedCampaign(publication=publication, part_key=part.key)
                for part in plan.parts.exclude(key="正文")
            ]
        )
    if not Bulletin.objects.filter(plan=plan).exists():
        with clock.frozen(_at(dt.date(2025, 6, 10))):
            bulletin = create_bulletin(SYSTEM, plan, "2025-05")
            edit_bulletin(
                SYSTEM,
                bulletin,
                next_steps="各专班要对照滞后事项逐项倒排工期，6月底前完成整改销号；各单位严格落实旬调度制度，按时报送进展。",
            )
            issue_bulletin(SYSTEM, bulletin)
        result.bulletins = 1
    return result


def _supervision(plan: Plan, users: dict) -> int:
    """A leader's 批示 on the most lagging task (open), a 专项督查 item closed after
    verification, and an overdue item that has been raised a level."""
    status = plan_status(plan, dt.date(2025, 6, 5))
    red = [row for row in status.rows if row.status in (Status.SERIOUS, Status.LAGGING) and row.leads]
    count = 0
    leader = actor_for(users.get("lingdao"))
    if red:
        task = Task.objects.select_related("plan", "section", "part").get(pk=red[0].task_id)
        with clock.frozen(_at(dt.date(2025, 6, 5), 9)):
            item = instruct(leader, task, f"请{red[0].leads[0]}一周内拿出解决方案，专班跟踪问效。")
        count += 1
        lead_head = users.get(f"fz{item.lead_unit_id}")
        if lead_head:
            with clock.frozen(_at(dt.date(2025, 6, 6), 10)):
                accept_item(actor_for(lead_head), item, "已安排专人负责")
    lead = _unit("区发改局") or Unit.objects.exclude(kind="group").first()
    checker = actor_for(users.get("zhb"))
    with clock.frozen(_at(dt.date(2025, 5, 20), 9)):
        item = create_item(
            SYSTEM,
            content="专项督查发现：重点项目前期手续办理进度偏慢，请限期完善并报送佐证材料。",
            title="重点项目前期手续办理",
            lead_unit=lead,
            deadline=dt.date(2025, 6, 20),
            source=Source.SPECIAL,
            level=Level.KEY,
        )
    count += 1
    head = users.get(f"fz{lead.pk}") if lead else None
    if head:
        head_actor = actor_for(head)
        with clock.frozen(_at(dt.date(2025, 5, 21))):
            accept_item(head_actor, item, "已部署整改")
        with clock.frozen(_at(dt.date(2025, 6, 16))):
            feed_back(
                head_actor,
                item,
                "手续已全部办结，附批复文件。",
                files=[EvidenceFile("批复文件.pdf", b"%PDF-1.4 demo")],
            )
        with clock.frozen(_at(dt.date(2025, 6, 17))):
            start_check(checker, item, "开始核查")
        with clock.frozen(_at(dt.date(2025, 6, 18))):
            close_item(checker, item, "经核查，整改到位，予以销号。")
    overdue_unit = _unit("区住建局(交通局)") or lead
    with clock.frozen(_at(dt.date(2025, 6, 23), 9)):
        create_item(
            SYSTEM,
            content="群众反映：城区部分路段积水问题突出，请限期整改。",
            title="城区路段积水整改",
            lead_unit=overdue_unit,
            deadline=dt.date(2025, 7, 4),
            source=Source.PUBLIC,
            level=Level.NORMAL,
        )
    return count + 1


STEPS = ["制定实施方案", "完成前期工作", "全面推进实施", "检查验收总结"]


def _milestones(plan: Plan) -> int:
    """施工图: the first task of each campaign scheduled back from its deadline (倒排工期);
    the steps due by mid-July are done, and one added step in the first campaign is late."""
    count = 0
    for index, part in enumerate(plan.parts.exclude(key="正文").order_by("order")):
        task = (
            plan.tasks.filter(part=part)
            .select_related("plan", "section", "part")
            .order_by("section__order")
            .first()
        )
        if task is None:
            continue
        with clock.frozen(_at(dt.date(2025, 5, 6))):
            steps = reverse_schedule(SYSTEM, task, STEPS)
        for milestone in steps:
            if milestone.due_date <= DEMO_TODAY:
                with clock.frozen(_at(milestone.due_date, 16)):
                    complete_milestone(SYSTEM, milestone, milestone.due_date)
        count += len(steps)
        if index == 0:  # one step past its date and not done: the task shows as lagging
            with clock.frozen(_at(dt.date(2025, 5, 6))):
                add_milestone(SYSTEM, task, "完成项目选址论证", dt.date(2025, 7, 4))
            count += 1
    return count


PROJECTS = [
    # code, name, owner, total, annual plan, applied, won, allocated, paid, planned start, actual start, progress
    (
        "XDT-2025-01",
        "西洞庭食品产业园标准化厂房建设项目",
        "区科工局",
        12000,
        6000,
        3000,
        1800,
        1500,
        1100,
        "2025-03-01",
        "2025-03-10",
        35,
    ),
    (
        "XDT-2025-02",
        "祝丰镇高标准农田建设项目",
        "区农业农村局",
        4800,
        4800,
        2400,
        2400,
        2000,
        1500,
        "2025-04-01",
        "2025-04-15",
        40,
    ),
    (
        "XDT-2025-03",
        "城区老旧小区改造项目",
        "区住建局(交通局)",
        6500,
        3000,
        2000,
        900,
        800,
        600,
        "2025-05-01",
        "2025-06-02",
        15,
    ),
    (
        "XDT-2025-04",
        "人民医院综合楼提质改造项目",
        "区卫健局",
        3800,
        2000,
        1500,
        500,
        300,
        0,
        "2025-06-01",
        None,
        0,
    ),
]


def _projects(plan: Plan) -> int:
    count = 0
    with clock.frozen(_at(dt.date(2025, 3, 1))):
        for (
            code,
            name,
            owner,
            total,
            annual,
            applied,
            won,
            allocated,
            paid,
            start,
            started,
            progress,
        ) in PROJECTS:
            unit = _unit(owner)
            if unit is None:
                continue
            project = register_project(
                SYSTEM,
                code=code,
                name=name,
                owner_unit=unit,
                year=plan.year,
                total_investment=Decimal(total),
                annual_planned_investment=Decimal(annual),
                planned_start=dt.date.fromisoformat(start),
                planned_completion=dt.date(2025, 12, 31),
            )
            count += 1
            with clock.frozen(_at(dt.date(2025, 7, 11))):
                submit_update(
                    SYSTEM,
                    project,
                    "2025-W28",
                    {
                        "annual_completed_investment": Decimal(annual) * progress / 100,
                        "funds_applied": Decimal(applied),
                        "funds_won": Decimal(won),
                        "funds_allocated": Decimal(allocated),
                        "funds_paid": Decimal(paid),
                        "actual_start": dt.date.fromisoformat(started) if started else None,
                        "physical_progress": Decimal(progress),
                    },
                    progress_text="按计划推进" if progress >= 30 else "前期手续办理中",
                    problems="" if progress >= 30 else "用地手续尚未办结",
                )
    return count
