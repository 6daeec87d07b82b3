"""Deliver one notice once, on every channel: in-app messages, one email, group robots.

``send_notice`` is the one way Luoshi tells people something outside the page they are
on: reporting reminders (``luoshi tick``) and supervision 催办 alike call it. A notice
has a ``key``; the first caller inserts a ``Reminder`` row with that key and commits it
before delivering anything, so a second caller (another ``luoshi tick`` on another
machine, a double click) finds the key taken and sends nothing. Delivery is
at most once: a process killed between claim and delivery leaves the notice ``claimed``
and it is not sent again.

Channels, each recorded as a ``ReminderDelivery`` row (sent, or failed with the error):

* in-app: one ``Message`` per active user;
* email: one message (text and HTML, from the ``reporting/email/notice*`` templates)
  to every address, the users' own and the extra ones (a unit's mailbox), through
  Django's mail settings (``LUOSHI_EMAIL_HOST``/``LUOSHI_EMAIL_PORT``);
* webhook: a JSON POST per URL in the text-message format both WeCom (企业微信) and
  DingTalk (钉钉) group robots take: ``{"msgtype": "text", "text": {"content": "…"}}``,
  5 s timeout; a robot's ``errcode`` other than 0 counts as a failure.

A failed channel does not stop the others, and nothing raises: failures are written
down, the caller reads them off the returned reminder.
"""

import http.client
import json
import logging
import smtplib
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Iterable
from dataclasses import dataclass

from django.conf import settings
from django.core.mail import get_connection, send_mail
from django.db import IntegrityError, connections, transaction
from django.db.models import QuerySet
from django.template.loader import render_to_string
from django.utils import timezone

from luoshi.core import clock
from luoshi.plans.models import Unit

from .choices import Channel, DeliveryState
from .models import Message, Period, Reminder, ReminderDelivery

logger = logging.getLogger(__name__)

WEBHOOK_TIMEOUT = 5  # seconds
EMAIL_TIMEOUT = 10  # seconds, unless EMAIL_TIMEOUT is set
WEBHOOK_MAX_BYTES = 2000  # WeCom takes at most 2048 bytes of text
NO_RECIPIENT = "没有接收人：未设置相关用户、联系邮箱或工作群机器人"


@dataclass(frozen=True)
class Recipients:
    """Who a notice goes to, cleaned: active users (unique), addresses (unique, in order),
    webhook URLs (unique)."""

    users: tuple
    emails: tuple[str, ...]
    webhooks: tuple[str, ...]

    @classmethod
    def of(cls, users: Iterable, emails: Iterable[str], webhooks: Iterable[str]) -> "Recipients":
        active, seen = [], set()
        for user in users:
            if user is not None and user.is_active and user.pk not in seen:
                seen.add(user.pk)
                active.append(user)
        return cls(
            tuple(active),
            tuple(_unique([u.email for u in active] + list(emails), fold=True)),
            tuple(_unique(webhooks)),
        )

    def __bool__(self) -> bool:
        return bool(self.users or self.emails or self.webhooks)


def send_notice(
    *,
    key: str,
    kind: str,
    subject: str,
    body: str,
    unit: Unit | None = None,
    period: Period | None = None,
    users: Iterable = (),
    emails: Iterable[str] = (),
    webhooks: Iterable[str] = (),
    url: str = "",
) -> Reminder | None:
    """Send a notice once per ``key``; return its ``Reminder``, or None if the key was
    already claimed (sent earlier, or being sent by a concurrent caller).

    ``key``: unique and stable for "this notice", e.g.
    ``report:overdue:2025-05-1:12:3f2a9c`` or ``supervision:urge:45:2025-06-03``.
    ``kind``: a ``ReminderKind`` value. ``subject``/``body``: plain Chinese text (the body
    may span lines). ``users``: Django users for in-app messages (and their email
    addresses). ``emails``: extra addresses (e.g. ``unit.email``). ``webhooks``: group
    robot URLs (``unit.webhook_url``, the plan's policy webhook). ``url``: a site path
    such as ``/reports/12/`` for the message link (made absolute in email and webhook
    text when ``settings.SITE_URL`` is set). Empty values are ignored; a notice with no
    recipient at all is recorded as failed.

    Call it outside a transaction (from a service, through ``transaction.on_commit``) so
    the claim is committed before anything goes out and a rollback cannot un-send it.
    """
    recipients = Recipients.of(users, emails, webhooks)
    reminder = claim(key=key, kind=kind, subject=subject, body=body, unit=unit, period=period, url=url)
    if reminder is None:
        return None
    deliver(reminder, recipients)
    return reminder


