"""luoshi dispatch --period 2025-05-1 [--campaign C] [--plan P] [-o F.xlsx] [--docx F.docx]"""

from django.core.management.base import BaseCommand, CommandError

from luoshi.accounts.permissions import SYSTEM
from luoshi.core import clock

from ...documents import dispatch_data
from ...render_docx import render_dispatch
from ...render_xlsx import dispatch_workbook
from ._common import INPUT_ERRORS, output_arg, plan_arg, write


class Command(BaseCommand):
    help = "生成旬调度表（Excel，每项任务一行）和一页调度情况（Word）"

    def add_arguments(self, parser):
        parser.add_argument("--period", required=True, help="调度周期，如 2025-05-1（5月上旬）")
        parser.add_argument("--campaign", help="只调度一个攻坚：编号（附件1）或标题中的词")
        parser.add_argument("--plan", help="方案编号、发文字号或标题中的词（默认最新方案）")
        parser.add_argument("-o", "--output", help="调度表 .xlsx（默认 旬调度-2025-05-1.xlsx）")
        parser.add_argument("--docx", help="调度情况 .docx（默认与调度表同名）")

    def handle(self, *args, period, campaign=None, plan=None, output=None, docx=None, **options):
        chosen = plan_arg(plan)
        try:
            data = dispatch_data(SYSTEM, chosen, period, campaign)
        except INPUT_ERRORS as exc:
            raise CommandError(str(exc)) from None
        suffix = f"-{data.campaign_key}" if data.campaign_key else ""
        xlsx_path = output_arg(output or f"旬调度-{data.period}{suffix}.xlsx", ".xlsx")
        docx_path = output_arg(docx or str(xlsx_path)[: -len(".xlsx")] + ".docx", ".docx")
        write(xlsx_path, dispatch_workbook(data))
        write(docx_path, render_dispatch(data, day=clock.today()))
        s = data.summary
        self.stdout.write(
            f"{data.period_label}调度：任务 {s.total} 项，滞后 {s.n('lagging')} 项，严重滞后 {s.n('serious')} 项，"
            f"未报送单位 {len(data.missing_units)} 个；已写入 {xlsx_path} 和 {docx_path}"
        )
