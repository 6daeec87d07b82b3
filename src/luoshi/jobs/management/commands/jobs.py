"""luoshi jobs prune: delete the done and failed background jobs older than the days they
are kept (``LUOSHI_JOB_KEEP_DAYS``, 30 by default) with their files. Every ``luoshi
worker`` (and the runner ``luoshi serve`` starts) does the same once a day. The rows
django-tasks keeps in its queue table for the jobs that finished as long ago go too."""

import json

from django.core.management.base import BaseCommand, CommandError

from luoshi.accounts.permissions import SYSTEM


def size_text(count: int) -> str:
    """Bytes as a person reads them: 512 字节, 12.3 KB, 4.5 MB."""
    if count < 1024:
        return f"{count} 字节"
    value = count / 1024
    for unit in ("KB", "MB"):
        if value < 1024:
            return f"{value:.1f} {unit}"
        value /= 1024
    return f"{value:.1f} GB"


class Command(BaseCommand):
    help = "后台生成的任务：清理过期的已完成和失败的任务及其文件"

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="subcommand", required=True, metavar="子命令")
        p = sub.add_parser(
            "prune",
            help="删除完成或失败超过保留天数的后台任务及其文件，以及队列中已结束的任务结果（排队中和进行中的不动）",
            description="删除完成或失败超过保留天数的后台任务及其文件，以及队列中已结束的任务结果（排队中和进行中的不动）",
        )
        p.add_argument("--days", type=int, default=None, help="保留天数（默认 LUOSHI_JOB_KEEP_DAYS，即 30）")
        p.add_argument("--dry-run", action="store_true", help="只统计将清理的任务、文件和任务结果，不删除")
        p.add_argument("--json", action="store_true", help="以 JSON 输出")

    def handle(self, *args, subcommand=None, days=None, dry_run=False, json=False, **options):
        from luoshi.jobs.services import JobError, prune_jobs

        if days is not None and days < 1:
            raise CommandError(f"--days 应为正整数，收到 {days}")
        try:
            result = prune_jobs(SYSTEM, days, dry_run=dry_run)
        except JobError as exc:
            raise CommandError(str(exc)) from None
        if json:
            self.stdout.write(_json(result.as_json()))
            return
        verb = "将清理" if dry_run else "已清理"
        line = (
            f"{verb}完成或失败超过 {result.days} 天的后台任务 {result.jobs} 个，"
            f"文件 {result.files} 个，{'可' if dry_run else ''}释放 {size_text(result.bytes)}；"
            f"队列中已结束的任务结果 {result.task_results} 条"
        )
        if dry_run:
            line += "（试运行，未删除）"
        self.stdout.write(line)


def _json(data: dict) -> str:
    return json.dumps(data, ensure_ascii=False)
