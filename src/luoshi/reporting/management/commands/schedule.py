"""luoshi schedule: how a plan is reported on — cadence per plan, campaign and task,
due working days, head approval, thresholds."""

from decimal import Decimal, InvalidOperation

from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from luoshi.plans.choices import Cadence
from luoshi.plans.management.orgs import add_org_option, org_option
from luoshi.reporting.models import CampaignCadence
from luoshi.reporting.policy import Schedule, store_plan_periods

from ._common import plan_arg


class Command(BaseCommand):
    help = "查看或设置调度规则：方案、攻坚、任务的调度周期，报送期限，单位负责人审核，滞后阈值"

    def add_arguments(self, parser):
        parser.add_argument("--plan", help="方案（默认最新）")
        add_org_option(parser, "方案所在的组织（编号或名称；默认在全部组织中找）")
        parser.add_argument("--cadence", choices=[c.value for c in Cadence], help="调度周期")
        parser.add_argument("--campaign", help="只设置此攻坚（编号，如 附件7）的调度周期")
        parser.add_argument("--task", help="只设置此任务（条目编号，如 附件7/二/(一)/1）的调度周期")
        parser.add_argument("--due-workdays", type=int, help="报送期限：周期结束后第几个工作日")
        parser.add_argument("--head-approval", choices=["on", "off"], help="是否需要单位负责人审核")
        parser.add_argument("--thresholds", help="滞后、严重滞后阈值（百分点），如 10,25")

    @transaction.atomic
    def handle(
        self,
        *args,
        plan=None,
        cadence=None,
        campaign=None,
        task=None,
        due_workdays=None,
        head_approval=None,
        thresholds=None,
        org=None,
        **options,
    ):
        organisation = org_option(org)
        chosen = plan_arg(plan, organisation.pk if organisation else None)
        schedule = Schedule.of(chosen)
        policy = schedule.policy
        if (campaign or task) and not cadence:
            raise CommandError("设置攻坚或任务的调度周期时请用 --cadence 指明周期")
        if task:
            found = chosen.tasks.filter(section__sid=task).first()
            if found is None:
                raise CommandError(f"方案中没有条目为 {task} 的任务")
            found.cadence = cadence
            found.save(update_fields=["cadence", "updated_at"])
        elif campaign:
            if not chosen.parts.filter(key=campaign).exists():
                raise CommandError(
                    f"方案中没有攻坚 {campaign}（可用：{'、'.join(chosen.parts.values_list('key', flat=True))}）"
                )
            CampaignCadence.objects.update_or_create(
                organisation_id=chosen.organisation_id,
                series=chosen.series,
                part_key=campaign,
                defaults={"cadence": cadence},
            )
        elif cadence:
            policy.cadence = cadence
        if due_workdays is not None:
            if not 0 <= due_workdays <= 20:
                raise CommandError("--due-workdays 应在 0 到 20 之间")
            policy.due_workdays = due_workdays
        if head_approval:
            policy.head_approval = head_approval == "on"
        if thresholds:
            try:
                lagging, serious = (Decimal(x) for x in thresholds.replace("，", ",").split(","))
            except (ValueError, InvalidOperation):
                raise CommandError("--thresholds 应写成 滞后,严重滞后，如 10,25") from None
            if not 0 <= lagging <= serious <= 100:
                raise CommandError("阈值应满足 0 ≤ 滞后 ≤ 严重滞后 ≤ 100")
            policy.lagging_threshold, policy.serious_threshold = lagging, serious
        policy.save()
        if cadence:
            store_plan_periods(chosen)  # the periods of the cadence set, stored up front
        overrides = "；".join(
            f"{k}：{Cadence(v).label}"
            for k, v in CampaignCadence.objects.filter(
                organisation_id=chosen.organisation_id, series=chosen.series
            ).values_list("part_key", "cadence")
        )
        tasks = chosen.tasks.exclude(cadence="").count()
        self.stdout.write(
            f"{chosen}：{policy.get_cadence_display()}调度，周期结束后第 {policy.due_workdays} 个工作日前报送，"
            f"{'需' if policy.head_approval else '不需'}单位负责人审核，落后序时进度 {policy.lagging_threshold} 个百分点为滞后、"
            f"{policy.serious_threshold} 个百分点为严重滞后"
        )
        self.stdout.write(schedule.rule_text())
        if overrides:
            self.stdout.write(f"攻坚单独设置：{overrides}")
        if tasks:
            self.stdout.write(f"另有 {tasks} 项任务单独设置了调度周期")
