"""luoshi supervise: supervision items from the command line — list, create, take a step,
write a 批示, import and export rectification ledgers, send 催办 reminders."""

import datetime as dt
import json
from pathlib import Path

from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied
from django.core.management.base import BaseCommand, CommandError
from django.http import Http404

from luoshi.accounts.permissions import SYSTEM, actor_for
from luoshi.core import clock, limits
from luoshi.core.sheets import SheetError, split_names
from luoshi.plans.lookups import find_unit, get_plan
from luoshi.plans.management.orgs import add_org_option, org_option
from luoshi.plans.models import Part, Task
from luoshi.plans.validation import PlanError
from luoshi.reporting.models import Report
from luoshi.reporting.workdays import CalendarYearUnknown

from ...choices import TRANSITIONS, Level, Source
from ...ledger import import_ledger, write_ledger
from ...models import Ledger
from ...permissions import get_item_for, visible_items
from ...reminders import run_reminders
from ...services import EvidenceFile, SupervisionError, create_item, instruct, take_step
from ...status import deadline_status

SOURCES = {**{label: value for value, label in Source.choices}, **{v: v for v in Source.values}}
LEVELS = {**{label: value for value, label in Level.choices}, **{v: v for v in Level.values}}


def _date(text: str, name: str) -> dt.date:
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        raise CommandError(f"{name} 应为日期，如 2025-06-30，而不是 {text!r}") from None


