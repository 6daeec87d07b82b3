"""luoshi import FILE: import a plan (Plan JSON, or a txt/docx/html/pdf document)."""

import json

from django.core.management.base import BaseCommand, CommandError

from luoshi.accounts.permissions import SYSTEM
from luoshi.plans.management.orgs import add_org_option, org_option
from luoshi.plans.services import import_file
from luoshi.plans.validation import PlanError


class Command(BaseCommand):
    help = (
        "导入方案：方案 JSON（luoshi.plan/1）或 txt/docx/html/pdf 文件；同一方案再导入不变，修订版成为新版本"
    )

    def add_arguments(self, parser):
        parser.add_argument("file", help="方案文件")
        parser.add_argument("--series", help="指定方案系列（默认按标题识别同一方案的各版本）")
        parser.add_argument("--json", action="store_true", dest="as_json", help="以 JSON 输出导入结果")
        add_org_option(parser, "导入到的组织（编号或名称；默认为本级，即第一个顶级组织）")

    def handle(self, *args, file, series=None, as_json=False, org=None, **options):
        organisation = org_option(org)
        try:
            # the command line acts as the system
            result = import_file(SYSTEM, file, series=series, organisation=organisation)
        except PlanError as exc:
            details = "\n".join(f"  - {p}" for p in exc.problems[:50]) if len(exc.problems) > 1 else ""
            more = f"\n  ……另有 {len(exc.problems) - 50} 处" if len(exc.problems) > 50 else ""
            raise CommandError(
                f"{exc}{chr(10) + details if details else ''}{more}\n未写入任何内容。"
            ) from None
        if as_json:
            self._print_json(result)
            return
        plan = result.plan
        if not result.created:
            self.stdout.write(f"方案未变化：{plan}（编号 {plan.pk}，第 {plan.version} 版），未写入任何内容。")
            return
        counts = f"{plan.parts.count()} 个部分、{plan.sections.count()} 个条目、{plan.tasks.count()} 项任务、{plan.targets.count()} 个指标、{plan.task_forces.count()} 个工作专班"
        self.stdout.write(self.style.SUCCESS(f"已导入：{plan}（编号 {plan.pk}，第 {plan.version} 版）"))
        self.stdout.write(f"  {counts}")
        if plan.version > 1:
            self._print_diff(result)
        elif result.units_added:
            self.stdout.write(f"  新增单位 {len(result.units_added)} 个：{'、'.join(result.units_added)}")
        for old, new in result.aliases_added:
            self.stdout.write(f"  单位别名：{old} → {new}")
        for warning in result.warnings:
            line = f"第 {warning['line']} 行：" if warning.get("line") else ""
            self.stdout.write(self.style.WARNING(f"  提示：{line}{warning.get('message', '')}"))

    def _print_diff(self, result):
        self.stdout.write(
            f"与上一版本相比：新增任务 {len(result.tasks_added)} 项，删除 {len(result.tasks_removed)} 项，修改 {len(result.tasks_changed)} 项，新增单位 {len(result.units_added)} 个"
        )
        for sid in result.tasks_added:
            self.stdout.write(f"  + 新增任务 {sid}")
        for sid in result.tasks_removed:
            self.stdout.write(f"  - 删除任务 {sid}")
        labels = {
            "title": "标题",
            "text": "内容",
            "deadline": "完成时限",
            "units": "责任单位",
            "section": "编号",
        }
        for change in result.tasks_changed:
            fields = "、".join(labels[f] for f in change["fields"])
            moved = f"（原 {change['from']}）" if change["from"] != change["section"] else ""
            self.stdout.write(f"  * 修改任务 {change['section']}{moved}：{fields}")
        for name in result.units_added:
            self.stdout.write(f"  + 新增单位 {name}")

    def _print_json(self, result):
        plan = result.plan
        out = {"plan": plan.pk, "title": plan.title, "version": plan.version, "created": result.created}
        out.update(result.diff())
        out["warnings"] = result.warnings
        self.stdout.write(json.dumps(out, ensure_ascii=False, indent=1))
