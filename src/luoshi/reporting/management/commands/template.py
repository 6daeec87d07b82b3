"""luoshi template --unit U --period P [--plan PLAN] -o FILE.xlsx"""

from json import dumps

from django.core.management.base import BaseCommand, CommandError

from luoshi.plans.lookups import get_plan
from luoshi.plans.management.orgs import add_org_option, org_option
from luoshi.plans.validation import PlanError
from luoshi.reporting.excel import find_unit, gather_template, render_template
from luoshi.reporting.services import ReportingError


class Command(BaseCommand):
    help = "下载填报模板：某单位某周期需要填报的任务和指标，填好后用 luoshi upload 上传"

    def add_arguments(self, parser):
        parser.add_argument("--unit", required=True, help="单位名称或别名")
        parser.add_argument("--period", required=True, help="周期，如 2025-05-1（5月上旬）、2025-05、2025Q2")
        parser.add_argument("--plan", help="方案编号、发文字号或标题中的词（默认最新方案）")
        add_org_option(parser, "方案和单位所在的组织（编号或名称；默认在全部组织中找方案）")
        parser.add_argument("-o", "--output", required=True, help="输出文件 .xlsx")
        parser.add_argument("--json", action="store_true", help="以 JSON 输出结果")

    def handle(self, *args, unit, period, plan=None, output, json=False, org=None, **options):
        if not output.lower().endswith(".xlsx"):
            raise CommandError(f"输出文件 {output} 应以 .xlsx 结尾")
        organisation = org_option(org)
        try:
            chosen = get_plan(plan, organisation.pk if organisation else None)
        except PlanError as exc:
            raise CommandError(str(exc)) from None
        try:  # the unit of the plan's own registry
            data = gather_template(chosen, find_unit(unit, chosen.organisation_id), period)
        except ReportingError as exc:
            raise CommandError(str(exc)) from None
        content = render_template(data)
        try:
            with open(output, "wb") as handle:
                handle.write(content)
        except OSError as exc:
            raise CommandError(f"无法写入 {output}：{exc.strerror}") from None
        if json:
            self.stdout.write(
                dumps(
                    {
                        "file": output,
                        "plan": chosen.pk,
                        "unit": data.unit.name,
                        "period": data.span.key,
                        "period_label": data.span.label,
                        "due": data.due.isoformat(),
                        "tasks": len(data.tasks),
                        "targets": data.target_count,
                    },
                    ensure_ascii=False,
                )
            )
            return
        self.stdout.write(
            f"已生成 {data.unit.name} {data.span.label} 的填报模板 {output}："
            f"任务 {len(data.tasks)} 项，指标 {data.target_count} 个，报送期限 {data.due:%Y-%m-%d}"
        )
