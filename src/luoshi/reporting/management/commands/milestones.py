"""luoshi milestones: a task's dated steps (时间表), entered or reverse-scheduled."""

import datetime as dt

from django.core.management.base import BaseCommand, CommandError

from luoshi.accounts.permissions import SYSTEM
from luoshi.reporting.milestones import add_milestone, reverse_schedule
from luoshi.reporting.services import ReportingError

from ._common import plan_arg


class Command(BaseCommand):
    help = "任务节点：列出、添加（--add 名称 日期），或从完成时限倒排（--reverse 节点1 节点2 …）"

    def add_arguments(self, parser):
        parser.add_argument("task", help="任务条目编号，如 附件1/二/(一)/1")
        parser.add_argument("--plan", help="方案（默认最新）")
        parser.add_argument("--add", nargs=2, metavar=("名称", "日期"), help="添加一个节点")
        parser.add_argument("--reverse", nargs="+", metavar="节点", help="按完成时限倒排工期，均匀分布各节点")

    def handle(self, *args, task, plan=None, add=None, reverse=None, **options):
        chosen = plan_arg(plan)
        found = chosen.tasks.filter(section__sid=task).select_related("plan", "section", "part").first()
        if found is None:
            raise CommandError(f"方案中没有条目为 {task} 的任务")
        try:
            if add:
                try:
                    day = dt.date.fromisoformat(add[1])
                except ValueError:
                    raise CommandError(f"节点日期 {add[1]!r} 无效，应为 YYYY-MM-DD") from None
                add_milestone(SYSTEM, found, add[0], day)
            if reverse:
                reverse_schedule(SYSTEM, found, reverse)
        except ReportingError as exc:
            raise CommandError(str(exc)) from None
        self.stdout.write(f"{found}")
        for milestone in found.milestones.all():
            mark = "✓" if milestone.done else "·"
            self.stdout.write(f"  {mark} {milestone.due_date.isoformat()}  {milestone.title}")
