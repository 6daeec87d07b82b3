"""luoshi reset-password USER [--password-stdin] (also ``luoshi changepassword USER``)"""

import getpass
import sys

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError

from luoshi.accounts.permissions import SYSTEM
from luoshi.accounts.services import PasswordError, reset_password


class Command(BaseCommand):
    help = "重置用户密码（按密码规则）；该用户下次登录须先改为自己的密码"

    def add_arguments(self, parser):
        parser.add_argument("username", metavar="USER", help="用户名")
        parser.add_argument(
            "--password-stdin", action="store_true", help="从标准输入读取新密码（一行，供脚本使用）"
        )

    def handle(self, *args, username, password_stdin, **options):
        user = get_user_model().objects.filter(username=username).first()
        if user is None:
            raise CommandError(f"没有用户 {username}（用户名须与登录时一致）")
        if password_stdin:
            password = sys.stdin.readline().rstrip("\r\n")
        else:
            password = getpass.getpass(f"{username} 的新密码：")
            if getpass.getpass("再输入一次：") != password:
                raise CommandError("两次输入的密码不一致，未修改")
        try:
            asked = reset_password(SYSTEM, user, password)
        except PasswordError as exc:
            raise CommandError(f"新密码不合要求：{exc}。未修改") from None
        then = "；该用户下次登录须先修改密码" if asked else "（该账号没有角色，不要求登录后修改）"
        self.stdout.write(self.style.SUCCESS(f"已重置 {username} 的密码{then}。"))
