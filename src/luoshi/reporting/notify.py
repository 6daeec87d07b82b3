"""Deliver one notice on every channel, at least once and never twice: in-app messages,
one email, group robots.

``send_notice`` (deliver here and now) and ``queue_notice`` (a job for ``luoshi worker``)
are the one way Luoshi tells people something outside the page they are on: reporting
reminders (``luoshi tick``) and supervision 催办 alike. A notice has a ``key`` (recipient,
kind, object and period, e.g. ``report:overdue:2025-05-1:12:3f2a9c``): the first caller
inserts the ``Reminder`` with that key and one ``ReminderDelivery`` per channel, unique
per notice and channel (``slot``), in one transaction; a second caller (another tick,
another machine, a double click) finds the key taken and records nothing.

Each channel is then sent by whoever claims its delivery row: in a short transaction the
row is locked (``select_for_update(skip_locked=True)`` on PostgreSQL; SQLite's write lock
serialises the claims), marked ``claimed`` with the time and the worker, and committed;
just before the message may leave (a robot: connected, before the request is written; a
mail: before DATA), the row is marked ``sending`` (``sending_at``, committed);
the message goes out with no lock held; the outcome is written. In-app messages are rows
of the same database, so claim, messages and outcome are one transaction: exactly once.

The rule for mail and robots alike (``_outcome``), since a robot does not deduplicate: a
send whose outcome is unknown is never resent by itself. It is ``doubt`` (待核实) when
the message may have reached the other side and nothing says what became of it — the
worker died while the row was ``sending`` (``sweep`` finds the mark older than
``LUOSHI_DELIVERY_CLAIM_SECONDS``), or the request went out whole and its answer was
lost (a robot's read timeout or dropped connection; a mail whose DATA was sent and whose
reply never came): ``DeliveryError(may_have_arrived=True)``. The office (综合协调组 of the
notice's organisation) is told in-app once and settles it on the 站内消息 page: 重发
(``reporting.services.resend_delivery``, the same ``X-Luoshi-Delivery`` and
``Message-ID``) or 已送达 (``confirm_delivery``). Everything else is a definite failure
— nothing left (connection refused, DNS, TLS, a request cut off while being written), or
the other side answered no (HTTP 4xx/5xx, a robot's ``errcode``, an SMTP reply code) —
and is tried again after ``LUOSHI_DELIVERY_RETRY_SECONDS`` (doubling each time,
``attempts`` and ``next_try_at`` on the row, the last error in Chinese) up to
``LUOSHI_DELIVERY_MAX_ATTEMPTS`` tries, then left ``failed``. A worker killed after
claiming and before sending leaves its claim ``claimed``; ``sweep`` (every scheduler
pass) takes such claims up again once stale, and deliveries whose job was lost.

Channels:

* in-app: one ``Message`` per active user;
* email: one message (text and HTML, from the ``reporting/email/notice*`` templates)
  to every address, the users' own and the extra ones (a unit's mailbox), through
  Django's mail settings (``LUOSHI_EMAIL_HOST``/``LUOSHI_EMAIL_PORT``);
* webhook: a JSON POST per URL in the text-message format both WeCom (企业微信) and
  DingTalk (钉钉) group robots take: ``{"msgtype": "text", "text": {"content": "…"}}``,
  5 s timeout; a robot's ``errcode`` other than 0 counts as a failure.

A failed channel does not stop the others, and nothing raises: failures are written
down, the caller reads them off the returned reminder. Times here are the machine's
(``timezone.now()``), not the plan's fixed today: they time retries, not deadlines.
"""

import contextlib
import datetime as dt
import hashlib
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
from django.core.mail import EmailMultiAlternatives, get_connection
from django.db import IntegrityError, connections, transaction
from django.db.models import Q, QuerySet
from django.template.loader import render_to_string
from django.utils import timezone

from luoshi.core import jobs
from luoshi.plans.models import Unit

from .choices import Channel, DeliveryState
from .models import Message, Period, Reminder, ReminderDelivery

logger = logging.getLogger(__name__)

