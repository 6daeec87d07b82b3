"""luoshi tick: the reminder scheduler (催报提醒, 督办催办).

One pass records every reminder that is due (each under its unique key, so once however
many ticks run on however many machines) and queues its delivery as a job, queues again
what a killed worker left before sending and puts in doubt what it left while sending
(``notify.sweep``; 待核实, settled by the office, never resent by itself), then — unless ``--enqueue-only`` — runs
the queued reminder jobs here, so a deployment with cron and no ``luoshi worker`` sends
as before. With workers running, ``--enqueue-only`` leaves the sending to them (``luoshi
worker`` runs this pass itself every minute, so cron is then optional). ``--loop``
repeats every ``--interval`` seconds until SIGTERM or SIGINT, finishing the job in hand
and exiting 0.
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
        parser.add_argument(
            "--enqueue-only",
            action="store_true",
            help="只登记到期提醒并放入任务队列，由 luoshi worker 发送（默认登记后在本进程发送）",
        )
        parser.add_argument("--json", action="store_true", help="以 JSON 输出（--loop 时每轮一行）")

    def handle(
        self,
        *args,
        loop=False,
        interval=60,
        as_of=None,
        plan=None,
        dry_run=False,
        json=False,
        enqueue_only=False,
        **options,
    ):
        self.enqueue_only = enqueue_only
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
        """Record and queue what is due now, then send what is queued."""
        from luoshi.core.jobs import run_queued
        from luoshi.reporting.notify import queue_notice, sweep
        from luoshi.supervision.reminders import run_reminders

        now = self.as_of or clock.now()
        self.queue, problems = due_reminders(now, self.plans)
        self.results: list[tuple[Planned, object]] = []
        if self.dry_run:
            self.results = [(item, None) for item in self.queue]
            self.queue = []
        while not self.stop.is_set() and self.handle_one():
            pass
        supervision = None
        if not self.dry_run and not self.stop.is_set():
            # supervision items' 催办 ride on the same cron line
            supervision = run_reminders(timezone.localtime(now).date(), post=queue_notice)
        if not self.dry_run:
            sweep()
            if not self.enqueue_only:
                run_queued(("reminders",), stop=self.stop)
            for _item, reminder in self.results:
                if reminder is not None:
                    reminder.refresh_from_db()
        summary = self.summary(now, problems)
        if supervision is not None:
            summary["supervision"] = {"sent": len(supervision.sent), "escalated": len(supervision.escalated)}
        self.output(summary)
        if summary.get("supervision", {}).get("sent") or summary.get("supervision", {}).get("escalated"):
            sup = summary["supervision"]
            if not self.json:
                self.stdout.write(f"督办事项：催办 {sup['sent']} 条，升级督办 {sup['escalated']} 项")
        return summary

    def handle_one(self) -> bool:
        """Record and queue the next due reminder; False when none is left."""
        if not self.queue:
            return False
        item = self.queue.pop(0)
        self.results.append((item, item.queue()))
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
                if reminder.state in (DeliveryState.FAILED, DeliveryState.PARTIAL, DeliveryState.RETRY):
                    failed.append(row)
            reminders.append(row)
        return {
            "as_of": timezone.localtime(now).isoformat(timespec="minutes"),
            "dry_run": self.dry_run,
            "due": len(self.results),
            "sent": dict(sent),
            "failed": len(failed),
            "taken_by_another_run": taken,
            # deliveries waiting for the office to settle them (待核实), all notices
            "in_doubt": 0 if self.dry_run else _in_doubt(),
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
            verb = "登记提醒（已放入任务队列，由 luoshi worker 发送）" if self.enqueue_only else "发送提醒"
            line = f"{moment}：{verb} {total} 条" + (f"（{counts}）" if counts else "")
            if summary["failed"]:
                line += f"，其中 {summary['failed']} 条未能全部送达（失败的渠道将自动重试）"
            if summary["taken_by_another_run"]:
                line += f"；另有 {summary['taken_by_another_run']} 条已由同时运行的 tick 发送"
            self.stdout.write(line)
            for row in failures:
                self.stdout.write(
                    f"  失败：{row['kind_label']}　{row['unit'] or '综合协调组'}：{row['error']}"
                )
        if summary["in_doubt"]:
            self.stdout.write(
                f"另有 {summary['in_doubt']} 条提醒的发送结果待核实（对方可能已收到，不自动重发；"
                "由综合协调组在站内消息页核实后重发或标记已送达）"
            )
        for problem in summary["problems"]:
            self.stderr.write(f"提示：{problem}")
        self.stdout.flush()


def _in_doubt() -> int:
    from luoshi.reporting.models import ReminderDelivery

    return ReminderDelivery.objects.filter(state=DeliveryState.DOUBT).count()


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
