"""luoshi audit verify | luoshi audit export --from D --to D [-o FILE.csv|FILE.xlsx]"""

import csv
import datetime as dt
import io

from django.core.management.base import BaseCommand, CommandError

from luoshi.audit.services import EXPORT_COLUMNS, export_rows, verify_chain
from luoshi.core import sheets


def _day(value: str, name: str) -> dt.date:
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        raise CommandError(f"{name} 应为日期，如 2025-07-01，而不是“{value}”") from None


class Command(BaseCommand):
    help = "审计日志：verify 校验哈希链是否完整；export 导出一段时间的记录（等保要求保留 6 个月）"

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="action", required=True, metavar="verify|export")
        sub.add_parser("verify", help="校验审计日志的哈希链，指出第一条被修改、删除或调换顺序的记录")
        export = sub.add_parser("export", help="导出审计日志（CSV 或 Excel）")
        export.add_argument("--from", dest="start", required=True, help="起始日期，如 2025-01-01")
        export.add_argument("--to", dest="end", required=True, help="截止日期（含当天），如 2025-06-30")
        export.add_argument("-o", "--output", help="输出文件 .csv 或 .xlsx（默认以 CSV 输出到屏幕）")

    def handle(self, *args, action, **options):
        if action == "verify":
            return self.verify()
        return self.export(options["start"], options["end"], options.get("output"))

    def verify(self):
        report = verify_chain()
        if not report.ok:
            raise CommandError(f"审计日志校验未通过：{report.problem}。已校验前 {report.checked} 条记录。")
        self.stdout.write(
            f"审计日志完整：共 {report.checked} 条记录，哈希链首尾相接。末条校验值 {report.last_hash or '（空）'}"
        )

    def export(self, start_text, end_text, output):
        start, end = _day(start_text, "--from"), _day(end_text, "--to")
        if start > end:
            raise CommandError(f"起始日期 {start} 晚于截止日期 {end}")
        if output and not output.lower().endswith((".csv", ".xlsx")):
            raise CommandError(f"输出文件 {output} 应以 .csv 或 .xlsx 结尾")
        rows = list(export_rows(start, end))
        headers = [title for title, _ in EXPORT_COLUMNS]
        try:
            if output and output.lower().endswith(".xlsx"):
                book = sheets.workbook()
                columns = [sheets.Column(title, width) for title, width in EXPORT_COLUMNS]
                sheet = sheets.new_sheet(book, "审计日志", f"审计日志 {start} 至 {end}", columns)
                for row in rows:
                    sheets.append(sheet, row)  # text that looks like a formula stays text
                sheets.finish_sheet(sheet, columns)
                sheets.save(book, output, title=f"审计日志 {start} 至 {end}")
            elif output:
                with open(output, "w", newline="", encoding="utf-8-sig") as handle:
                    writer = csv.writer(handle)
                    writer.writerow(headers)
                    writer.writerows(rows)
            else:
                buffer = io.StringIO()
                writer = csv.writer(buffer)
                writer.writerow(headers)
                writer.writerows(rows)
                self.stdout.write(buffer.getvalue(), ending="")
        except OSError as exc:
            raise CommandError(f"无法写入 {output}：{exc.strerror}") from None
        if output:
            self.stdout.write(f"已导出 {start} 至 {end} 的审计日志 {len(rows)} 条到 {output}")