WEBHOOK_TIMEOUT = 5  # seconds
EMAIL_TIMEOUT = 10  # seconds, unless EMAIL_TIMEOUT is set
WEBHOOK_MAX_BYTES = 2000  # WeCom takes at most 2048 bytes of text
NO_RECIPIENT = "没有接收人：未设置相关用户、联系邮箱或工作群机器人"
DOUBT_NOTE = "对方可能已收到，为免重复不自动重发，请核实后选择“重发”或“已送达”"
# states of a delivery not finished (its notice has no sent_at yet)
OPEN = (
    DeliveryState.PENDING,
    DeliveryState.CLAIMED,
    DeliveryState.SENDING,
    DeliveryState.RETRY,
    DeliveryState.DOUBT,
)
# states of a delivery in a worker's hands
IN_HAND = (DeliveryState.CLAIMED, DeliveryState.SENDING)


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


def send_notice(**notice) -> Reminder | None:
    """Record a notice once per ``key`` and deliver it here and now; return its
    ``Reminder`` (its ``state`` says how it went: a failed channel is ``retry`` and a
    worker or the next ``luoshi tick`` tries it again), or None if the key was taken
    already (recorded earlier, or by a concurrent caller).

    Keywords: ``key`` unique and stable for "this notice", e.g.
    ``report:overdue:2025-05-1:12:3f2a9c`` or ``supervision:urge:45:2025-06-03``;
    ``kind`` a ``ReminderKind`` value; ``subject``/``body`` plain Chinese text (the body
    may span lines); ``unit``, ``period``; ``users`` Django users for in-app messages
    (and their email addresses); ``emails`` extra addresses (e.g. ``unit.email``);
    ``webhooks`` group robot URLs (``unit.webhook_url``, the plan's policy webhook);
    ``url`` a site path such as ``/reports/12/`` for the message link (made absolute in
    email and webhook text when ``settings.SITE_URL`` is set); ``organisation_id`` whose
    office settles the notice's deliveries in doubt (default: the unit's). Empty values
    are ignored;
    a notice with no recipient at all is recorded as failed.

    Call it outside a transaction, so the record is committed before anything goes out
    and a rollback cannot un-send it.
    """
    reminder = record_notice(**notice)
    if reminder is None:
        return None
    return deliver(reminder.pk)


def queue_notice(**notice) -> Reminder | None:
    """Record a notice once per ``key`` (as ``send_notice``) and queue its delivery as a
    job for a worker, in the same transaction; None if the key was taken already."""
    with transaction.atomic():
        reminder = record_notice(**notice)
        if reminder is not None and reminder.state == DeliveryState.PENDING:
            from .tasks import deliver_notice

            jobs.enqueue(deliver_notice, reminder.pk)
    return reminder


def record_notice(
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
    organisation_id: int | None = None,
) -> Reminder | None:
    """Insert the notice and a delivery row per channel, in one transaction; None if the
    key exists already. ``organisation_id`` (default: the unit's) is whose office settles
    its deliveries in doubt."""
    recipients = Recipients.of(users, emails, webhooks)
    now = timezone.now()
    rows = []
    if recipients.users:
        target = {"users": [u.pk for u in recipients.users]}
        rows.append((Channel.INAPP, "inapp", _names(recipients.users), target))
    if recipients.emails:
        rows.append(
            (Channel.EMAIL, "email", "、".join(recipients.emails), {"emails": list(recipients.emails)})
        )
    for hook in recipients.webhooks:
        slot = "webhook:" + hashlib.sha256(hook.encode("utf-8")).hexdigest()[:32]
        rows.append((Channel.WEBHOOK, slot, redact(hook), {"url": hook}))
    with transaction.atomic():
        try:
            with transaction.atomic():
                reminder = Reminder.objects.create(
                    key=key[:300],
                    kind=kind,
                    unit=unit,
                    organisation_id=organisation_id or (unit.organisation_id if unit else None),
                    period=period,
                    subject=subject[:300],
                    body=body,
                    url=url[:300],
                    state=DeliveryState.PENDING if rows else DeliveryState.FAILED,
                    error="" if rows else NO_RECIPIENT,
                    sent_at=None if rows else now,
                )
        except IntegrityError:
            return None
        ReminderDelivery.objects.bulk_create(
            ReminderDelivery(
                reminder=reminder,
                channel=channel,
                slot=slot,
                recipient=recipient[:1000],
                target=target,
                state=DeliveryState.PENDING,
                next_try_at=now,
            )
            for channel, slot, recipient, target in rows
        )
    return reminder


