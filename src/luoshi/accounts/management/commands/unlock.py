"""luoshi unlock USER [--address IP] | --address IP | --list [--json]"""

import json

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from luoshi.accounts.lockout import current_locks
from luoshi.accounts.permissions import SYSTEM
from luoshi.accounts.services import UnlockError, unlock


class Command(BaseCommand):
    help = "解除登录锁定：账号（可限定地址）或整个地址；--list 列出当前的锁定"

    def add_arguments(self, parser):
        parser.add_argument("username", nargs="?", default="", metavar="USER", help="被锁定的用户名")
        parser.add_argument("--address", default="", metavar="IP", help="只解除该地址的锁定，或解除整个地址")
        parser.add_argument("--list", action="store_true", help="列出当前的锁定")
        parser.add_argument("--json", action="store_true", help="以 JSON 输出（与 --list 同用）")

    def handle(self, *args, username, address, list, json: bool, **options):
        if list:
            self.show(as_json=json)
            return
        try:
            cleared = unlock(SYSTEM, username=username, address=address)
        except UnlockError as exc:
            raise CommandError(
                f"{exc}：luoshi unlock 用户名 [--address 地址]，或 luoshi unlock --address 地址"
            ) from None
        what = "、".join(
            x for x in (f"账号 {username}" if username else "", f"地址 {address}" if address else "") if x
        )
        if not cleared:
            self.stdout.write(f"{what} 当前没有登录失败记录，无需解除。")
        else:
            self.stdout.write(f"已解除 {what} 的登录锁定（清除 {cleared} 条失败记录）。")

    def show(self, *, as_json: bool):
        locks = current_locks()
        if as_json:
            rows = [
                {
                    "kind": lock.kind,
                    "username": lock.username,
                    "address": lock.address,
                    "failures": lock.failures,
                    "until": timezone.localtime(lock.until).isoformat(),
                }
                for lock in locks
            ]
            self.stdout.write(json_dumps(rows))
            return
        if not locks:
            self.stdout.write("当前没有被锁定的账号或地址。")
            return
        for lock in locks:
            until = timezone.localtime(lock.until).strftime("%H:%M")
            self.stdout.write(
                f"{lock.kind_label}\t{lock.username or '—'}\t{lock.address}\t失败 {lock.failures} 次\t至 {until}"
            )


def json_dumps(value) -> str:
    return json.dumps(value, ensure_ascii=False, indent=2)
