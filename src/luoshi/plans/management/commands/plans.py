"""luoshi plans: imported plans and their versions."""

from django.core.management.base import BaseCommand

from luoshi.plans.models import Plan


class Command(BaseCommand):
    help = "列出已导入的方案及其版本"

    def handle(self, *args, **options):
        plans = Plan.objects.order_by("series", "version")
        if not plans:
            self.stdout.write("还没有导入任何方案。")
            return
        for plan in plans:
            tasks = plan.tasks.count()
            self.stdout.write(
                f"{plan.pk:>4}  第{plan.version}版  {plan.year}  {plan.doc_number or '—'}  {plan.title}  任务 {tasks} 项"
            )
