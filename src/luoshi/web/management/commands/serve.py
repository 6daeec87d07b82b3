"""luoshi serve: the production WSGI server, static files by WhiteNoise.

On Linux and other Unix systems gunicorn runs ``--workers`` processes (default: one per
core), each with ``--threads`` threads, so every core serves requests; on Windows, where
gunicorn does not run, waitress serves from one process with threads. SIGTERM (or Ctrl+C
once) stops taking new connections and lets the requests in hand finish (up to
``GRACEFUL_SECONDS``) before the workers exit.

Beside the web workers it starts one job runner (``luoshi worker --parent``, a process of
its own, started before gunicorn and before any thread), which makes the documents the
pages queue (bulletins, 旬调度, 季讲评, large plan imports), sends the reminders and runs
the reminder scheduler every minute, so one machine needs nothing more. ``--no-jobs``
leaves the jobs to ``luoshi worker``s run elsewhere; the runner stops with the server
(and on its own if the server is killed outright). A runner that dies while the server
runs (a crash, an out-of-memory kill -9) is started again, after 1 s, then 2 s, 4 s … up
to 60 s while it keeps dying at once (the wait starts again at 1 s once a runner has run
for ``HEALTHY_SECONDS``); each restart is written to the server's stderr in Chinese.
"""

import os
import signal
import subprocess
import sys
import threading
import time

from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError
from django.db import connections

GRACEFUL_SECONDS = 30  # how long requests in hand may take to finish on shutdown
REQUEST_TIMEOUT = 120  # a worker silent this long is restarted (a bulletin or import can take a while)
FIRST_BACKOFF, MAX_BACKOFF = 1.0, 60.0  # seconds before a dead runner is started again
HEALTHY_SECONDS = 60  # a runner that ran this long before dying is started again after FIRST_BACKOFF


def cores() -> int:
    """The cores this process may run on."""
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # not on Linux
        return os.cpu_count() or 1


def gunicorn_available() -> bool:
    if sys.platform == "win32":
        return False
    try:
        import gunicorn  # noqa: F401
    except ImportError:
        return False
    return True


class Command(BaseCommand):
    help = "启动服务（生产级 WSGI 服务器：Linux 上为 gunicorn 多进程，Windows 上为 waitress）"

    def add_arguments(self, parser):
        parser.add_argument(
            "--host", default="127.0.0.1", help="监听地址（默认 127.0.0.1；内网服务用 0.0.0.0）"
        )
        parser.add_argument("--port", type=int, default=8000, help="端口（默认 8000）")
        parser.add_argument(
            "--workers", type=int, default=None, help="工作进程数（默认等于 CPU 核数；Windows 上为 1）"
        )
        parser.add_argument(
            "--threads", type=int, default=None, help="每个进程的线程数（默认 4；Windows 上 8）"
        )
        parser.add_argument(
            "--no-jobs",
            action="store_true",
            help="不在本机启动后台任务进程（通报、调度表、讲评文件的生成，大文件解析，提醒发送），"
            "由其他服务器上的 luoshi worker 执行",
        )
        parser.add_argument(
            "--no-schedule",
            action="store_true",
            help="本机的后台任务进程不登记到期提醒（由 cron 中的 luoshi tick 登记）",
        )

    def handle(
        self,
        *args,
        host="127.0.0.1",
        port=8000,
        workers=None,
        threads=None,
        no_jobs=False,
        no_schedule=False,
        **options,
    ):
        if workers is not None and workers < 1:
            raise CommandError(f"--workers 应为正整数，收到 {workers}")
        if threads is not None and threads < 1:
            raise CommandError(f"--threads 应为正整数，收到 {threads}")
        # collect first: WhiteNoise indexes the static folder when the application loads
        call_command("collectstatic", interactive=False, verbosity=0)
        connections.close_all()  # no connection of this process is handed to the workers
        address = f"http://{host}:{port}/"
        runner = None if no_jobs else Runner(schedule=not no_schedule, log=self.stderr)
        if runner is not None:
            runner.start()
        try:
            self.serve(host, port, workers, threads, address, runner)
        finally:
            if runner is not None:
                runner.stop()

    def serve(self, host, port, workers, threads, address, runner) -> None:
        jobs = "；后台任务进程 1 个" if runner else "；后台任务由 luoshi worker 执行"
        if gunicorn_available():
            workers = workers or cores()
            threads = threads or 4
            self.stdout.write(
                self.style.SUCCESS(
                    f"落实 Luoshi 已启动：{address}  （{workers} 个进程 × {threads} 个线程{jobs}；Ctrl+C 停止）"
                )
            )
            self.stdout.flush()
            _gunicorn(host, port, workers, threads, runner)
            return
        if workers not in (None, 1):
            self.stderr.write(
                f"提示：此系统上没有 gunicorn，以 1 个进程（waitress）运行，忽略 --workers {workers}"
            )
        from waitress import serve

        from luoshi.wsgi import application

        self.stdout.write(self.style.SUCCESS(f"落实 Luoshi 已启动：{address}  （Ctrl+C 停止{jobs}）"))
        if runner is not None:  # no fork here: a thread watches the runner
            threading.Thread(target=runner.watch, name="luoshi-runner", daemon=True).start()
        serve(application, host=host, port=port, threads=threads or 8, ident="luoshi")


