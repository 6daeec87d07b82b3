"""The words of reporting reminders (催报提醒): dates as 5月12日（周一）, the pending tasks
of a unit, and the subject and body of each kind of reminder."""

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass

from django.utils import timezone

from luoshi.plans.choices import TaskRole
from luoshi.plans.models import Plan, Unit

from .choices import ReminderKind
from .periods import PeriodSpan

MAX_TASKS_NAMED = 10
WEEKDAYS = "一二三四五六日"


def cn_date(day: dt.date) -> str:
    """``5月12日（周一）``."""
    return f"{day.month}月{day.day}日（周{WEEKDAYS[day.weekday()]}）"


def cn_moment(moment: dt.datetime) -> str:
    """``5月12日（周一）17:00``."""
    local = timezone.localtime(moment)
    return f"{cn_date(local.date())}{local:%H:%M}"


@dataclass
class PendingTask:
    sid: str
    title: str
    role: str
    part_id: int


@dataclass
class Words:
    """What a reporting reminder says: subjects and bodies in plain Chinese."""

    plan: Plan
    span: PeriodSpan
    due: dt.date
    now: dt.datetime
    late_days: int

    @property
    def deadline(self) -> str:
        return f"报送期限：{cn_date(self.due)}"

    @property
    def lateness(self) -> str:
        return f"已逾期{self.late_days}个工作日" if self.late_days else "今日截止"

    def task_lines(self, tasks: list[PendingTask], indent: str = "") -> str:
        lines = [
            f"{indent}{t.sid} {t.title}" + ("（配合）" if t.role == TaskRole.COOPERATOR else "")
            for t in tasks[:MAX_TASKS_NAMED]
        ]
        if len(tasks) > MAX_TASKS_NAMED:
            lines.append(f"{indent}……等{len(tasks)}项")
        return "\n".join(lines)

    def unit_text(self, kind: str, unit: Unit, tasks: list[PendingTask]) -> tuple[str, str]:
        span, count = self.span.label, len(tasks)
        plan_line = f"《{self.plan.title}》{span}进度报告{self.deadline}"
        lines = self.task_lines(tasks)
        if kind == ReminderKind.BEFORE:
            subject = f"报送提醒：{span}进度报告将于{cn_date(self.due)}截止"
            body = f"{unit.name}：\n{plan_line}，本单位尚有{count}项任务未报送：\n{lines}\n请按时填报并提交。"
        elif kind == ReminderKind.DUE_DAY:
            subject = f"今日截止：{span}进度报告请于今天（{self.due.month}月{self.due.day}日）报送"
            body = f"{unit.name}：\n{plan_line}，即今天，本单位尚有{count}项任务未报送：\n{lines}\n请于今日内填报并提交。"
        elif kind == ReminderKind.OVERDUE:
            subject = f"逾期催报：{unit.name}{span}进度报告{self.lateness}"
            body = (
                f"{unit.name}：\n{plan_line}，{self.lateness}，本单位尚有{count}项任务未报送：\n"
                f"{lines}\n请立即填报并提交。"
            )
        else:  # escalate_head
            when = f"截至{cn_moment(self.now)}"
            subject = f"请督促报送：{unit.name}{span}进度报告{self.lateness}未报"
            body = (
                f"{unit.name}负责同志：\n{plan_line}，{self.lateness}。{when}，本单位尚有{count}项任务未报送：\n"
                f"{lines}\n请督促本单位填报员尽快报送，并及时审核。"
            )
        return subject, body

    def office_text(self, office, late: dict, units: dict, parts: dict, part_keys: dict) -> tuple[str, str]:
        span = self.span.label
        count = len(late)
        subject = f"逾期未报：{span}进度报告有{count}个单位{self.lateness}未报送"
        greeting = f"{office.name}：" if office else "综合协调组办公室："
        lines = [
            greeting,
            f"《{self.plan.title}》{span}进度报告{self.deadline}，{self.lateness}。"
            f"截至{cn_moment(self.now)}，以下{count}个单位尚未报送：",
        ]
        by_part: dict[int, list[tuple[Unit, list[PendingTask]]]] = defaultdict(list)
        for uid, tasks in late.items():
            for part_id in sorted({t.part_id for t in tasks}, key=lambda p: part_keys.get(p, "")):
                by_part[part_id].append((units[uid], [t for t in tasks if t.part_id == part_id]))
        for part_id in sorted(by_part, key=lambda p: part_keys.get(p, "")):
            lines.append(f"【{part_keys.get(part_id, '')} {parts.get(part_id, '')}】")
            for number, (unit, tasks) in enumerate(
                sorted(by_part[part_id], key=lambda pair: (pair[0].order, pair[0].name)), start=1
            ):
                lines.append(f"{number}. {unit.name}：{len(tasks)}项")
                lines.append(self.task_lines(tasks, indent="   "))
        lines.append("请督促以上单位尽快报送。")
        return subject, "\n".join(lines)
