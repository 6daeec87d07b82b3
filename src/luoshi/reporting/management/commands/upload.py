"""luoshi upload FILE.xlsx [--draft] [--json]"""

from json import dumps
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from luoshi.accounts.permissions import SYSTEM
from luoshi.core import limits
from luoshi.reporting.excel import ROLE_SHORT, UploadError, import_workbook
from luoshi.reporting.services import ReportingError


class Command(BaseCommand):
    help = "上传填好的填报模板：逐行检查，全部无误才导入（一并提交），有错则列出每处问题、不导入任何数据"

    def add_arguments(self, parser):
        parser.add_argument("file", help="填好的模板 .xlsx（由 luoshi template 或系统页面下载）")
        parser.add_argument("--draft", action="store_true", help="只保存为草稿，不提交")
        parser.add_argument("--json", action="store_true", help="以 JSON 输出结果")

    def handle(self, *args, file, draft=False, json=False, **options):
        path = Path(file)
        try:
            data = limits.read_file(path)
        except limits.LimitError as exc:
            raise CommandError(str(exc)) from None
        except FileNotFoundError:
            raise CommandError(f"找不到文件 {file}") from None
        except OSError as exc:
            raise CommandError(f"无法读取 {file}：{exc.strerror}") from None
        try:
            result = import_workbook(SYSTEM, data, submit=not draft)
        except UploadError as exc:
            if json:
                self.stdout.write(dumps({"ok": False, "errors": exc.as_json()}, ensure_ascii=False, indent=1))
            raise CommandError(str(exc)) from None
        except ReportingError as exc:
            raise CommandError(str(exc)) from None
        if json:
            self.stdout.write(dumps(result.as_json(), ensure_ascii=False, indent=1))
            return
        self.stdout.write(result.summary())
        for row in result.rows:
            progress = "" if row.progress is None else f"，完成进度 {row.progress.normalize():f}%"
            values = f"，指标 {row.values} 个" if row.values else ""
            state = "已提交" if result.submitted else "已存草稿"
            self.stdout.write(
                f"  第 {row.row} 行 {row.sid} {row.title}（{ROLE_SHORT.get(row.role, row.role)}）：{state}{progress}{values}"
            )