def start_runner(*, schedule: bool = True) -> subprocess.Popen:
    """The job runner beside the web workers: ``luoshi worker`` in a process of its own,
    told to end when this one does. Started before gunicorn forks and before any thread."""
    command = [sys.executable, "-m", "luoshi.cli", "worker", "--parent", str(os.getpid())]
    if not schedule:
        command.append("--no-schedule")
    return subprocess.Popen(command, stdin=subprocess.DEVNULL)  # noqa: S603 (our own command)


def stop_runner(runner: subprocess.Popen | None) -> None:
    """SIGTERM: the runner finishes the job in hand (up to ``GRACEFUL_SECONDS``) and exits."""
    if runner is None or runner.poll() is not None:
        return
    runner.send_signal(signal.SIGTERM)
    try:
        runner.wait(timeout=GRACEFUL_SECONDS)
    except subprocess.TimeoutExpired:
        runner.kill()
        runner.wait()


def how_it_ended(code: int) -> str:
    if code < 0:
        try:
            name = signal.Signals(-code).name
        except ValueError:
            name = f"信号 {-code}"
        return f"被 {name} 终止"
    return f"退出码 {code}"


def next_backoff(previous: float, ran: float) -> float:
    """How long to wait before starting again a runner that died after ``ran`` seconds,
    the previous wait being ``previous`` (0 at first): 1 s, doubled while runners keep
    dying at once, at most ``MAX_BACKOFF``; 1 s again after one that ran a while."""
    if not previous or ran >= HEALTHY_SECONDS:
        return FIRST_BACKOFF
    return min(previous * 2, MAX_BACKOFF)


