"""luoshi org: the organisation tree (省 → 市 → 县区 → 乡镇) — add, list, move, and put
a user in an organisation. The command line acts as the system."""

import json

from django.core.management.base import BaseCommand, CommandError

from luoshi.accounts.permissions import SYSTEM
from luoshi.plans.choices import OrgLevel
from luoshi.plans.models import Organisation
from luoshi.plans.organisations import add_organisation, assign_user, find_organisation, move_organisation
from luoshi.plans.validation import PlanError


class Command(BaseCommand):
    help = "组织（省、市、县区、乡镇）：新增、列出、调整上级、设置用户所属组织"

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="action", required=True)
        add = sub.add_parser("add", help="新增组织")
        add.add_argument("name", help="组织名称")
        add.add_argument("--level", required=True, choices=OrgLevel.values, help="层级")
        add.add_argument("--parent", help="上级组织（编号或名称；不填为顶级）")
        add.add_argument("--code", default="", help="行政区划代码")
        listing = sub.add_parser("list", help="列出组织树")
        listing.add_argument("--json", action="store_true", dest="as_json")
        move = sub.add_parser("move", help="调整组织的上级（连同其下级）")
        move.add_argument("org", help="组织（编号或名称）")
        move.add_argument("--parent", help="新的上级（编号或名称）")
        move.add_argument("--root", action="store_true", help="改为顶级组织")
        user = sub.add_parser("user", help="设置用户所属组织")
        user.add_argument("username")
        user.add_argument("org", help="组织（编号或名称）")
        grant = user.add_mutually_exclusive_group()
        grant.add_argument("--manages-below", action="store_true", default=None, help="可办理下级组织事项")
        grant.add_argument("--read-only-below", action="store_true", help="对下级组织只能查看")

    def handle(self, *args, action, **options):
        try:
            getattr(self, f"_{action}")(**options)
        except PlanError as exc:
            raise CommandError(f"{exc}。未写入任何内容。") from None

    def _add(self, name, level, parent=None, code="", **_):
        org = add_organisation(
            SYSTEM, name, level=level, parent=find_organisation(parent) if parent else None, code=code
        )
        self.stdout.write(
            self.style.SUCCESS(f"已新增组织：{org.name}（编号 {org.pk}，{org.get_level_display()}）")
        )

    def _list(self, as_json=False, **_):
        orgs = list(Organisation.objects.order_by("path"))
        if as_json:
            rows = [
                {
                    "id": o.pk,
                    "name": o.name,
                    "level": o.level,
                    "parent": o.parent_id,
                    "path": o.path,
                    "units": o.units.count(),
                    "plans": o.plans.count(),
                    "users": o.profiles.count(),
                }
                for o in orgs
            ]
            self.stdout.write(json.dumps(rows, ensure_ascii=False, indent=2))
            return
        if not orgs:
            self.stdout.write("还没有组织。")
            return
        for o in orgs:
            indent = "  " * (o.depth - 1)
            self.stdout.write(
                f"{o.pk:>4}  {indent}{o.name}（{o.get_level_display()}）  "
                f"单位 {o.units.count()} 个  方案 {o.plans.count()} 个  用户 {o.profiles.count()} 人"
            )

    def _move(self, org, parent=None, root=False, **_):
        if bool(parent) == bool(root):
            raise PlanError("请用 --parent 指明新的上级，或用 --root 改为顶级组织（二选一）")
        moved = move_organisation(SYSTEM, find_organisation(org), None if root else find_organisation(parent))
        where = moved.parent.name if moved.parent_id else "顶级"
        self.stdout.write(self.style.SUCCESS(f"已调整：{moved.name} 的上级为 {where}"))

    def _user(self, username, org, manages_below=None, read_only_below=False, **_):
        grant = True if manages_below else (False if read_only_below else None)
        profile = assign_user(SYSTEM, username, find_organisation(org), manages_below=grant)
        below = "可办理下级组织事项" if profile.manages_below else "对下级组织只能查看"
        self.stdout.write(
            self.style.SUCCESS(f"已设置：{username} 属于 {profile.organisation.name}（{below}）")
        )
