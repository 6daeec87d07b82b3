"""luoshi periods: the reporting periods of a plan's year with their due dates, and
whether the plan reports for each (``Schedule.task_spans``: from the first full period
after the plan's date)."""

import json

from django.core.management.base import BaseCommand, CommandError

from luoshi.plans.choices import Cadence
from luoshi.reporting.policy import Schedule
from luoshi.reporting.workdays import CalendarYearUnknown

from ._common import plan_arg, table

WEEKDAYS = "一二三四五六日"


class Command(BaseCommand):
    help = "列出方案年度的调度周期及报送期限（按法定工作日计算，含调休）"

    def add_arguments(self, parser):
        parser.add_argument("--plan", help="方案（默认最新）")
        parser.add_argument(
            "--cadence",
            choices=[c.value for c in Cadence],
            help="周期类型（默认方案及各攻坚、任务所用的全部周期）",
        )
        parser.add_argument("--json", action="store_true", dest="as_json", help="以 JSON 输出")

    def handle(self, *args, plan=None, cadence=None, as_json=False, **options):
        chosen = plan_arg(plan)
        schedule = Schedule.of(chosen)
        if cadence:
            cadences = [cadence]
        else:
            used = {schedule.policy.cadence, *schedule.campaign_cadences.values()}
            used |= set(chosen.tasks.exclude(cadence="").values_list("cadence", flat=True))
            cadences = [c.value for c in Cadence if c.value in used]
        try:
            spans = [(span, schedule.due(span)) for c in cadences for span in schedule.spans(c)]
            reported = {span for c in cadences for span in schedule.plan_spans(c)}
        except CalendarYearUnknown as exc:
            raise CommandError(str(exc)) from None
        if as_json:
            rows = [
                {
                    "cadence": s.cadence.value,
                    "key": s.key,
                    "label": s.label,
                    "start": s.start.isoformat(),
                    "end": s.end.isoformat(),
                    "due": due.isoformat(),
                    "reported": s in reported,
                }
                for s, due in spans
            ]
            self.stdout.write(json.dumps(rows, ensure_ascii=False, indent=1))
            return
        rows = [
            [
                Cadence(s.cadence.value).label,
                s.key,
                s.label,
                s.start.isoformat(),
                s.end.isoformat(),
                f"{due.isoformat()}（周{WEEKDAYS[due.weekday()]}）",
                "报送" if s in reported else "不报送",
            ]
            for s, due in spans
        ]
        self.stdout.write(f"{chosen}：报送期限为周期结束后第 {schedule.policy.due_workdays} 个工作日")
        self.stdout.write(schedule.rule_text(cadences[0] if len(cadences) == 1 else None))
        self.stdout.write(table(rows, ["周期", "编号", "名称", "开始", "结束", "报送期限", "本方案"]))
