"""luoshi breakdown [PLAN] [--json]"""

import json

from django.core.management.base import BaseCommand, CommandError

from luoshi.accounts.permissions import SYSTEM
from luoshi.plans.breakdown import break_down
from luoshi.plans.lookups import get_plan
from luoshi.plans.validation import PlanError


class Command(BaseCommand):
    help = "层层分解：把方案中由下级组织（区县、乡镇）负责的任务分解到各下级的分解方案（重复运行只做更新）"

    def add_arguments(self, parser):
        parser.add_argument("plan", nargs="?", help="方案编号、发文字号或标题中的词（默认最新方案）")
        parser.add_argument("--json", action="store_true", help="以 JSON 输出结果")

    def handle(self, *args, plan=None, **options):
        try:
            chosen = get_plan(plan)
            result = break_down(SYSTEM, chosen)
        except PlanError as exc:
            raise CommandError(str(exc)) from None
        if options["json"]:
            self.stdout.write(json.dumps(result.as_json(), ensure_ascii=False, indent=2))
        else:
            self.stdout.write(result.message())
