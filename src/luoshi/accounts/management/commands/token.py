"""luoshi token create USER --scope read|write --days N [--name 名称] | list USER | revoke ID"""

import json

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from luoshi.accounts.models import ApiToken
from luoshi.accounts.permissions import SYSTEM
from luoshi.accounts.services import TokenError, create_token, revoke_token, tokens_of
from luoshi.core import clock


def _user(username: str):
    user = get_user_model().objects.filter(username=username).first()
    if user is None:
        raise CommandError(f"没有用户名为“{username}”的用户")
    return user


def _when(moment) -> str:
    return timezone.localtime(moment).strftime("%Y-%m-%d %H:%M") if moment else ""


class Command(BaseCommand):
    help = "个人接口令牌：create 创建（令牌只显示这一次）；list 列出某用户的令牌；revoke 吊销"

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="action", required=True, metavar="create|list|revoke")
        create = sub.add_parser("create", help="为用户创建接口令牌")
        create.add_argument("username", metavar="USER", help="用户名")
        create.add_argument("--scope", required=True, help="read（只读）或 write（读写）")
        create.add_argument("--days", required=True, help="有效天数（1–365）")
        create.add_argument("--name", default="命令行创建", help="令牌名称（用途）")
        create.add_argument("--json", action="store_true", help="以 JSON 输出")
        listing = sub.add_parser("list", help="列出用户的接口令牌")
        listing.add_argument("username", metavar="USER", help="用户名")
        listing.add_argument("--json", action="store_true", help="以 JSON 输出")
        revoke = sub.add_parser("revoke", help="吊销接口令牌")
        revoke.add_argument("token_id", metavar="ID", help="令牌编号（luoshi token list 的第一列）")

    def handle(self, *args, action, **options):
        if action == "create":
            return self.create(options)
        if action == "list":
            return self.list(options["username"], options["json"])
        return self.revoke(options["token_id"])

    def create(self, options):
        user = _user(options["username"])
        try:
            days = int(options["days"])
        except ValueError:
            raise CommandError(f"--days 应为 1 到 365 之间的整数，而不是“{options['days']}”") from None
        try:
            token, secret = create_token(
                SYSTEM, user, name=options["name"], scope=options["scope"], days=days
            )
        except TokenError as exc:
            raise CommandError(str(exc)) from None
        if options["json"]:
            data = {"id": token.pk, "token": secret, "scope": token.scope, "expires_at": token.expires_at}
            self.stdout.write(json.dumps(data, default=str, ensure_ascii=False))
            return
        self.stdout.write(
            f"已为 {user.get_username()} 创建接口令牌 {token.pk}（{token.get_scope_display()}，"
            f"{_when(token.expires_at)} 到期）。令牌只显示这一次，请妥善保存：\n{secret}"
        )

    def list(self, username: str, as_json: bool):
        user = _user(username)
        now = clock.now()
        rows = [
            {
                "id": t.pk,
                "name": t.name,
                "scope": t.scope,
                "state": t.state(now),
                "created_at": _when(t.created_at),
                "expires_at": _when(t.expires_at),
                "last_used_at": _when(t.last_used_at),
            }
            for t in tokens_of(SYSTEM, user)
        ]
        if as_json:
            self.stdout.write(json.dumps(rows, ensure_ascii=False))
            return
        if not rows:
            self.stdout.write(f"{user.get_username()} 没有接口令牌")
            return
        self.stdout.write("编号\t名称\t权限\t状态\t创建时间\t到期时间\t最近使用")
        labels = dict(ApiToken._meta.get_field("scope").choices)
        for r in rows:
            self.stdout.write(
                f"{r['id']}\t{r['name']}\t{labels[r['scope']]}\t{r['state']}\t{r['created_at']}\t"
                f"{r['expires_at']}\t{r['last_used_at'] or '从未使用'}"
            )

    def revoke(self, token_id: str):
        token = (
            ApiToken.objects.select_related("user").filter(pk=int(token_id)).first()
            if token_id.isdigit()
            else None
        )
        if token is None:
            raise CommandError(f"没有编号为“{token_id}”的接口令牌")
        already = token.revoked_at is not None
        revoke_token(SYSTEM, token)
        if already:
            self.stdout.write(f"接口令牌 {token.pk}（{token.user.get_username()}）早已吊销")
        else:
            self.stdout.write(f"已吊销接口令牌 {token.pk}（{token.user.get_username()} · {token.name}）")
