"""luoshi completeness: who reported for a period, on time, late, or not at all."""

import json

from django.core.management.base import BaseCommand, CommandError

from luoshi.reporting.engine import completeness
from luoshi.reporting.workdays import CalendarYearUnknown

from ._common import date_arg, plan_arg, table

WEEKDAYS = "一二三四五六日"


class Command(BaseCommand):
    help = "报送情况：某周期各单位应报、已报（按时、逾期）、未报"

    def add_arguments(self, parser):
        parser.add_argument(
            "--period", required=True, help="周期编号，如 2025-05-1（5月上旬）、2025-05、2025Q2"
        )
        parser.add_argument("--plan", help="方案（默认最新）")
        parser.add_argument("--as-of", help="统计截止日期 YYYY-MM-DD（默认今天）")
        parser.add_argument("--json", action="store_true", dest="as_json", help="以 JSON 输出")

    def handle(self, *args, period, plan=None, as_of=None, as_json=False, **options):
        chosen = plan_arg(plan)
        day = date_arg(as_of)
        try:
            span, due, rows = completeness(chosen, period, day)
        except (CalendarYearUnknown, ValueError) as exc:
            raise CommandError(str(exc)) from None
        if as_json:
            out = {
                "plan": chosen.pk,
                "period": {
                    "cadence": span.cadence.value,
                    "key": span.key,
                    "label": span.label,
                    "start": span.start.isoformat(),
                    "end": span.end.isoformat(),
                    "due": due.isoformat(),
                },
                "as_of": day.isoformat(),
                "units": [row.as_json() for row in rows],
            }
            self.stdout.write(json.dumps(out, ensure_ascii=False, indent=1))
            return
        if not rows:
            self.stdout.write(f"{span.label} 没有按此周期调度的任务。")
            return
        self.stdout.write(
            f"{span.label}　报送期限 {due.isoformat()}（周{WEEKDAYS[due.weekday()]}）　统计截止 {day.isoformat()}"
        )
        body = [
            [
                r.unit,
                str(r.due),
                str(r.submitted),
                str(r.on_time),
                str(r.late),
                str(r.missing),
                str(r.pending),
                f"{r.rate}%",
            ]
            for r in rows
        ]
        self.stdout.write(table(body, ["单位", "应报", "已报", "按时", "逾期", "未报", "未到期", "报送率"]))
        due_total = sum(r.due for r in rows)
        submitted = sum(r.submitted for r in rows)
        self.stdout.write(f"合计：应报 {due_total}，已报 {submitted}，未报 {sum(r.missing for r in rows)}")