# ---------------------------------------------------------------- delivering


def _claim_seconds() -> int:
    return settings.LUOSHI_DELIVERY_CLAIM_SECONDS


def _due(now: dt.datetime) -> Q:
    """Deliveries a worker may take now: waiting and due, or claimed long ago (their
    worker died)."""
    stale = now - dt.timedelta(seconds=_claim_seconds())
    return Q(state__in=(DeliveryState.PENDING, DeliveryState.RETRY), next_try_at__lte=now) | Q(
        state=DeliveryState.CLAIMED, claimed_at__lt=stale
    )


def deliver(reminder_id: int, *, worker: str | None = None) -> Reminder:
    """Send every channel of the notice that is due now and not being sent by another
    worker; sum the outcomes up on the notice and return it."""
    worker = worker or jobs.worker_id()
    ids = list(
        ReminderDelivery.objects.filter(reminder_id=reminder_id)
        .filter(_due(timezone.now()))
        .order_by("pk")
        .values_list("pk", flat=True)
    )
    for delivery_id in ids:
        _deliver_one(delivery_id, worker)
    return sum_up(reminder_id)


def _deliver_one(delivery_id: int, worker: str) -> None:
    with transaction.atomic():
        now = timezone.now()
        delivery = (
            ReminderDelivery.objects.select_for_update(skip_locked=True)
            .select_related("reminder")
            .filter(pk=delivery_id)
            .filter(_due(now))
            .first()
        )
        if delivery is None:
            return  # sent already, or in another worker's hands
        delivery.attempts += 1
        if delivery.channel == Channel.INAPP:
            # the messages are rows of this database: claim, messages and outcome commit together
            _outcome(delivery, _try(delivery, _inapp, Attempt(delivery, worker)), now)
            delivery.save()
            if delivery.state == DeliveryState.RETRY:
                _queue_retry(delivery)
            return
        delivery.state, delivery.claimed_at, delivery.claimed_by = DeliveryState.CLAIMED, now, worker
        delivery.sending_at = None
        delivery.save(
            update_fields=["state", "attempts", "claimed_at", "claimed_by", "sending_at", "updated_at"]
        )
    send = _email if delivery.channel == Channel.EMAIL else _webhook
    attempt = Attempt(delivery, worker)
    try:
        failure = _try(delivery, send, attempt)
    except Abandoned:
        logger.warning("delivery %s was taken over by another worker before sending", delivery.pk)
        return
    with transaction.atomic():
        _outcome(delivery, failure, timezone.now())
        fields = {
            "state": delivery.state,
            "error": delivery.error,
            "sent_at": delivery.sent_at,
            "next_try_at": delivery.next_try_at,
            "updated_at": timezone.now(),
        }
        # written only while the claim is still ours: a claim taken over as stale is the
        # other worker's to finish, one the office has settled is settled; one the sweep
        # put in doubt while we waited for the answer takes the answer
        mine = ReminderDelivery.objects.filter(
            pk=delivery.pk,
            state__in=(*IN_HAND, DeliveryState.DOUBT),
            claimed_by=worker,
            claimed_at=delivery.claimed_at,
        ).update(**fields)
        if not mine:
            logger.warning("delivery %s was taken over by another worker while sending", delivery.pk)
        elif delivery.state == DeliveryState.RETRY:
            _queue_retry(delivery)
    if mine and delivery.state == DeliveryState.DOUBT:
        tell_office([delivery])


class Abandoned(Exception):
    """The claim was taken over (stale) before the message left: nothing was sent."""


class Attempt:
    """One try of one channel by one worker. The channel calls ``start`` just before the
    message may leave (a robot: connected, before the request is written; a mail: before
    DATA): the row is marked ``sending`` with the time, committed, so a worker that dies
    from here on leaves evidence that the message may have arrived. Runs outside a
    transaction (as ``deliver`` does)."""

    def __init__(self, delivery: ReminderDelivery, worker: str):
        self.delivery, self.worker, self.started = delivery, worker, False

    def start(self) -> None:
        if self.started:
            return  # a redirect's second connection
        now = timezone.now()
        marked = ReminderDelivery.objects.filter(
            pk=self.delivery.pk,
            state=DeliveryState.CLAIMED,
            claimed_by=self.worker,
            claimed_at=self.delivery.claimed_at,
        ).update(state=DeliveryState.SENDING, sending_at=now, updated_at=now)
        if not marked:
            raise Abandoned
        self.delivery.state, self.delivery.sending_at = DeliveryState.SENDING, now
        self.started = True


