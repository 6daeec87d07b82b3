"""luoshi tick: send the reporting reminders that are due (催报提醒).

Safe to run every minute from cron, on several machines at once: every reminder is
claimed by inserting its unique key before it is sent, so it goes out once. One pass
sends what is due and exits; ``--loop`` repeats every ``--interval`` seconds until
SIGTERM or SIGINT, finishing the reminder in hand and exiting 0.
"""

import datetime as dt
import json
import signal
import threading
from collections import Counter

from django.core.management.base import BaseCommand, CommandError
from django.db import DatabaseError, InterfaceError, close_old_connections
from django.utils import timezone

from luoshi.core import clock
from luoshi.plans.validation import PlanError
from luoshi.reporting.choices import DeliveryState, ReminderKind
from luoshi.reporting.reminder_text import cn_moment
from luoshi.reporting.reminders import Planned, due_reminders


class Command(BaseCommand):
    # run every minute by cron: the web's system checks are no business of a reminder run
    requires_system_checks = []
    help = "发送到期的催报提醒（站内消息、邮件、工作群机器人）；可由 cron 每分钟运行，同一提醒只发一次"

    def add_arguments(self, parser):
        parser.add_argument(
            "--loop", action="store_true", help="持续运行，每隔 --interval 秒检查一次，直到收到 SIGTERM"
        )
        parser.add_argument(
            "--interval", type=float, default=60, help="--loop 时两次检查的间隔秒数（默认 60）"
        )
        parser.add_argument(
            "--as-of", dest="as_of", help="按此时刻判断（YYYY-MM-DDTHH:MM，本地时间；默认现在）"
        )
        parser.add_argument("--plan", help="只处理此方案（编号、发文字号或标题中的词；默认各方案的最新版本）")
        parser.add_argument("--dry-run", action="store_true", help="只列出将发送的提醒，不发送")
        parser.add_argument("--json", action="store_true", help="以 JSON 输出（--loop 时每轮一行）")

    def handle(
        self, *args, loop=False, interval=60, as_of=None, plan=None, dry_run=False, json=False, **options
    ):
        self.as_of = parse_as_of(as_of) if as_of else None
        if interval <= 0:
            raise CommandError(f"--interval 应为正数（秒），收到 {interval:g}")
        self.plans = None
        if plan:
            from luoshi.plans.lookups import get_plan

            try:
                self.plans = [get_plan(plan)]
            except PlanError as exc:
                raise CommandError(str(exc)) from None
        self.dry_run, self.json = dry_run, json
        self.stop = threading.Event()
        if loop:
            for signum in (signal.SIGTERM, signal.SIGINT):
                signal.signal(signum, self._on_signal)
        while True:
            try:
                self.run_pass()
            except (DatabaseError, InterfaceError) as exc:
                if not loop:
                    raise
                self.stderr.write(
                    f"本轮未完成，稍后重试：{str(exc).strip().splitlines()[0] if str(exc).strip() else exc}"
                )
            if not loop or self.stop.wait(interval):
                break
            close_old_connections()

    def _on_signal(self, signum, frame) -> None:
        self.stop.set()

    # ------------------------------------------------------------ one pass

    def run_pass(self) -> dict:
        """Plan what is due now and send it, one reminder at a time."""
        now = self.as_of or clock.now()
        self.queue, problems = due_reminders(now, self.plans)
        self.results: list[tuple[Planned, object]] = []
        if self.dry_run:
            self.results = [(item, None) for item in self.queue]
            self.queue = []
        while not self.stop.is_set() and self.handle_one():
            pass
        summary = self.summary(now, problems)
        if not self.dry_run and not self.stop.is_set():
            # supervision items' 催办 ride on the same cron line
            from luoshi.supervision.reminders import run_reminders

            done = run_reminders(timezone.localtime(now).date())
            summary["supervision"] = {"sent": len(done.sent), "escalated": len(done.escalated)}
        self.output(summary)
        if summary.get("supervision", {}).get("sent") or summary.get("supervision", {}).get("escalated"):
            sup = summary["supervision"]
            if not self.json:
                self.stdout.write(f"督办事项：催办 {sup['sent']} 条，升级督办 {sup['escalated']} 项")
        return summary

    def handle_one(self) -> bool:
        """Send the next due reminder; False when none is left."""
        if not self.queue:
            return False
        item = self.queue.pop(0)
        self.results.append((item, item.send()))
        return True

    def summary(self, now: dt.datetime, problems: list[str]) -> dict:
        sent, failed, reminders = Counter(), [], []
        taken = 0
        for item, reminder in self.results:
            row = item.as_json()
            if self.dry_run:
                row["state"] = "planned"
            elif reminder is None:
                taken += 1
                row["state"] = "taken"
            else:
                row["state"], row["error"] = str(reminder.state), reminder.error
                sent[str(item.kind)] += 1
                if reminder.state in (DeliveryState.FAILED, DeliveryState.PARTIAL):
                    failed.append(row)
            reminders.append(row)
        return {
            "as_of": timezone.localtime(now).isoformat(timespec="minutes"),
            "dry_run": self.dry_run,
            "due": len(self.results),
            "sent": dict(sent),
            "failed": len(failed),
            "taken_by_another_run": taken,
            "problems": problems,
            "reminders": reminders,
            "_failures": failed,
        }

    def output(self, summary: dict) -> None:
        failures = summary.pop("_failures")
        if self.json:
            self.stdout.write(json.dumps(summary, ensure_ascii=False))
            self.stdout.flush()
            return
        moment = cn_moment(dt.datetime.fromisoformat(summary["as_of"]))
        if self.dry_run:
            self.stdout.write(f"{moment}：到期提醒 {summary['due']} 条（试运行，未发送）")
            for row in summary["reminders"]:
                self.stdout.write(f"  {row['kind_label']}　{row['unit'] or '综合协调组'}　{row['subject']}")
        elif not summary["due"]:
            self.stdout.write(f"{moment}：没有到期的提醒。")
        else:
            counts = "、".join(
                f"{kind.label} {summary['sent'][kind]}" for kind in ReminderKind if kind in summary["sent"]
            )
            total = sum(summary["sent"].values())
            line = f"{moment}：发送提醒 {total} 条" + (f"（{counts}）" if counts else "")
            if summary["failed"]:
                line += f"，其中 {summary['failed']} 条未能全部送达"
            if summary["taken_by_another_run"]:
                line += f"；另有 {summary['taken_by_another_run']} 条已由同时运行的 tick 发送"
            self.stdout.write(line)
            for row in failures:
                self.stdout.write(
                    f"  失败：{row['kind_label']}　{row['unit'] or '综合协调组'}：{row['error']}"
                )
        for problem in summary["problems"]:
            self.stderr.write(f"提示：{problem}")
        self.stdout.flush()


def parse_as_of(value: str) -> dt.datetime:
    """``YYYY-MM-DDTHH:MM`` (or a space for the T; a date alone is its midnight), local time."""
    try:
        moment = dt.datetime.fromisoformat(value.strip())
    except ValueError:
        raise CommandError(
            f"--as-of 的值 {value!r} 无效，应为 YYYY-MM-DDTHH:MM，例如 2025-05-12T09:00"
        ) from None
    if timezone.is_naive(moment):
        moment = timezone.make_aware(moment)
    return moment