class Command(BaseCommand):
    help = "督查督办：列出、交办、流转、批示督办事项，导入导出整改台账，发送催办提醒"

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="subcommand", required=True, metavar="子命令")

        def add(name, help_text):
            command = sub.add_parser(name, help=help_text, description=help_text)
            command.add_argument("--as", dest="username", help="以此用户的身份操作（默认系统）")
            return command

        p = add("list", "列出督办事项")
        p.add_argument("--state", help="只列此状态（assigned/in_progress/fed_back/verifying/closed）")
        p.add_argument("--unit", help="只列此牵头单位的事项")
        p.add_argument("--ledger", type=int, help="只列此台账的事项")
        p.add_argument("--overdue", action="store_true", help="只列已逾期未办结的事项")
        p.add_argument("--json", action="store_true", help="以 JSON 输出")

        p = add("create", "交办一个督办事项")
        p.add_argument("--content", required=True, help="督办内容")
        p.add_argument("--lead", required=True, help="牵头单位")
        p.add_argument("--deadline", required=True, help="办理时限，如 2025-06-30")
        p.add_argument("--source", default="专项督查", help="来源：" + "、".join(Source.labels))
        p.add_argument("--level", default="一般", help="督办级别：" + "、".join(Level.labels))
        p.add_argument("--cooperating", default="", help="配合单位，用顿号分隔")
        p.add_argument("--title", default="", help="事项标题（默认取内容首句）")
        p.add_argument("--task", help="关联任务的条目编号，如 附件1/一/(二)")
        p.add_argument("--campaign", help="所属攻坚，如 附件1")
        p.add_argument("--plan", help="方案（默认最新导入的方案）")
        p.add_argument("--json", action="store_true", help="以 JSON 输出")

        p = add("transition", "办理一步：accept 签收、feedback 反馈、check 核查、close 销号、return 退回重办")
        p.add_argument("item", type=int, help="督办事项编号")
        p.add_argument("action", choices=[str(a) for a in TRANSITIONS], help="操作")
        p.add_argument("--comment", default="", help="说明（反馈、退回时必填）")
        p.add_argument("--file", action="append", default=[], help="佐证材料文件，可多次给出")
        p.add_argument("--json", action="store_true", help="以 JSON 输出")

        p = add("instruct", "领导批示：在任务、报告或督办事项上批示，生成督办事项")
        target = p.add_mutually_exclusive_group(required=True)
        target.add_argument("--task", help="任务的条目编号，如 附件1/一/(二)")
        target.add_argument("--report", type=int, help="进度报告编号")
        target.add_argument("--item", type=int, help="督办事项编号")
        p.add_argument("--text", required=True, help="批示内容")
        p.add_argument("--lead", help="牵头单位（默认任务牵头单位、报告单位或原事项牵头单位）")
        p.add_argument("--deadline", help="办理时限（默认5个工作日后）")
        p.add_argument("--level", default="一般", help="督办级别")
        p.add_argument("--plan", help="方案（默认最新导入的方案）")
        p.add_argument("--json", action="store_true", help="以 JSON 输出")

        p = add("import-ledger", "导入整改台账（xlsx）：每行一个督办事项；带编号的行更新原事项")
        p.add_argument("file", help="台账文件 .xlsx")
        add_org_option(
            p, "台账所属的组织：在其单位名录中找责任单位，在其方案中找攻坚（编号或名称；默认为本级）"
        )
        p.add_argument("--ledger", type=int, help="导入到已有台账（编号）")
        p.add_argument("--title", default="", help="新台账名称（默认取文件名）")
        p.add_argument("--campaign", help="所属攻坚，如 附件1")
        p.add_argument("--plan", help="方案（默认最新导入的方案）")
        p.add_argument("--json", action="store_true", help="以 JSON 输出")

        p = add("export-ledger", "导出整改台账及各事项当前状态（xlsx）")
        p.add_argument("-o", "--output", required=True, help="输出文件 .xlsx")
        p.add_argument("--ledger", type=int, help="只导出此台账（默认全部督办事项）")

        p = add("remind", "催办：到期提醒、当日催办、逾期告知并升级督办级别（每项只发一次）")
        p.add_argument("--as-of", help="按此日期计算（默认今天）")
        p.add_argument("--json", action="store_true", help="以 JSON 输出")

    # ------------------------------------------------------------ helpers

    def _actor(self, username):
        if not username:
            return SYSTEM
        user = get_user_model().objects.filter(username=username, is_active=True).first()
        if user is None:
            raise CommandError(f"找不到用户 {username!r}")
        return actor_for(user)

    def _unit(self, name, label):
        unit = find_unit(name)
        if unit is None:
            raise CommandError(f"{label}：找不到单位“{name}”（luoshi units 列出全部单位）")
        return unit

    def _plan(self, ref, org_id=None):
        try:
            return get_plan(ref, org_id)
        except PlanError as exc:
            raise CommandError(str(exc)) from None

    def _task(self, sid, plan_ref):
        plan = self._plan(plan_ref)
        task = Task.objects.filter(plan=plan, section__sid=sid).select_related("part", "section").first()
        if task is None:
            raise CommandError(f"任务：方案“{plan.title}”中没有条目 {sid!r} 的任务")
        return task

    def _campaign(self, key, plan_ref, org_id=None):
        plan = self._plan(plan_ref, org_id)
        part = (
            Part.objects.filter(plan=plan, key=key).first()
            or Part.objects.filter(plan=plan, title=key).first()
        )
        if part is None:
            raise CommandError(f"攻坚：方案“{plan.title}”中没有 {key!r}")
        return part

    def _item(self, actor, pk, write=False):
        try:
            return get_item_for(actor, pk, write=write)
        except Http404:
            raise CommandError(f"督办事项 {pk} 不存在或无权查看") from None
        except PermissionDenied as exc:
            raise CommandError(str(exc)) from None

    def _out(self, data, as_json, text):
        if as_json:
            self.stdout.write(json.dumps(data, ensure_ascii=False, indent=1, default=str))
        else:
            self.stdout.write(text)

    @staticmethod
    def _row(item, today):
        return {
            "id": item.pk,
            "title": item.title,
            "source": item.source,
            "level": item.level,
            "level_label": item.get_level_display(),
            "state": item.state,
            "state_label": item.get_state_display(),
            "lead_unit": item.lead_unit.name,
            "deadline": item.deadline.isoformat(),
            "deadline_status": deadline_status(item, today),
            "ledger_id": item.ledger_id,
        }

    # ------------------------------------------------------------ handle

    def handle(self, *args, subcommand, **options):
        handler = getattr(self, "do_" + subcommand.replace("-", "_"))
        try:
            handler(self._actor(options.get("username")), **options)
        except (SupervisionError, SheetError, CalendarYearUnknown) as exc:
            raise CommandError(str(exc)) from None
        except PermissionDenied as exc:
            raise CommandError(str(exc) or "无权操作") from None

    def do_list(self, actor, *, state=None, unit=None, ledger=None, overdue=False, json=False, **_):
        today = clock.today()
        items = visible_items(actor).order_by("deadline", "pk")
        if state:
            items = items.filter(state=state)
        if unit:
            items = items.filter(lead_unit=self._unit(unit, "牵头单位"))
        if ledger:
            items = items.filter(ledger_id=ledger)
        rows = [self._row(item, today) for item in items]
        if overdue:
            rows = [row for row in rows if row["deadline_status"] == "overdue"]
        lines = [
            f"{r['id']:>5}  {r['deadline']}  {r['state_label']:<8} {r['level_label']:<5} {r['lead_unit']}  {r['title']}"
            + ("  【逾期】" if r["deadline_status"] == "overdue" else "")
            for r in rows
        ]
        lines.append(f"共 {len(rows)} 项")
        self._out(rows, json, "\n".join(lines))

    def do_create(self, actor, *, json=False, **o):
        if o["source"] not in SOURCES:
            raise CommandError(f"来源 {o['source']!r} 无效，可选：{'、'.join(Source.labels)}")
        if o["level"] not in LEVELS:
            raise CommandError(f"督办级别 {o['level']!r} 无效，可选：{'、'.join(Level.labels)}")
        task = self._task(o["task"], o.get("plan")) if o.get("task") else None
        part = self._campaign(o["campaign"], o.get("plan")) if o.get("campaign") else None
        item = create_item(
            actor,
            content=o["content"],
            title=o["title"],
            lead_unit=self._unit(o["lead"], "牵头单位"),
            cooperating_units=[self._unit(n, "配合单位") for n in split_names(o["cooperating"])],
            deadline=_date(o["deadline"], "办理时限"),
            source=SOURCES[o["source"]],
            level=LEVELS[o["level"]],
            task=task,
            part=part,
        )
        self._out(self._row(item, clock.today()), json, f"已交办：督办事项 {item.pk} {item.title}")

    def do_transition(self, actor, *, item, action, comment="", file=(), json=False, **_):
        files = []
        for name in file:
            path = Path(name)
            if not path.is_file():
                raise CommandError(f"找不到佐证材料文件 {name}")
            files.append(EvidenceFile(path.name, path.read_bytes()))
        obj = self._item(actor, item)  # the service says precisely why a step is refused
        obj = take_step(actor, obj, action, comment, files)
        self._out(
            self._row(obj, clock.today()),
            json,
            f"督办事项 {obj.pk}：现为“{obj.get_state_display()}”",
        )

    def do_instruct(self, actor, *, text, json=False, **o):
        if o.get("task"):
            target = self._task(o["task"], o.get("plan"))
        elif o.get("report"):
            target = Report.objects.filter(pk=o["report"]).first()
            if target is None:
                raise CommandError(f"进度报告 {o['report']} 不存在")
        else:
            target = self._item(actor, o["item"])
        if o["level"] not in LEVELS:
            raise CommandError(f"督办级别 {o['level']!r} 无效，可选：{'、'.join(Level.labels)}")
        item = instruct(
            actor,
            target,
            text,
            lead_unit=self._unit(o["lead"], "牵头单位") if o.get("lead") else None,
            deadline=_date(o["deadline"], "办理时限") if o.get("deadline") else None,
            level=LEVELS[o["level"]],
        )
        self._out(
            self._row(item, clock.today()),
            json,
            f"已生成督办事项 {item.pk}：{item.lead_unit.name}，{item.deadline}前办结",
        )

    def do_import_ledger(
        self, actor, *, file, ledger=None, title="", campaign=None, json=False, org=None, **o
    ):
        organisation = org_option(org)
        org_id = organisation.pk if organisation else None
        path = Path(file)
        if not path.is_file():
            raise CommandError(f"找不到文件 {file}")
        target = None
        if ledger:
            target = Ledger.objects.filter(pk=ledger).first()
            if target is None:
                raise CommandError(f"整改台账 {ledger} 不存在")
        part = self._campaign(campaign, o.get("plan"), org_id) if campaign else None
        try:
            data = limits.read_file(path)
        except limits.LimitError as exc:
            raise CommandError(str(exc)) from None
        result = import_ledger(actor, data, path.name, ledger=target, title=title, part=part, org_id=org_id)
        data = {
            "ledger_id": result.ledger.pk,
            "ledger": result.ledger.title,
            "created": len(result.created),
            "updated": len(result.updated),
            "unchanged": result.unchanged,
        }
        self._out(
            data,
            json,
            f"整改台账 {result.ledger.pk}“{result.ledger.title}”：新增 {data['created']} 项，"
            f"更新 {data['updated']} 项，未变 {data['unchanged']} 项",
        )

    def do_export_ledger(self, actor, *, output, ledger=None, **_):
        items = visible_items(actor).order_by("ledger_id", "pk")
        title = "督办事项台账"
        if ledger:
            found = Ledger.objects.filter(pk=ledger).first()
            if found is None:
                raise CommandError(f"整改台账 {ledger} 不存在")
            items, title = items.filter(ledger=found), found.title
        count = items.count()
        try:
            write_ledger(items, f"{title}（截至{clock.today():%Y年%m月%d日}）", output)
        except OSError as exc:
            raise CommandError(f"无法写入 {output}：{exc.strerror or exc}") from None
        self.stdout.write(f"已导出 {count} 项到 {output}")

    def do_remind(self, actor, *, as_of=None, json=False, **_):
        today = _date(as_of, "--as-of") if as_of else clock.today()
        result = run_reminders(today)
        data = {
            "as_of": today.isoformat(),
            "sent": result.sent,
            "skipped": result.skipped,
            "escalated": result.escalated,
        }
        self._out(
            data,
            json,
            f"{today}：发送提醒 {len(result.sent)} 条，已发过 {len(result.skipped)} 条，升级督办 {len(result.escalated)} 项",
        )