class Runner:
    """The job runner process, started again when it dies while the server runs.

    ``reap`` only notes the exit (gunicorn's master calls it before its own ``waitpid(-1)``
    would take the runner's exit status); ``tick`` writes what happened and starts a new
    runner once its wait is over. Under gunicorn both run in the master's loop (about once
    a second, and at once on SIGCHLD); under waitress ``watch`` runs them in a thread."""

    def __init__(self, *, schedule: bool = True, log=None):
        self.schedule = schedule
        self.log = log or sys.stderr
        self.process: subprocess.Popen | None = None
        self.started_at = 0.0
        self.backoff = 0.0  # the last wait; 0 before any restart
        self.restart_at: float | None = None
        self.ended: tuple[int, int] | None = None  # (pid, exit code) not yet written
        self.restarts = 0
        self.stopping = False
        self.lock = threading.Lock()

    def start(self) -> subprocess.Popen:
        self.process = process = start_runner(schedule=self.schedule)
        self.started_at = time.monotonic()
        self.restart_at = None
        return process

    def reap(self) -> None:
        """Note the runner's exit, if it has ended: no output, no new process."""
        process = self.process
        if self.stopping or process is None or process.poll() is None:
            return
        self.backoff = next_backoff(self.backoff, time.monotonic() - self.started_at)
        self.ended = (process.pid, process.returncode)
        self.process = None
        self.restart_at = time.monotonic() + self.backoff

    def tick(self) -> None:
        """Write an exit noted by ``reap`` and start the runner again once its wait is over."""
        with self.lock:
            self.reap()
            if self.stopping:
                return
            if self.ended is not None:
                pid, code = self.ended
                self.ended = None
                self.say(
                    f"后台任务进程 {pid} 意外退出（{how_it_ended(code)}），{self.backoff:g} 秒后重新启动"
                )
            if self.process is None and self.restart_at is not None and time.monotonic() >= self.restart_at:
                process = self.start()
                self.restarts += 1
                self.say(f"后台任务进程已重新启动（进程 {process.pid}，第 {self.restarts} 次）")

    def say(self, line: str) -> None:
        self.log.write(f"[{time.strftime('%Y-%m-%d %H:%M:%S')}] {line}\n")
        self.log.flush()

    def watch(self) -> None:
        """The watching thread (waitress, where nothing forks): ``tick`` every second."""
        while not self.stopping:
            self.tick()
            time.sleep(1)

    def stop(self) -> None:
        """No more restarts; the runner finishes the job in hand and exits."""
        with self.lock:
            self.stopping = True
            stop_runner(self.process)


def _gunicorn(host: str, port: int, workers: int, threads: int, runner: Runner | None = None) -> None:
    """Run gunicorn in this process as its master, through its documented custom
    application API, with the options ``luoshi serve`` takes and nothing read from the
    command line or a gunicorn.conf.py. The master's loop also watches the job runner."""
    from gunicorn.app.base import BaseApplication
    from gunicorn.arbiter import Arbiter

    class Master(Arbiter):
        def reap_workers(self):
            if runner is not None:
                runner.reap()  # its own exit status, before waitpid(-1) takes it
            super().reap_workers()

        def manage_workers(self):
            super().manage_workers()
            if runner is not None:
                runner.tick()

    class Luoshi(BaseApplication):
        def __init__(self, options: dict):
            self.options = options
            super().__init__()

        def load_config(self):
            for name, value in self.options.items():
                if name in self.cfg.settings:  # control_socket_disable: gunicorn 25 and later
                    self.cfg.set(name, value)

        def load(self):
            from luoshi.wsgi import application

            return application

        def run(self):
            try:
                Master(self).run()
            except RuntimeError as exc:
                sys.stderr.write(f"\nError: {exc}\n")
                sys.stderr.flush()
                sys.exit(1)

    bind = f"[{host}]:{port}" if ":" in host else f"{host}:{port}"
    Luoshi(
        {
            "bind": [bind],
            "workers": workers,
            "worker_class": "gthread",
            "threads": threads,
            "graceful_timeout": GRACEFUL_SECONDS,
            "timeout": REQUEST_TIMEOUT,
            # a browser (or nginx) reuses its connection if it asks again within 5 s
            "keepalive": 5,
            "proc_name": "luoshi",
            "errorlog": "-",
            "loglevel": "warning",
            # behind nginx on the same host: X-Forwarded-Proto from 127.0.0.1 is trusted
            "forwarded_allow_ips": "127.0.0.1,::1",
            # no control socket: one path per user, shared by every server the user runs
            "control_socket_disable": True,
            # the master stops the job runner as it exits
            "on_exit": lambda server: runner.stop() if runner is not None else None,
        }
    ).run()