@dataclass(frozen=True)
class Failure:
    """Why a channel did not go out (Chinese where we can), and whether the message may
    have arrived all the same (then it is in doubt, not retried)."""

    text: str
    in_doubt: bool


def _try(delivery: ReminderDelivery, send, attempt: Attempt) -> Failure | None:
    """Run one channel; None when it went out. A ``DeliveryError`` says whether the
    message may have arrived; a bug of ours after ``start`` leaves it in doubt."""
    try:
        send(delivery.reminder, delivery, attempt.start)
    except Abandoned:
        raise
    except DeliveryError as exc:
        return Failure(str(exc), attempt.started and exc.may_have_arrived)
    except Exception as exc:  # a bug of ours must not stop the other channels
        logger.exception("delivering %s by %s failed", delivery.reminder.key, delivery.channel)
        return Failure(f"{exc.__class__.__name__}: {exc}", attempt.started)
    return None


def retry_delay(attempts: int) -> dt.timedelta:
    """How long after the ``attempts``-th failure the next try waits: the base, doubled
    for each failure before."""
    return dt.timedelta(seconds=settings.LUOSHI_DELIVERY_RETRY_SECONDS * 2 ** max(attempts - 1, 0))


def _outcome(delivery: ReminderDelivery, failure: Failure | None, now: dt.datetime) -> None:
    """The delivery's state from the try: sent; in doubt (never retried by itself); or
    failed, to be tried again with the interval doubling, or given up."""
    if failure is None:
        delivery.state, delivery.sent_at, delivery.error, delivery.next_try_at = (
            DeliveryState.SENT,
            now,
            "",
            None,
        )
        return
    error = failure.text
    if failure.in_doubt:
        delivery.state, delivery.next_try_at = DeliveryState.DOUBT, None
        delivery.error = f"{error}；{DOUBT_NOTE}"
        return
    most = settings.LUOSHI_DELIVERY_MAX_ATTEMPTS
    if delivery.attempts >= most:
        delivery.state, delivery.next_try_at = DeliveryState.FAILED, None
        delivery.error = f"已尝试 {delivery.attempts} 次均未成功，不再重试。最后一次：{error}"
        return
    delivery.state = DeliveryState.RETRY
    delivery.next_try_at = now + retry_delay(delivery.attempts)
    delivery.error = (
        f"第 {delivery.attempts} 次发送未成功：{error}；"
        f"将于 {timezone.localtime(delivery.next_try_at):%m月%d日 %H:%M:%S} 重试"
    )


def _queue_retry(delivery: ReminderDelivery) -> None:
    from .tasks import deliver_notice

    jobs.enqueue(deliver_notice, delivery.reminder_id, run_after=delivery.next_try_at)


def sum_up(reminder_id: int) -> Reminder:
    """The notice's state from its channels': sent when all went out; pending while any is
    waiting or being sent; retry while one waits to be tried again; doubt while one waits
    for the office to settle it; else failed (all) or partial. Under the notice's row lock, so the last worker to finish writes last."""
    with transaction.atomic():
        reminder = Reminder.objects.select_for_update().get(pk=reminder_id)
        deliveries = list(reminder.deliveries.order_by("pk"))
        if not deliveries:
            return reminder
        states = {d.state for d in deliveries}
        failed = [
            d
            for d in deliveries
            if d.state in (DeliveryState.FAILED, DeliveryState.RETRY, DeliveryState.DOUBT)
        ]
        if states <= {DeliveryState.SENT}:
            state = DeliveryState.SENT
        elif states & {DeliveryState.PENDING, *IN_HAND}:
            state = DeliveryState.PENDING
        elif DeliveryState.RETRY in states:
            state = DeliveryState.RETRY
        elif DeliveryState.DOUBT in states:
            state = DeliveryState.DOUBT
        elif len(failed) == len(deliveries):
            state = DeliveryState.FAILED
        else:
            state = DeliveryState.PARTIAL
        reminder.state = state
        reminder.error = "；".join(f"{d.get_channel_display()}：{d.error}" for d in failed)
        reminder.sent_at = None if state in OPEN else timezone.now()
        reminder.save(update_fields=["state", "error", "sent_at", "updated_at"])
    return reminder


