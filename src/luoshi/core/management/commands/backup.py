"""``luoshi backup PATH``: the whole database into one file (SQLite: the online backup
API, a consistent copy while the server runs; PostgreSQL: pg_dump, custom format)."""

from django.core.management.base import BaseCommand, CommandError

from luoshi.core.backup import BackupError, backup


class Command(BaseCommand):
    help = "把数据库完整备份到一个文件（SQLite 在线备份；PostgreSQL 用 pg_dump 自定义格式）"

    def add_arguments(self, parser):
        parser.add_argument("path", help="备份文件的路径")
        parser.add_argument("--yes", action="store_true", help="文件已存在时覆盖它")

    def handle(self, *args, **options):
        try:
            said = backup(options["path"], overwrite=options["yes"])
        except BackupError as exc:
            raise CommandError(str(exc)) from None
        self.stdout.write(said)
