"""luoshi projects: major projects from the command line — import the ledger, weekly
updates, biweekly reconciliation, the 四比四提高 rates and the ledger export."""

import datetime as dt
import json
from pathlib import Path

from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied
from django.core.management.base import BaseCommand, CommandError
from django.db.models import Q

from luoshi.accounts.permissions import SYSTEM, actor_for
from luoshi.core import clock, limits
from luoshi.core.sheets import SheetError, parse_date, parse_decimal
from luoshi.plans.management.orgs import add_org_option, org_option

from ...figures import project_ledger, project_rates
from ...permissions import visible_projects
from ...rates import RATE_LABELS
from ...services import (
    ProjectError,
    import_projects,
    import_reconciliation,
    import_updates,
    org_for,
    submit_update,
)
from ...validation import LABELS

FIGURE_OPTIONS = {
    "completed": ("annual_completed_investment", "年度完成投资（万元）"),
    "applied": ("funds_applied", "申报资金（万元）"),
    "won": ("funds_won", "争取资金（万元）"),
    "allocated": ("funds_allocated", "到位资金（万元）"),
    "paid": ("funds_paid", "支付资金（万元）"),
    "started": ("actual_start", "实际开工日期"),
    "completed-on": ("actual_completion", "实际竣工日期"),
    "progress": ("physical_progress", "形象进度（%）"),
}


def _date(text, name):
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        raise CommandError(f"{name} 应为日期，如 2025-06-30，而不是 {text!r}") from None


def _rate(value) -> str:
    return "—" if value is None else f"{value}%"


def _org_id(ref: str | None) -> int | None:
    organisation = org_option(ref)
    return organisation.pk if organisation else None


