"""``luoshi restore PATH --yes``: the database's contents replaced by a backup made by
``luoshi backup`` (of the same kind of database); refused without ``--yes`` when the
database holds data."""

from django.core.management.base import BaseCommand, CommandError

from luoshi.core.backup import BackupError, restore


class Command(BaseCommand):
    help = "用 luoshi backup 生成的备份文件恢复数据库（会覆盖现有数据，须加 --yes 确认）"

    def add_arguments(self, parser):
        parser.add_argument("path", help="备份文件的路径")
        parser.add_argument("--yes", action="store_true", help="确认覆盖当前数据库中的全部数据")

    def handle(self, *args, **options):
        try:
            said = restore(options["path"], overwrite=options["yes"])
        except BackupError as exc:
            raise CommandError(str(exc)) from None
        self.stdout.write(said)
