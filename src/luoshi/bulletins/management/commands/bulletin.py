"""luoshi bulletin --month 2025-05 [--campaign C] [--plan P] -o F.docx [--issue]"""

import json

from django.core.management.base import BaseCommand, CommandError

from luoshi.accounts.permissions import SYSTEM

from ...choices import Kind, State
from ...models import Bulletin
from ...monthly import MonthlyData
from ...services import create_bulletin, issue_bulletin, refresh_bulletin, render, resolve_campaign, to_month
from ._common import INPUT_ERRORS, output_arg, plan_arg, write


class Command(BaseCommand):
    help = "生成月通报（Word，GB/T 9704 公文格式）：草稿或印发（--issue）"

    def add_arguments(self, parser):
        parser.add_argument("--month", required=True, help="月份，如 2025-05")
        parser.add_argument("--campaign", help="只通报一个攻坚：编号（附件1）或标题中的词")
        parser.add_argument("--plan", help="方案编号、发文字号或标题中的词（默认最新方案）")
        parser.add_argument("-o", "--output", help="输出文件 .docx（默认 月通报-2025-05.docx）")
        parser.add_argument("--issue", action="store_true", help="印发：编期号、存档并冻结，之后不能再改")
        parser.add_argument("--json", action="store_true", help="以 JSON 输出通报的统计数字")

    def handle(self, *args, month, campaign=None, plan=None, output=None, issue=False, json=False, **options):
        chosen = plan_arg(plan)
        try:
            first = to_month(month)
            part = resolve_campaign(chosen, campaign)
            path = output_arg(output or f"月通报-{first:%Y-%m}{'-' + part.key if part else ''}.docx", ".docx")
            draft = Bulletin.objects.filter(
                plan=chosen, campaign=part, kind=Kind.MONTHLY, month=first, state=State.DRAFT
            ).first()
            if draft is not None:
                bulletin = refresh_bulletin(SYSTEM, draft)
            else:
                bulletin = create_bulletin(SYSTEM, chosen, first, part)
            if issue:
                bulletin = issue_bulletin(SYSTEM, bulletin)
                with bulletin.file.open("rb") as handle:
                    content = handle.read()
            else:
                content = render(bulletin)
        except INPUT_ERRORS as exc:
            raise CommandError(str(exc)) from None
        write(path, content)
        data = MonthlyData.from_dict(bulletin.data)
        if json:
            self.stdout.write(
                _json(
                    {
                        "bulletin": bulletin.pk,
                        "state": bulletin.state,
                        "number": bulletin.number,
                        "file": str(path),
                        "sha256": bulletin.sha256,
                        "as_of": data.as_of,
                        "summary": data.summary.to_dict(),
                        "previous": data.previous.to_dict(),
                        "lagging": len(data.lagging),
                        "reporting": data.reporting_totals,
                        "no_reports": data.no_reports,
                    }
                )
            )
            return
        state = f"已印发第{bulletin.number}期" if bulletin.is_issued else "草稿"
        s = data.summary
        self.stdout.write(
            f"{bulletin.title}（{state}）已写入 {path}：任务 {s.total} 项，已完成 {s.n('done')} 项，"
            f"滞后 {s.n('lagging')} 项，严重滞后 {s.n('serious')} 项，未报送 {s.n('not_reported')} 项"
            + ("；本月无报送" if data.no_reports else "")
        )


def _json(value) -> str:
    return json.dumps(value, ensure_ascii=False, indent=2)