class Command(BaseCommand):
    help = "重大项目：导入项目台账、每周调度、双周对账、四比四提高、导出台账"

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="subcommand", required=True, metavar="子命令")

        def add(name, text):
            command = sub.add_parser(name, help=text, description=text)
            command.add_argument("--as", dest="username", help="以此用户的身份操作（默认系统）")
            return command

        org_help = "项目所属的组织：项目编号在组织内唯一（编号或名称；默认为本级）"
        p = add("import", "导入项目台账（xlsx）：按项目编号新增或更新")
        p.add_argument("file", help="项目台账 .xlsx")
        add_org_option(p, org_help)
        p.add_argument("--json", action="store_true", help="以 JSON 输出")

        p = add("update", "每周调度：报送一个项目本周数据（命令行参数），或用 --file 报送多个项目")
        p.add_argument("code", nargs="?", help="项目编号（用 --file 时不填）")
        p.add_argument("--week", required=True, help="调度周，如 2025-W19")
        p.add_argument("--file", help="每周调度表 .xlsx（项目编号 + 各项数据）")
        add_org_option(p, org_help)
        for option, (_field, label) in FIGURE_OPTIONS.items():
            p.add_argument(f"--{option}", help=label)
        p.add_argument("--text", default="", help="本周进展")
        p.add_argument("--problems", default="", help="存在问题")
        p.add_argument("--json", action="store_true", help="以 JSON 输出")

        p = add("reconcile", "双周对账：财政确认数与报送数比对，标出每一处差异")
        p.add_argument("file", help="财政确认数表 .xlsx（项目编号 + 争取/到位/支付资金、年度完成投资）")
        p.add_argument("--period", required=True, help="对账双周，如 2025-F10")
        add_org_option(p, org_help)
        p.add_argument("--json", action="store_true", help="以 JSON 输出")

        p = add("rates", "四比四提高：争资占比率、项目开工率、资金支付率、实物完成率")
        p.add_argument("--as-of", help="统计日（默认今天）")
        p.add_argument("--by", choices=["unit", "campaign"], help="按责任单位或攻坚分组")
        p.add_argument("--json", action="store_true", help="以 JSON 输出")

        p = add("ledger", "导出项目台账（含四比四提高与对账差异）")
        p.add_argument("-o", "--output", required=True, help="输出文件 .xlsx")
        p.add_argument("--as-of", help="统计日（默认今天）")

        p = add("list", "列出项目")
        p.add_argument("--json", action="store_true", help="以 JSON 输出")

    def _actor(self, username):
        if not username:
            return SYSTEM
        user = get_user_model().objects.filter(username=username, is_active=True).first()
        if user is None:
            raise CommandError(f"找不到用户 {username!r}")
        return actor_for(user)

    def _read(self, file):
        path = Path(file)
        if not path.is_file():
            raise CommandError(f"找不到文件 {file}")
        try:
            return limits.read_file(path), path.name
        except limits.LimitError as exc:
            raise CommandError(str(exc)) from None

    def _out(self, data, as_json, text):
        self.stdout.write(json.dumps(data, ensure_ascii=False, indent=1, default=str) if as_json else text)

    def handle(self, *args, subcommand, **options):
        try:
            getattr(self, "do_" + subcommand)(self._actor(options.get("username")), **options)
        except (ProjectError, SheetError) as exc:
            raise CommandError(str(exc)) from None
        except PermissionDenied as exc:
            raise CommandError(str(exc) or "无权操作") from None

    def do_import(self, actor, *, file, json=False, org=None, **_):
        result = import_projects(actor, *self._read(file), org_id=_org_id(org))
        data = {"created": len(result.created), "updated": len(result.updated), "unchanged": result.unchanged}
        self._out(
            data,
            json,
            f"项目台账：新增 {data['created']} 个，更新 {data['updated']} 个，未变 {data['unchanged']} 个",
        )

    def do_update(
        self, actor, *, code=None, week, file=None, text="", problems="", json=False, org=None, **options
    ):
        org_id = org_for(actor, _org_id(org))
        if file:
            updates = import_updates(actor, *self._read(file), week, org_id=org_id)
            data = {"week": week, "updated": [u.project.code for u in updates]}
            self._out(data, json, f"{week}每周调度：已报送 {len(updates)} 个项目")
            return
        if not code:
            raise CommandError("请给出项目编号，或用 --file 给出每周调度表")
        project = visible_projects(actor).filter(Q(code=code), organisation_id=org_id).first()
        if project is None:
            raise CommandError(f"项目编号 {code} 不存在或无权查看")
        figures = {}
        for option, (field, label) in FIGURE_OPTIONS.items():
            raw = options.get(option.replace("-", "_"))
            if raw is None:
                continue
            try:
                if field in ("actual_start", "actual_completion"):
                    figures[field] = parse_date(raw)
                else:
                    figures[field] = parse_decimal(raw, percent=field == "physical_progress")
            except ValueError as exc:
                raise CommandError(f"{label}：{exc}") from None
        update = submit_update(actor, project, week, figures, progress_text=text, problems=problems)
        data = {"project": project.code, "week": update.period_key, "state": update.state}
        self._out(data, json, f"项目 {project.code} {week}每周调度已报送")

    def do_reconcile(self, actor, *, file, period, json=False, org=None, **_):
        recons = import_reconciliation(actor, *self._read(file), period, org_id=_org_id(org))
        rows = []
        for recon in recons:
            for line in recon.lines.filter(flagged=True):
                rows.append(
                    {
                        "project": recon.project.code,
                        "field": line.field,
                        "field_label": LABELS[line.field],
                        "reported": str(line.reported),
                        "confirmed": str(line.confirmed),
                        "difference": str(line.difference),
                    }
                )
        text = [f"{period}双周对账：{len(recons)} 个项目，{len(rows)} 处差异"]
        text += [
            f"  {r['project']} {r['field_label']}：报送 {r['reported']}，确认 {r['confirmed']}，差额 {r['difference']}"
            for r in rows
        ]
        self._out({"period": period, "projects": len(recons), "differences": rows}, json, "\n".join(text))

    def do_rates(self, actor, *, as_of=None, by=None, json=False, **_):
        day = _date(as_of, "--as-of") if as_of else clock.today()
        result = project_rates(actor, day, by)
        groups = result if by else {"全部项目": result}
        if json:
            self._out(
                {"as_of": day.isoformat(), "by": by, "groups": {k: v.as_dict() for k, v in groups.items()}},
                True,
                "",
            )
            return
        lines = [f"四比四提高（截至{day}）"]
        for name, r in groups.items():
            rates = "  ".join(f"{label} {_rate(getattr(r, key))}" for key, label in RATE_LABELS.items())
            lines.append(f"{name}（{r.projects}个项目）  {rates}")
        self.stdout.write("\n".join(lines))

    def do_ledger(self, actor, *, output, as_of=None, **_):
        day = _date(as_of, "--as-of") if as_of else clock.today()
        try:
            project_ledger(actor, day, output)
        except OSError as exc:
            raise CommandError(f"无法写入 {output}：{exc.strerror or exc}") from None
        self.stdout.write(f"已导出 {visible_projects(actor).count()} 个项目到 {output}")

    def do_list(self, actor, *, json=False, **_):
        rows = [
            {
                "code": p.code,
                "name": p.name,
                "owner_unit": p.owner_unit.name,
                "funds_allocated": str(p.funds_allocated),
                "funds_paid": str(p.funds_paid),
                "physical_progress": str(p.physical_progress),
            }
            for p in visible_projects(actor).order_by("code")
        ]
        text = "\n".join(
            f"{r['code']}  {r['name']}  {r['owner_unit']}  形象进度{r['physical_progress']}%" for r in rows
        )
        self._out(rows, json, text + f"\n共 {len(rows)} 个项目")