def claim(
    *,
    key: str,
    kind: str,
    subject: str,
    body: str,
    unit: Unit | None = None,
    period: Period | None = None,
    url: str = "",
) -> Reminder | None:
    """Insert the notice's row, committed on its own; None if the key exists already."""
    try:
        with transaction.atomic():
            return Reminder.objects.create(
                key=key[:300],
                kind=kind,
                unit=unit,
                period=period,
                subject=subject[:300],
                body=body,
                url=url[:300],
                state=DeliveryState.CLAIMED,
            )
    except IntegrityError:
        return None


def deliver(reminder: Reminder, recipients: Recipients) -> Reminder:
    """Deliver a claimed reminder on every channel it has recipients for, record each
    outcome and sum them up on the reminder."""
    outcomes: list[ReminderDelivery] = []
    if recipients.users:
        outcomes.append(_attempt(reminder, Channel.INAPP, _names(recipients.users), _inapp, recipients.users))
    if recipients.emails:
        outcomes.append(
            _attempt(reminder, Channel.EMAIL, "、".join(recipients.emails), _email, recipients.emails)
        )
    for url in recipients.webhooks:
        outcomes.append(_attempt(reminder, Channel.WEBHOOK, redact(url), _webhook, url))
    if not outcomes:
        reminder.state, reminder.error = DeliveryState.FAILED, NO_RECIPIENT
    else:
        failed = [d for d in outcomes if d.state == DeliveryState.FAILED]
        if not failed:
            reminder.state = DeliveryState.SENT
        elif len(failed) == len(outcomes):
            reminder.state = DeliveryState.FAILED
        else:
            reminder.state = DeliveryState.PARTIAL
        reminder.error = "；".join(f"{d.get_channel_display()}：{d.error}" for d in failed)
    reminder.sent_at = clock.now()
    reminder.save(update_fields=["state", "error", "sent_at", "updated_at"])
    return reminder


# ---------------------------------------------------------------- channels


def _attempt(reminder: Reminder, channel: str, recipient: str, send, target) -> ReminderDelivery:
    """Run one channel outside any transaction (no database lock is held while a mail
    server or robot answers) and record how it went."""
    delivery = ReminderDelivery(reminder=reminder, channel=channel, recipient=recipient[:1000])
    try:
        send(reminder, target)
        delivery.state, delivery.sent_at = DeliveryState.SENT, clock.now()
    except DeliveryError as exc:
        delivery.state, delivery.error = DeliveryState.FAILED, str(exc)
    except Exception as exc:  # a bug of ours must not stop the other channels
        logger.exception("delivering %s by %s failed", reminder.key, channel)
        delivery.state, delivery.error = DeliveryState.FAILED, f"{exc.__class__.__name__}: {exc}"
    delivery.save()
    return delivery


class DeliveryError(Exception):
    """A channel refused the notice; the message says why, in Chinese where it can."""


def notify(users, subject: str, obj, body: str = "") -> int:
    """An in-app message to each of ``users`` about ``obj`` (a report, a supervision item,
    a reminder), linked to its page by ``obj.get_absolute_url()``: one insert however many
    users, and for a queryset of users (``users_of``) no query to read them first (an
    ``INSERT … SELECT``). Returns how many were written. Every in-app message of Luoshi
    is written here."""
    url = (obj.get_absolute_url() if obj is not None else "")[:300]
    subject = subject[:300]
    if isinstance(users, QuerySet):
        return _insert_for(users, subject, body, url)
    return len(
        Message.objects.bulk_create(
            [Message(user=user, subject=subject, body=body, url=url) for user in users]
        )
    )


def _insert_for(users: QuerySet, subject: str, body: str, url: str) -> int:
    """``INSERT INTO message (…) SELECT id, … FROM user WHERE id IN (users)``."""
    connection = connections[users.db]
    quote = connection.ops.quote_name
    user_meta = users.model._meta
    ids_sql, ids_params = users.order_by().values("pk").query.sql_with_params()
    columns = ", ".join(
        quote(Message._meta.get_field(name).column)
        for name in ("user", "subject", "body", "url", "created_at")
    )
    created_at = Message._meta.get_field("created_at").get_db_prep_value(timezone.now(), connection)
    sql = (
        f"INSERT INTO {quote(Message._meta.db_table)} ({columns}) "
        f"SELECT {quote(user_meta.pk.column)}, %s, %s, %s, %s FROM {quote(user_meta.db_table)} "
        f"WHERE {quote(user_meta.pk.column)} IN ({ids_sql})"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, [subject, body, url, created_at, *ids_params])
        return cursor.rowcount


