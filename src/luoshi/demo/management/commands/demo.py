"""luoshi demo: from nothing to a running server with the seed plan and demo users."""

import datetime as dt

from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError

from luoshi.core import clock
from luoshi.demo import extras, play, seed
from luoshi.plans.validation import PlanError


class Command(BaseCommand):
    help = "建立演示环境：建库、导入示例方案、创建各角色演示用户，然后启动服务"

    def add_arguments(self, parser):
        parser.add_argument("--no-serve", action="store_true", help="只准备数据，不启动服务")
        parser.add_argument("--port", type=int, default=8000, help="服务端口（默认 8000）")
        parser.add_argument(
            "--no-jobs",
            action="store_true",
            help="不随服务启动后台任务进程（由另行运行的 luoshi worker 执行）",
        )
        parser.add_argument(
            "--today",
            default=play.DEMO_TODAY.isoformat(),
            help=f"演示环境的“今天”：往期报告生成到此日（默认 {play.DEMO_TODAY.isoformat()}，须在 2025 年 5 月 15 日至年底之间）",
        )

    def handle(self, *args, no_serve=False, port=8000, today=None, no_jobs=False, **options):
        try:
            day = dt.date.fromisoformat(today or play.DEMO_TODAY.isoformat())
        except ValueError:
            raise CommandError(f"--today 的日期 {today!r} 无效，应为 YYYY-MM-DD") from None
        if not dt.date(2025, 5, 15) <= day <= dt.date(2025, 12, 31):
            raise CommandError(
                "--today 须在 2025-05-15 至 2025-12-31 之间（示例方案 2025 年 4 月 27 日印发）"
            )
        self.stdout.write("1/4 建立或升级数据库……")
        call_command("migrate", interactive=False, verbosity=0)
        self.stdout.write("2/4 导入示例方案……")
        try:
            result = seed.load_demo_plan()
        except PlanError as exc:
            raise CommandError(f"示例方案导入失败：{exc}") from None
        plan = result.plan
        state = "已导入" if result.created else "已存在，未重复导入"
        self.stdout.write(
            f"    {plan.title}：{state}（{plan.tasks.count()} 项任务，{plan.targets.count()} 个指标）"
        )
        self.stdout.write(f"    来源：{seed.DEMO_SOURCE}")
        self.stdout.write("3/4 创建演示用户……")
        users = seed.create_demo_users(plan)
        self.stdout.write(f"    演示用户 {len(users)} 个，密码均为 {seed.DEMO_PASSWORD}：")
        for user in users:
            self.stdout.write(f"    {user.username:<10} {user.role:<10} {user.unit}")
        self.stdout.write(f"4/4 生成截至 {day:%Y年%m月%d日} 的往期报告……")
        played = play.play_year(plan, until=day)
        if played.skipped:
            self.stdout.write("    往期报告已存在，未重复生成（要换一个日期，请用新的 LUOSHI_DATA_DIR）")
        else:
            clock.store_fixed_today(day)  # this process and every later one play the year as of it
            self.stdout.write(
                f"    报告 {played.reports} 份（逾期 {played.late} 份），未报 {played.missing} 份，"
                f"退回 {played.returned} 次，待审 {played.in_review} 份"
            )
        accounts = {
            u.username: u for u in get_user_model().objects.filter(username__in=[d.username for d in users])
        }
        if day >= play.DEMO_TODAY:
            made = extras.create_extras(plan, accounts)
        else:
            made = extras.ExtrasResult()
            self.stdout.write(
                f"    督办事项、重大项目和通报示例需“今天”不早于 {play.DEMO_TODAY.isoformat()}，已略过"
            )
        if made.items or made.projects or made.bulletins or made.milestones:
            self.stdout.write(
                f"    督办事项 {made.items} 项，重大项目 {made.projects} 个，任务节点 {made.milestones} 个，"
                f"已印发通报 {made.bulletins} 期"
            )
        fixed = clock.fixed_today(reread=True)
        self.stdout.write(
            f"    演示环境的“今天”是 {fixed.isoformat() if fixed else day.isoformat()}（页面和命令均按此日期统计）"
        )
        if no_serve:
            self.stdout.write(self.style.SUCCESS("演示数据已就绪。运行 luoshi serve 启动服务。"))
            return
        # the job runner makes the files the pages queue; the demo's reminders stay with
        # `luoshi tick`, as they were, so nothing is sent behind the visitor's back
        call_command("serve", port=port, no_jobs=no_jobs, no_schedule=True)
