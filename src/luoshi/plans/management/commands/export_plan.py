"""luoshi export three-lists [PLAN] -o FILE.xlsx"""

from django.core.management.base import BaseCommand, CommandError

from luoshi.plans.exports import write_three_lists
from luoshi.plans.lookups import get_plan
from luoshi.plans.validation import PlanError

KINDS = {"three-lists": "三张清单"}


class Command(BaseCommand):
    help = "导出：three-lists 为“三张清单”（目标清单、任务清单、责任清单）Excel 文件"

    def add_arguments(self, parser):
        parser.add_argument("kind", choices=sorted(KINDS), help="导出内容：three-lists")
        parser.add_argument("plan", nargs="?", help="方案编号、发文字号或标题中的词（默认最新方案）")
        parser.add_argument("-o", "--output", required=True, help="输出文件 .xlsx")

    def handle(self, *args, kind, plan=None, output, **options):
        if not output.lower().endswith(".xlsx"):
            raise CommandError(f"输出文件 {output} 应以 .xlsx 结尾")
        try:
            chosen = get_plan(plan)
        except PlanError as exc:
            raise CommandError(str(exc)) from None
        try:
            counts = write_three_lists(chosen, output)
        except OSError as exc:
            raise CommandError(f"无法写入 {output}：{exc.strerror}") from None
        self.stdout.write(
            f"已导出 {chosen} 的三张清单到 {output}：目标 {counts['targets']} 个，任务 {counts['tasks']} 项，责任 {counts['duties']} 条"
        )