def sweep(now: dt.datetime | None = None) -> list[int]:
    """Put in doubt what a dead worker left ``sending`` (``into_doubt``), and queue again
    the deliveries nobody is working on: claims left before sending by a worker that died
    (older than ``LUOSHI_DELIVERY_CLAIM_SECONDS``) and deliveries due that long ago whose
    job was lost — in either case only when no job for the notice is waiting in the queue
    or running since less than that (a long queue is not a lost job). Returns the notices
    queued. Safe to run anywhere, any number of times."""
    from .tasks import deliver_notice

    now = now or timezone.now()
    into_doubt(now)
    long_ago = now - dt.timedelta(seconds=_claim_seconds())
    stale = ReminderDelivery.objects.filter(state=DeliveryState.CLAIMED, claimed_at__lt=long_ago)
    lost = ReminderDelivery.objects.filter(
        state__in=(DeliveryState.PENDING, DeliveryState.RETRY), next_try_at__lt=long_ago
    )
    candidates = set(stale.values_list("reminder_id", flat=True)) | set(
        lost.values_list("reminder_id", flat=True)
    )
    if not candidates:
        return []
    candidates -= _in_hand(deliver_notice, long_ago)
    queued = []
    for reminder_id in sorted(candidates):
        with transaction.atomic():
            jobs.enqueue(deliver_notice, reminder_id)
        queued.append(reminder_id)
    return queued


def into_doubt(now: dt.datetime | None = None) -> list[ReminderDelivery]:
    """The deliveries left ``sending`` longer than ``LUOSHI_DELIVERY_CLAIM_SECONDS`` (far
    longer than a mail server or robot may take: their worker died between sending and
    writing the outcome) are put in doubt, never sent again by themselves; their notices
    summed up and their offices told once. Returns them."""
    now = now or timezone.now()
    long_ago = now - dt.timedelta(seconds=_claim_seconds())
    stale = ReminderDelivery.objects.filter(state=DeliveryState.SENDING, sending_at__lt=long_ago)
    moved = []
    for pk in stale.values_list("pk", flat=True):
        with transaction.atomic():
            delivery = (
                ReminderDelivery.objects.select_for_update(skip_locked=True)
                .select_related("reminder")
                .filter(pk=pk, state=DeliveryState.SENDING, sending_at__lt=long_ago)
                .first()
            )
            if delivery is None:
                continue  # its worker wrote the outcome after all, or another sweep has it
            started = timezone.localtime(delivery.sending_at)
            delivery.state, delivery.next_try_at = DeliveryState.DOUBT, None
            delivery.error = (
                f"发送进程 {delivery.claimed_by} 于 {started:%m月%d日 %H:%M:%S} 开始发送后中断，"
                f"未记下结果；{DOUBT_NOTE}"
            )
            delivery.save(update_fields=["state", "next_try_at", "error", "updated_at"])
        moved.append(delivery)
    for reminder_id in sorted({d.reminder_id for d in moved}):
        sum_up(reminder_id)
    tell_office(moved)
    return moved


class DoubtList:
    """Where the office settles deliveries in doubt: a section of its 站内消息 page."""

    def get_absolute_url(self) -> str:
        from django.urls import reverse

        return reverse("web:messages") + "#doubt"


def tell_office(deliveries: list[ReminderDelivery]) -> None:
    """One in-app message to the coordinators (综合协调组) of each organisation whose
    notices have just gone into doubt: how many, on which channels, to whom."""
    from django.contrib.auth import get_user_model

    from luoshi.accounts.choices import Role

    by_org: dict[int | None, list[ReminderDelivery]] = {}
    for delivery in deliveries:
        by_org.setdefault(delivery.reminder.organisation_id, []).append(delivery)
    for org_id, rows in by_org.items():
        if org_id is None:
            continue
        office = get_user_model().objects.filter(
            is_active=True, profile__role=Role.COORDINATOR, profile__organisation_id=org_id
        )
        lines = [f"{d.get_channel_display()} → {d.recipient}：{d.reminder.subject}" for d in rows[:20]] + (
            [f"……共 {len(rows)} 条"] if len(rows) > 20 else []
        )
        notify(
            office,
            f"{len(rows)} 条提醒的发送结果待核实（对方可能已收到，未自动重发）",
            DoubtList(),
            "\n".join(lines),
        )


