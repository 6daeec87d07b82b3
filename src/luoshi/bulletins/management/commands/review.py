"""luoshi review --quarter 2025Q2 [--plan P] [--weights 30,40,20,10] [-o F.docx] [--xlsx F.xlsx] [--issue]"""

from django.core.management.base import BaseCommand, CommandError

from luoshi.accounts.permissions import SYSTEM
from luoshi.core import clock

from ...documents import review_data
from ...render_docx import render_review
from ...render_xlsx import review_workbook
from ...review import ReviewData
from ...services import create_review_bulletin, issue_bulletin, set_review_weights
from ._common import INPUT_ERRORS, output_arg, plan_arg, write


class Command(BaseCommand):
    help = "生成季讲评（Word 和 Excel）：各单位得分、排名和评分明细；--weights 设置权重"

    def add_arguments(self, parser):
        parser.add_argument("--quarter", required=True, help="季度，如 2025Q2")
        parser.add_argument("--plan", help="方案编号、发文字号或标题中的词（默认最新方案）")
        parser.add_argument(
            "--weights",
            help="权重：报送及时性,序时进度,指标完成,督办按时办结，合计 100，如 30,40,20,10（保存为该方案的权重）",
        )
        parser.add_argument("-o", "--output", help="讲评 .docx（默认 季讲评-2025Q2.docx）")
        parser.add_argument("--xlsx", help="讲评 .xlsx（默认与 Word 文件同名）")
        parser.add_argument("--issue", action="store_true", help="印发：编期号、存档并冻结")

    def handle(self, *args, quarter, plan=None, weights=None, output=None, xlsx=None, issue=False, **options):
        chosen = plan_arg(plan)
        try:
            if weights:
                parts = [p.strip() for p in weights.replace("，", ",").split(",")]
                if len(parts) != 4:
                    raise CommandError(
                        f"--weights 应为四个数，依次为报送及时性、序时进度、指标完成、督办按时办结，如 30,40,20,10；现为 {weights!r}"
                    )
                set_review_weights(
                    SYSTEM,
                    chosen,
                    timeliness=parts[0],
                    progress=parts[1],
                    targets=parts[2],
                    supervision=parts[3],
                )
            key = quarter.strip().upper()
            docx_path = output_arg(output or f"季讲评-{key}.docx", ".docx")
            xlsx_path = output_arg(xlsx or str(docx_path)[: -len(".docx")] + ".xlsx", ".xlsx")
            if issue:
                bulletin = issue_bulletin(SYSTEM, create_review_bulletin(SYSTEM, chosen, key))
                data = ReviewData.from_dict(bulletin.data)
                with bulletin.file.open("rb") as handle:
                    content = handle.read()
            else:
                bulletin = None
                data = review_data(SYSTEM, chosen, key)
                content = render_review(data, day=clock.today())
        except INPUT_ERRORS as exc:
            raise CommandError(str(exc)) from None
        write(docx_path, content)
        write(xlsx_path, review_workbook(data))
        top = "、".join(u.unit for u in data.units[:3] if u.total is not None) or "无"
        issued = f"（已印发第{bulletin.number}期）" if bulletin else ""
        self.stdout.write(
            f"{data.quarter_label}讲评{issued}：{len(data.units)} 个单位，前三名 {top}；已写入 {docx_path} 和 {xlsx_path}"
        )