def _inapp(reminder: Reminder, users) -> None:
    with transaction.atomic():
        notify(users, reminder.subject, reminder, reminder.body)


def _email(reminder: Reminder, addresses) -> None:
    context = {
        "subject": reminder.subject,
        "body": reminder.body,
        "link": absolute(reminder.url),
        "kind": reminder.get_kind_display(),
    }
    subject = " ".join(render_to_string("reporting/email/notice_subject.txt", context).split())
    text = render_to_string("reporting/email/notice.txt", context)
    html = render_to_string("reporting/email/notice.html", context)
    timeout = getattr(settings, "EMAIL_TIMEOUT", None) or EMAIL_TIMEOUT
    try:
        send_mail(
            subject,
            text,
            None,
            list(addresses),
            html_message=html,
            connection=get_connection(timeout=timeout),
        )
    except smtplib.SMTPRecipientsRefused as exc:
        raise DeliveryError(f"邮件服务器拒收：{'、'.join(exc.recipients)}") from None
    except (smtplib.SMTPException, OSError) as exc:
        raise DeliveryError(
            f"邮件发送失败（{settings.EMAIL_HOST}:{settings.EMAIL_PORT}）：{_reason(exc)}"
        ) from None


def webhook_text(reminder: Reminder) -> str:
    """The robot message: subject, body and link, cut to what a WeCom robot accepts."""
    link = absolute(reminder.url)
    text = f"【落实】{reminder.subject}\n{reminder.body}".strip()
    if link and link.startswith("http"):
        text += f"\n{link}"
    encoded = text.encode("utf-8")
    if len(encoded) > WEBHOOK_MAX_BYTES:
        text = encoded[: WEBHOOK_MAX_BYTES - 6].decode("utf-8", errors="ignore") + "……"
    return text


def _webhook(reminder: Reminder, url: str) -> None:
    payload = json.dumps({"msgtype": "text", "text": {"content": webhook_text(reminder)}}, ensure_ascii=False)
    request = urllib.request.Request(
        url,
        data=payload.encode("utf-8"),
        headers={"Content-Type": "application/json; charset=utf-8"},
        method="POST",
    )
    try:
        with urllib.request.urlopen(request, timeout=WEBHOOK_TIMEOUT) as response:
            answer = response.read(4096)
    except urllib.error.HTTPError as exc:
        raise DeliveryError(f"工作群机器人返回 HTTP {exc.code} {exc.reason}") from None
    except urllib.error.URLError as exc:
        raise DeliveryError(f"无法连接工作群机器人：{_reason(exc.reason)}") from None
    except (OSError, http.client.HTTPException, ValueError) as exc:
        raise DeliveryError(f"工作群机器人发送失败：{_reason(exc)}") from None
    try:
        result = json.loads(answer.decode("utf-8") or "{}")
    except (UnicodeDecodeError, json.JSONDecodeError):
        return  # a 2xx without a JSON answer: taken as delivered
    if isinstance(result, dict) and result.get("errcode") not in (None, 0):
        raise DeliveryError(
            f"工作群机器人拒收：errcode {result.get('errcode')} {result.get('errmsg', '')}".strip()
        )


# ---------------------------------------------------------------- helpers


def absolute(url: str) -> str:
    """A site path made absolute with ``settings.SITE_URL`` (unchanged without it)."""
    base = (getattr(settings, "SITE_URL", "") or "").rstrip("/")
    if not url or url.startswith(("http://", "https://")) or not base:
        return url
    return base + "/" + url.lstrip("/")


def redact(url: str) -> str:
    """A webhook URL fit to show and store: query values (robot keys, tokens) hidden."""
    try:
        parts = urllib.parse.urlsplit(url)
    except ValueError:
        return "（无效地址）"
    query = "&".join(f"{name}=…" for name, _ in urllib.parse.parse_qsl(parts.query, keep_blank_values=True))
    return urllib.parse.urlunsplit((parts.scheme, parts.netloc, parts.path, query, ""))


def _reason(exc) -> str:
    if isinstance(exc, ConnectionRefusedError):
        return "连接被拒绝"
    if isinstance(exc, TimeoutError):
        return "连接超时"
    text = str(exc).strip()
    return text or exc.__class__.__name__


def _names(users) -> str:
    return "、".join((u.get_full_name() or u.get_username()) for u in users)


def _unique(values: Iterable[str], *, fold: bool = False) -> list[str]:
    seen, result = set(), []
    for value in values:
        value = (value or "").strip()
        marker = value.lower() if fold else value
        if value and marker not in seen:
            seen.add(marker)
            result.append(value)
    return result