def _in_hand(task, since: dt.datetime) -> set[int]:
    """The notices with a delivery job waiting in the queue, or running and started after
    ``since`` (a job running longer is a dead worker's: django-tasks-db leaves it RUNNING)."""
    from django_tasks_db import DatabaseBackend
    from django_tasks_db.models import DBTaskResult

    if not isinstance(task.get_backend(), DatabaseBackend):
        return set()  # another backend: the sweep's own timing is all there is
    rows = DBTaskResult.objects.filter(task_path=task.module_path).filter(
        Q(status="READY") | Q(status="RUNNING", started_at__gte=since)
    )
    return {args["args"][0] for args in rows.values_list("args_kwargs", flat=True) if args.get("args")}


# ---------------------------------------------------------------- channels


class DeliveryError(Exception):
    """A channel did not take the notice; the message says why, in Chinese where it can.
    ``may_have_arrived``: the message went out whole and no answer came back (a read
    timeout, a dropped connection after the request or the mail's DATA was sent), so it
    is in doubt rather than failed; False (the default) when nothing left or the other
    side answered no."""

    def __init__(self, message: str, *, may_have_arrived: bool = False):
        super().__init__(message)
        self.may_have_arrived = may_have_arrived


def notify(users, subject: str, obj, body: str = "", together=None) -> int | None:
    """An in-app message to each of ``users`` about ``obj`` (a report, a supervision item,
    a reminder), linked to its page by ``obj.get_absolute_url()``: one insert however many
    users, and for a queryset of users (``users_of``) no query to read them first (an
    ``INSERT … SELECT``). Returns how many were written. Every in-app message of Luoshi
    is written here. With ``together`` (``core.together``) the insert is sent with the
    caller's other writes (and None returned)."""
    url = (obj.get_absolute_url() if obj is not None else "")[:300]
    subject = subject[:300]
    if isinstance(users, QuerySet):
        return _insert_for(users, subject, body, url, together)
    if together is not None:
        together.insert(Message, [Message(user=user, subject=subject, body=body, url=url) for user in users])
        return None
    return len(
        Message.objects.bulk_create(
            [Message(user=user, subject=subject, body=body, url=url) for user in users]
        )
    )


def _insert_for(users: QuerySet, subject: str, body: str, url: str, together=None) -> int | None:
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
    params = [subject, body, url, created_at, *ids_params]
    if together is not None:
        together.add(sql, params)
        return None
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.rowcount


def _inapp(reminder: Reminder, delivery: ReminderDelivery, start) -> None:
    from django.contrib.auth import get_user_model

    users = get_user_model().objects.filter(pk__in=delivery.target.get("users", []), is_active=True)
    with transaction.atomic():
        notify(users, reminder.subject, reminder, reminder.body)


def message_id(reminder: Reminder, delivery: ReminderDelivery) -> str:
    """The same ``Message-ID`` however often one delivery is tried: a mail client shows a
    message sent again after a worker died mid-send once."""
    digest = hashlib.sha256(reminder.key.encode("utf-8")).hexdigest()[:16]
    return f"<luoshi.{digest}.{delivery.pk}@{_mail_domain()}>"


def _mail_domain() -> str:
    sender = settings.DEFAULT_FROM_EMAIL or "luoshi@localhost"
    return sender.rsplit("@", 1)[-1].strip("> ") or "localhost"


def _email(reminder: Reminder, delivery: ReminderDelivery, start) -> None:
    addresses = delivery.target.get("emails", [])
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
    connection = get_connection(timeout=timeout)
    mail = EmailMultiAlternatives(
        subject,
        text,
        None,
        list(addresses),
        connection=connection,
        headers={"Message-ID": message_id(reminder, delivery)},
    )
    mail.attach_alternative(html, "text/html")
    server = f"{settings.EMAIL_HOST}:{settings.EMAIL_PORT}"
    data = _DataWatch(start)
    try:
        connection.open()
        data.watch(connection)
        mail.send()
    except smtplib.SMTPRecipientsRefused as exc:
        raise DeliveryError(f"邮件服务器拒收：{'、'.join(exc.recipients)}") from None
    except smtplib.SMTPResponseException as exc:  # the server answered no
        raise DeliveryError(f"邮件服务器拒收（{server}）：{exc.smtp_code} {_text(exc.smtp_error)}") from None
    except (smtplib.SMTPException, OSError) as exc:
        if data.sent:
            raise DeliveryError(
                f"邮件已发给邮件服务器（{server}），未收到答复：{_reason(exc)}", may_have_arrived=True
            ) from None
        raise DeliveryError(f"邮件发送失败（{server}）：{_reason(exc)}") from None
    finally:
        # the message's fate is decided: a failed QUIT changes nothing
        with contextlib.suppress(smtplib.SMTPException, OSError):
            connection.close()


