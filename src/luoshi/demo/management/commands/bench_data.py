"""``luoshi bench-data --orgs 1+14+130 --tasks-per-plan 150 --year 2025``: a province for
the benchmarks (``demo.province``) in an empty database."""

from django.core.management.base import BaseCommand, CommandError

from luoshi.demo.province import PASSWORD, SizeError, build, parse_orgs


class Command(BaseCommand):
    help = "生成基准测试数据：省、市、区县组织树，每个组织一个方案及其单位、用户和全年旬报（空数据库）"

    def add_arguments(self, parser):
        parser.add_argument("--orgs", default="1+14+130", help="各层组织数，如 1+14+130（省+市+区县）")
        parser.add_argument("--tasks-per-plan", type=int, default=150, help="每个方案的任务数")
        parser.add_argument("--year", type=int, default=2025, help="方案年度（生成该年全部旬报）")
        parser.add_argument("--seed", type=int, default=2025, help="随机种子（相同参数生成相同数据）")

    def handle(self, *args, **options):
        try:
            sizes = parse_orgs(options["orgs"])
            if not 2000 <= options["year"] <= 2100:
                raise SizeError(f"--year {options['year']} 不是有效的年度")
            built = build(
                sizes, options["tasks_per_plan"], options["year"], seed=options["seed"], log=self.stdout.write
            )
        except SizeError as exc:
            raise CommandError(str(exc)) from None
        self.stdout.write(
            f"已生成：组织 {built.organisations} 个，方案 {built.plans} 个，任务 {built.tasks} 项，"
            f"旬报 {built.reports} 份，报送现状 {built.kept} 行，用户 {built.users} 个"
            f"（密码 {PASSWORD}），用时 {built.seconds:.0f} 秒"
        )
