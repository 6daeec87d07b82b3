"""luoshi bulletin --month 2025-05 [--campaign C] [--plan P] -o F.docx [--issue [--correct]]
luoshi bulletin verify FILE.docx"""

import json
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from luoshi.accounts.permissions import SYSTEM

from ...choices import Kind, State
from ...documents import render, verify_file
from ...lookups import resolve_campaign, to_month
from ...models import Bulletin
from ...monthly import MonthlyData
from ...services import correct_bulletin, create_bulletin, issue_bulletin, issued_for_period, refresh_bulletin
from ._common import INPUT_ERRORS, output_arg, plan_arg, write


class Command(BaseCommand):
    help = "生成月通报（Word，GB/T 9704 公文格式）：草稿或印发（--issue）"

    def add_arguments(self, parser):
        parser.add_argument(
            "action", nargs="?", choices=["verify"], help="verify FILE：核验文件是否为印发的原件"
        )
        parser.add_argument("file", nargs="?", help="要核验的 .docx 文件")
        parser.add_argument("--month", help="月份，如 2025-05")
        parser.add_argument("--campaign", help="只通报一个攻坚：编号（附件1）或标题中的词")
        parser.add_argument("--plan", help="方案编号、发文字号或标题中的词（默认最新方案）")
        parser.add_argument("-o", "--output", help="输出文件 .docx（默认 月通报-2025-05.docx）")
        parser.add_argument("--issue", action="store_true", help="印发：编期号、存档并冻结，之后不能再改")
        parser.add_argument(
            "--correct",
            action="store_true",
            help="与 --issue 同用：本月已印发时，重新统计并作为更正印发（写明更正第几期）",
        )
        parser.add_argument("--json", action="store_true", help="以 JSON 输出通报的统计数字")

    def handle(self, *args, action=None, file=None, month=None, **options):
        if action == "verify":
            self.verify(file)
            return
        if not month:
            raise CommandError(
                "请用 --month 指定月份，如 --month 2025-06；核验文件请用 luoshi bulletin verify 文件.docx"
            )
        with transaction.atomic():
            self.generate(month=month, **options)

    def verify(self, file: str | None) -> None:
        if not file:
            raise CommandError("请指定要核验的文件：luoshi bulletin verify 文件.docx")
        try:
            content = Path(file).read_bytes()
        except OSError as exc:
            raise CommandError(f"无法读取 {file}：{exc.strerror}") from None
        genuine, message = verify_file(content)
        if not genuine:
            raise CommandError(message)
        self.stdout.write(message)

    def generate(
        self,
        *,
        month,
        campaign=None,
        plan=None,
        output=None,
        issue=False,
        correct=False,
        json=False,
        **options,
    ):
        chosen = plan_arg(plan)
        if correct and not issue:
            raise CommandError("--correct 须与 --issue 同用")
        try:
            first = to_month(month)
            part = resolve_campaign(chosen, campaign)
            path = output_arg(output or f"月通报-{first:%Y-%m}{'-' + part.key if part else ''}.docx", ".docx")
            draft = Bulletin.objects.filter(
                plan=chosen, campaign=part, kind=Kind.MONTHLY, month=first, state=State.DRAFT
            ).first()
            if correct:
                probe = Bulletin(plan=chosen, campaign=part, kind=Kind.MONTHLY, period_key=f"{first:%Y-%m}")
                earlier = issued_for_period(probe)
                if earlier is None:
                    raise CommandError(f"{first.year}年{first.month}月的月通报尚未印发，无需更正")
                bulletin = correct_bulletin(SYSTEM, earlier)
            elif draft is not None:
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
                        "content_hash": bulletin.content_hash,
                        "as_of": data.as_of,
                        "summary": data.summary.to_dict(),
                        "previous": data.previous.to_dict(),
                        "lagging": len(data.lagging),
                        "periods": [period.key for period in data.periods],
                        "reporting": data.reporting_totals,
                        "no_reports": data.no_reports,
                    }
                )
            )
            return
        state = (
            f"已印发{bulletin.year}年第{bulletin.number}期，内容指纹 {bulletin.content_hash}"
            if bulletin.is_issued
            else "草稿"
        )
        s = data.summary
        self.stdout.write(
            f"{bulletin.title}（{state}）已写入 {path}：任务 {s.total} 项，已完成 {s.n('done')} 项，"
            f"滞后 {s.n('lagging')} 项，严重滞后 {s.n('serious')} 项，未报送 {s.n('not_reported')} 项"
            + ("；本月无报送" if data.no_reports else "")
        )


def _json(value) -> str:
    return json.dumps(value, ensure_ascii=False, indent=2)
