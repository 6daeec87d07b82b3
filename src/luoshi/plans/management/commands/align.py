"""luoshi align LOWER_PLAN UPPER_PLAN [--json]: suggest the 对标 of a lower plan's tasks to
an upper plan's (kept as links in state 建议; confirmed ones stay) and list them."""

import json

from django.core.management.base import BaseCommand, CommandError

from luoshi.accounts.permissions import SYSTEM
from luoshi.plans.alignment_services import AlignmentError, alignment_rows, suggest_alignment
from luoshi.plans.models import Plan
from luoshi.plans.versions import plan_choices


def _plan(value: str, what: str) -> Plan:
    """The newest version of the plan series named by id (as ``luoshi plans`` lists them)."""
    if not value.isdigit():
        raise CommandError(f"{what}：请给出方案编号（luoshi plans 列出），而不是“{value}”")
    plan = Plan.objects.filter(pk=int(value)).only("series", "organisation_id").first()
    if plan is None:
        raise CommandError(f"{what}：没有编号为 {value} 的方案（luoshi plans 列出已导入的方案）")
    return next(
        (p for p in plan_choices() if p.series == plan.series and p.organisation_id == plan.organisation_id),
        plan,
    )


def row_json(row) -> dict:
    return {
        "task": row.task.pk,
        "section": row.task.section.sid,
        "title": row.task.title,
        "state": row.state,
        "suggests_none": row.suggests_none,
        "links": [
            {
                "id": link.pk,
                "upper_task": link.upper_id,
                "upper_section": link.upper.section.sid,
                "upper_title": link.upper.title,
                "score": link.score,
                "rank": link.rank,
                "state": link.state,
            }
            for link in row.links
        ],
    }


class Command(BaseCommand):
    help = "对标：为下级方案的任务建议上级方案中对应的任务（相似度前三名），列出建议与确认情况"

    def add_arguments(self, parser):
        parser.add_argument("lower", help="下级方案编号（luoshi plans 列出）")
        parser.add_argument("upper", help="上级方案编号（须属于下级方案所在组织的上级组织）")
        parser.add_argument("--json", action="store_true", help="输出 JSON")

    def handle(self, *args, **options):
        lower = _plan(options["lower"], "下级方案")
        upper = _plan(options["upper"], "上级方案")
        try:
            result = suggest_alignment(SYSTEM, lower, upper)
        except AlignmentError as exc:
            raise CommandError(str(exc)) from exc
        rows = alignment_rows(lower, upper)
        if options["json"]:
            self.stdout.write(
                json.dumps(
                    {
                        "lower_plan": lower.pk,
                        "upper_plan": upper.pk,
                        "created": result.created,
                        "kept": result.kept,
                        "tasks": [row_json(r) for r in rows],
                    },
                    ensure_ascii=False,
                    indent=1,
                )
            )
            return
        self.stdout.write(
            f"对标：{lower.title}（{lower.organisation.name}）→ {upper.title}（{upper.organisation.name}）"
        )
        self.stdout.write(f"新增建议 {result.created} 条，已确认或已定无对应的任务 {result.kept} 项。")
        for row in rows:
            self.stdout.write(f"\n{row.task.section.sid} {row.task.title}  [{row.state}]")
            if row.confirmed:
                self.stdout.write(f"  ✓ {row.confirmed.upper.section.sid} {row.confirmed.upper.title}")
                continue
            if row.suggests_none and not row.decided_none:
                self.stdout.write("  建议：无对应（相似度都很低）")
            for link in row.suggestions:
                self.stdout.write(
                    f"  {link.rank}. {link.upper.section.sid} {link.upper.title}  相似度 {link.score:.2f}"
                )
