"""luoshi units: the unit registry with task counts."""

import json

from django.core.management.base import BaseCommand, CommandError

from luoshi.plans.lookups import get_plan, units_with_counts
from luoshi.plans.validation import PlanError


class Command(BaseCommand):
    help = "列出单位名录：类型、别名、牵头和配合的任务数"

    def add_arguments(self, parser):
        parser.add_argument("--plan", help="只统计此方案（默认各方案的最新版本）")
        parser.add_argument("--json", action="store_true", dest="as_json", help="以 JSON 输出")

    def handle(self, *args, plan=None, as_json=False, **options):
        try:
            chosen = get_plan(plan) if plan else None
        except PlanError as exc:
            raise CommandError(str(exc)) from None
        rows = [
            {
                "name": unit.name,
                "kind": unit.kind,
                "kind_label": unit.get_kind_display(),
                "aliases": [alias.name for alias in unit.aliases.all()],
                "leads": unit.lead_count,
                "cooperates": unit.cooperate_count,
            }
            for unit in units_with_counts(chosen)
        ]
        if as_json:
            self.stdout.write(json.dumps(rows, ensure_ascii=False, indent=1))
            return
        width = max((len(row["name"]) for row in rows), default=4)
        self.stdout.write(f"{'单位'.ljust(width, '　')}  类型      牵头  配合  别名")
        for row in rows:
            aliases = "、".join(row["aliases"])
            self.stdout.write(
                f"{row['name'].ljust(width, '　')}  {row['kind_label'].ljust(6, '　')}{row['leads']:>4}  {row['cooperates']:>4}  {aliases}"
            )
        self.stdout.write(f"共 {len(rows)} 个单位")
