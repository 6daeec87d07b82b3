"""luoshi worker: run the background jobs (reminders, bulletins, status rebuilds, large
imports) from the queue in the database, on as many machines as like.

It is django-tasks-db's ``db_worker`` on every queue, plus the reminder scheduler
(``luoshi tick --enqueue-only``) every ``--schedule-interval`` seconds in a thread, so a
deployment with workers needs no cron line (several workers scheduling at once record each
reminder once), and once a day ``luoshi jobs prune`` (the done and failed jobs older than
``LUOSHI_JOB_KEEP_DAYS`` and their files, and the queue's result rows of the jobs that
finished as long ago; with ``--no-schedule`` too). SIGTERM or
Ctrl+C finishes the job in hand and exits; a worker killed outright (kill -9, a power cut)
loses nothing: what it had claimed is taken up again by another worker once the claim is
stale (``LUOSHI_DELIVERY_CLAIM_SECONDS``; a document job
shows 超时 after ``LUOSHI_JOB_CLAIM_SECONDS`` and can be queued again from its page).

``luoshi serve`` starts one as its job runner with ``--parent`` (its own process id): the
worker then ends when that process is gone, even if it was killed outright. A worker that
loses the database (a restart of PostgreSQL) waits and starts again instead of exiting.
"""

import io
import json
import os
import random
import signal
import threading
import time

from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError
from django.db import DatabaseError, InterfaceError, close_old_connections, connections

from luoshi.core.jobs import worker_id

PRUNE_EVERY = 24 * 3600  # old jobs and their files are pruned once a day (luoshi jobs prune)


class Command(BaseCommand):
    help = "运行后台任务（通报、调度表和讲评文件的生成，大文件解析，提醒发送，状态重建）；可在多台服务器上同时运行"

    def add_arguments(self, parser):
        parser.add_argument(
            "--queue", default="*", help="只处理这些队列（逗号分隔：default、reminders；默认全部）"
        )
        parser.add_argument(
            "--interval", type=float, default=1, help="队列为空时再次检查的间隔秒数（默认 1）"
        )
        parser.add_argument(
            "--schedule-interval",
            type=float,
            default=60,
            help="每隔多少秒登记一次到期提醒（同 luoshi tick --enqueue-only；默认 60）",
        )
        parser.add_argument("--no-schedule", action="store_true", help="不登记到期提醒，只执行队列中的任务")
        parser.add_argument("--batch", action="store_true", help="执行完队列中已到时的任务后退出")
        parser.add_argument(
            "--parent", type=int, default=None, help="该进程结束时随之退出（luoshi serve 启动的后台任务进程）"
        )

    def handle(
        self,
        *args,
        queue="*",
        interval=1.0,
        schedule_interval=60.0,
        no_schedule=False,
        batch=False,
        parent=None,
        verbosity=1,
        **options,
    ):
        if interval < 0:
            raise CommandError(f"--interval 应为不小于 0 的秒数，收到 {interval:g}")
        if schedule_interval <= 0:
            raise CommandError(f"--schedule-interval 应为正数（秒），收到 {schedule_interval:g}")
        queues = [name.strip() for name in queue.split(",") if name.strip()]
        from django.conf import settings

        known = set(settings.TASKS["default"].get("QUEUES") or [])
        unknown = [name for name in queues if name != "*" and known and name not in known]
        if unknown or not queues:
            raise CommandError(
                f"--queue 中的队列 {'、'.join(unknown) or '（空）'} 不存在（可用：{'、'.join(sorted(known))}）"
            )
        name = worker_id()
        stop = threading.Event()
        if not batch:
            threading.Thread(
                target=self.schedule,
                args=(stop, schedule_interval),
                kwargs={"tick": not no_schedule},
                name="luoshi-scheduler",
                daemon=True,
            ).start()
        if parent:
            threading.Thread(
                target=watch_parent, args=(parent, stop), name="luoshi-parent", daemon=True
            ).start()
        if verbosity:
            self.stdout.write(f"后台任务进程 {name} 已启动（队列：{'、'.join(queues)}）")
            self.stdout.flush()
        try:
            while True:
                try:
                    call_command(
                        "db_worker",
                        queue_name=",".join(queues),
                        interval=interval,
                        batch=batch,
                        reload=False,
                        startup_delay=not batch,
                        worker_id=name,
                        verbosity=max(verbosity - 1, 0),
                    )
                    return
                except (DatabaseError, InterfaceError) as exc:
                    if batch:
                        raise
                    first = str(exc).strip().splitlines()[0] if str(exc).strip() else exc.__class__.__name__
                    self.stderr.write(f"后台任务进程与数据库的连接中断，5 秒后重试：{first}")
                    close_old_connections()
                    connections.close_all()
                    time.sleep(5)
        finally:
            stop.set()

    def schedule(self, stop: threading.Event, every: float, *, tick: bool = True) -> None:
        """The scheduler thread: a tick pass now (unless ``--no-schedule``) and then every
        ``every`` seconds (with a little jitter, so workers started together do not all plan
        at the same instant); and the prune of old jobs now and once a day."""
        next_prune = 0.0
        while not stop.is_set():
            if tick:
                self.housekeep(
                    "登记到期提醒",
                    lambda: call_command(
                        "tick", "--enqueue-only", "--json", stdout=io.StringIO(), stderr=io.StringIO()
                    ),
                )
            if time.monotonic() >= next_prune:
                next_prune = time.monotonic() + PRUNE_EVERY
                self.housekeep("清理过期的后台任务", self.prune)
            if stop.wait(every * random.uniform(0.9, 1.1)):  # noqa: S311 (jitter, not a secret)
                break

    def housekeep(self, what: str, work) -> None:
        """One pass of ``work``; an error is written and the next pass tries again."""
        try:
            work()
        except (DatabaseError, InterfaceError) as exc:
            first = str(exc).strip().splitlines()[0] if str(exc).strip() else exc.__class__.__name__
            self.stderr.write(f"{what}未完成，稍后重试：{first}")
        except Exception as exc:  # the worker goes on; the next pass tries again
            self.stderr.write(f"{what}出错，稍后重试：{exc.__class__.__name__}: {exc}")
        finally:
            close_old_connections()
            connections.close_all()

    def prune(self) -> None:
        """``luoshi jobs prune`` (by name: core imports no app); a line when it removed any."""
        out = io.StringIO()
        call_command("jobs", "prune", "--json", stdout=out)
        result = json.loads(out.getvalue().strip().splitlines()[-1])
        if result["jobs"] or result["task_results"]:
            self.stdout.write(
                f"已清理完成或失败超过 {result['days']} 天的后台任务 {result['jobs']} 个，"
                f"文件 {result['files']} 个（{result['bytes']} 字节），"
                f"队列中已结束的任务结果 {result['task_results']} 条"
            )
            self.stdout.flush()


def watch_parent(parent: int, stop: threading.Event) -> None:
    """End this worker as SIGTERM would (the job in hand finishes) once ``parent`` is gone:
    this process was handed to another parent, or that process id no longer exists."""
    while not stop.wait(2):
        if os.getppid() != parent:
            os.kill(os.getpid(), signal.SIGTERM)
            return