class _DataWatch:
    """The two moments of an SMTP conversation that matter: DATA is about to be sent (the
    mail may arrive from here on: ``start``), and the message text, ending in
    ``CRLF.CRLF``, was written whole (``sent``: only the server's answer may be missing).
    Connecting, TLS, login, MAIL and RCPT come before: a failure there is a failure."""

    def __init__(self, start):
        self.start, self.sent = start, False

    def watch(self, backend) -> None:
        smtp = getattr(backend, "connection", None)
        if not isinstance(smtp, smtplib.SMTP):
            self.start()  # another backend (memory, console, file): it goes out now
            return
        data, write = smtp.data, smtp.send

        def start_data(msg):
            self.start()
            return data(msg)

        def send(chunk) -> None:
            write(chunk)
            if isinstance(chunk, bytes) and chunk.endswith(b"\r\n.\r\n"):
                self.sent = True

        smtp.data, smtp.send = start_data, send  # type: ignore[method-assign]


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


def _webhook(reminder: Reminder, delivery: ReminderDelivery, start) -> None:
    url = delivery.target.get("url", "")
    payload = json.dumps({"msgtype": "text", "text": {"content": webhook_text(reminder)}}, ensure_ascii=False)
    request = urllib.request.Request(
        url,
        data=payload.encode("utf-8"),
        headers={
            "Content-Type": "application/json; charset=utf-8",
            "X-Luoshi-Delivery": f"{delivery.pk}",
        },
        method="POST",
    )
    try:
        with _opener(start).open(request, timeout=WEBHOOK_TIMEOUT) as response:
            answer = response.read(4096)
    except urllib.error.HTTPError as exc:  # the robot answered no
        raise DeliveryError(f"工作群机器人返回 HTTP {exc.code} {exc.reason}") from None
    except urllib.error.URLError as exc:  # connecting, TLS or writing the request: nothing whole left
        raise DeliveryError(f"无法连接工作群机器人：{_reason(exc.reason)}") from None
    except ValueError as exc:
        raise DeliveryError(f"工作群机器人地址无效：{_reason(exc)}") from None
    except (OSError, http.client.HTTPException) as exc:  # the request went out, no answer came
        reason = "等待答复超时" if isinstance(exc, TimeoutError) else _reason(exc)
        raise DeliveryError(f"请求已发给工作群机器人，未收到答复：{reason}", may_have_arrived=True) from None
    try:
        result = json.loads(answer.decode("utf-8") or "{}")
    except (UnicodeDecodeError, json.JSONDecodeError):
        return  # a 2xx without a JSON answer: taken as delivered
    if isinstance(result, dict) and result.get("errcode") not in (None, 0):
        raise DeliveryError(
            f"工作群机器人拒收：errcode {result.get('errcode')} {result.get('errmsg', '')}".strip()
        )


def _opener(start) -> urllib.request.OpenerDirector:
    """urllib's opener (proxies and redirects as ever) whose connections call ``start``
    once connected — TCP, TLS, a proxy's tunnel — and before the request is written."""

    def connecting(base):
        class Connection(base):
            def connect(self):
                super().connect()
                start()

        return Connection

    class Http(urllib.request.HTTPHandler):
        def do_open(self, http_class, req, **kwargs):
            return super().do_open(connecting(http_class), req, **kwargs)

    class Https(urllib.request.HTTPSHandler):
        def do_open(self, http_class, req, **kwargs):
            return super().do_open(connecting(http_class), req, **kwargs)

    return urllib.request.build_opener(Http, Https)


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


def _text(value) -> str:
    return value.decode("utf-8", errors="replace") if isinstance(value, bytes) else str(value)


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
