"""luoshi status: each task's light against time elapsed, as of a date."""

import json

from django.core.management.base import BaseCommand, CommandError

from luoshi.reporting import kept
from luoshi.reporting.engine import plan_status
from luoshi.reporting.status import Status
from luoshi.reporting.workdays import CalendarYearUnknown

from ._common import date_arg, plan_arg, table, unit_arg


class Command(BaseCommand):
    help = "任务进度状态（序时进度、红黄绿灯），可按攻坚、单位、周期筛选，可查询历史日期"

    def add_arguments(self, parser):
        parser.add_argument("--plan", help="方案（默认最新）")
        parser.add_argument("--campaign", help="攻坚：编号（附件1）或标题中的词")
        parser.add_argument("--unit", help="单位：只列该单位牵头或参与的任务")
        parser.add_argument("--period", help="按该周期结束日统计，如 2025-05-3")
        parser.add_argument("--as-of", help="统计截止日期 YYYY-MM-DD（默认今天）")
        parser.add_argument("--json", action="store_true", dest="as_json", help="以 JSON 输出")
        parser.add_argument(
            "--rebuild",
            action="store_true",
            help="按报告重建任务单位报送现状（保存的最新报送记录），默认全部方案，可用 --plan 指定",
        )
        parser.add_argument(
            "--queue",
            action="store_true",
            help="与 --rebuild 同用：放入后台任务队列，由 luoshi worker 执行（大型部署不占用当前终端）",
        )

    def handle(
        self,
        *args,
        plan=None,
        campaign=None,
        unit=None,
        period=None,
        as_of=None,
        as_json=False,
        rebuild=False,
        queue=False,
        **options,
    ):
        if queue and not rebuild:
            raise CommandError("--queue 只能与 --rebuild 一起使用")
        if rebuild:
            chosen = plan_arg(plan) if plan else None
            if queue:
                from luoshi.core.jobs import enqueue
                from luoshi.reporting.tasks import rebuild_standings

                enqueue(rebuild_standings, chosen.pk if chosen else None)
                where = f"方案“{chosen}”" if chosen else "全部方案"
                self.stdout.write(f"已将重建{where}的任务单位报送现状放入后台任务队列，由 luoshi worker 执行")
                return
            count = kept.rebuild(chosen)
            where = f"方案“{chosen}”" if chosen else "全部方案"
            self.stdout.write(f"已重建{where}的任务单位报送现状：{count} 条")
            return
        chosen = plan_arg(plan)
        day = date_arg(as_of)
        unit_name = unit_arg(unit).name if unit else None
        try:
            result = plan_status(chosen, day, campaign=campaign, unit=unit_name, period=period)
        except (CalendarYearUnknown, ValueError) as exc:
            raise CommandError(str(exc)) from None
        if campaign and not result.rows:
            raise CommandError(f"方案中没有攻坚“{campaign}”或它没有任务")
        total = result.rollup()
        if as_json:
            out = {
                "plan": chosen.pk,
                "as_of": result.as_of.isoformat(),
                "summary": {
                    "tasks": total.total,
                    "progress": float(total.progress),
                    "expected": float(total.expected),
                    "counts": {str(s): total.count(s) for s in Status},
                },
                "tasks": [row.as_json() for row in result.rows],
            }
            self.stdout.write(json.dumps(out, ensure_ascii=False, indent=1))
            return
        rows = [
            [
                row.sid,
                row.title[:18],
                "、".join(row.responsible)[:16],
                f"{row.expected}%",
                "—" if row.progress is None else f"{row.progress}%",
                row.status.label,
                row.reason,
            ]
            for row in result.rows
        ]
        self.stdout.write(f"{chosen}　统计截止 {result.as_of.isoformat()}")
        self.stdout.write(table(rows, ["条目", "任务", "责任单位", "序时进度", "完成进度", "状态", "原因"]))
        counts = "，".join(f"{s.label} {total.count(s)}" for s in Status if total.count(s))
        self.stdout.write(
            f"共 {total.total} 项：{counts}；平均完成进度 {total.progress}%，序时进度 {total.expected}%"
        )
