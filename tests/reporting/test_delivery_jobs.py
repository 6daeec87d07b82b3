"""Reminders as jobs: the scheduler records each notice once and queues it once; a channel
that fails is tried again with a doubling back-off until the server is back; a worker
killed with kill -9 in the middle of sending leaves a claim that is taken up and sent
once. Real SMTP servers and group robots, real worker processes; both databases."""

import asyncio
import datetime as dt
import io
import json
import os
import signal
import subprocess
import time
from collections import Counter

import pytest
from django.core.management import call_command
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from luoshi.core.jobs import run_queued
from luoshi.reporting.choices import Channel, DeliveryState, ReminderKind
from luoshi.reporting.models import Reminder, ReminderDelivery
from luoshi.reporting.notify import queue_notice, retry_delay
from tests import clock
from tests.conftest import LUOSHI
from tests.reporting.test_reminders import NEXT_WORKDAY, contacts, robot, smtp  # noqa: F401 (fixtures)
from tests.reporting.test_reminders_concurrency import STATE, luoshi, prepared_database
from tests.reporting.test_reminders_servers import RobotServer, SmtpServer, free_port


def tick(*args) -> dict:
    out = io.StringIO()
    call_command("tick", *args, "--json", stdout=out)
    return json.loads(out.getvalue())


def later(seconds: float) -> None:
    """The clock jumps ``seconds`` ahead (and runs on)."""
    clock._machine.move_to(timezone.now() + dt.timedelta(seconds=seconds))


@pytest.mark.django_db
def test_scheduler_run_twice_queues_each_notice_once(contacts, smtp, robot):  # noqa: F811
    first = tick("--as-of", NEXT_WORKDAY, "--enqueue-only")
    recorded = Reminder.objects.count()
    assert recorded >= 5 and sum(first["sent"].values()) == recorded
    jobs = DBTaskResult.objects.filter(task_path="luoshi.reporting.tasks.deliver_notice")
    assert jobs.count() == recorded
    assert not smtp.messages and not robot.posts  # queued, not sent: that is the workers' part
    assert set(Reminder.objects.values_list("state", flat=True)) == {DeliveryState.PENDING}

    second = tick("--as-of", NEXT_WORKDAY, "--enqueue-only")
    assert second["due"] == 0 and Reminder.objects.count() == recorded and jobs.count() == recorded

    assert run_queued() == recorded
    assert set(Reminder.objects.values_list("state", flat=True)) == {DeliveryState.SENT}
    emails = ReminderDelivery.objects.filter(channel=Channel.EMAIL).count()
    assert len(smtp.messages) == emails
    assert len({m["Message-ID"] for m in smtp.messages}) == emails
    assert run_queued() == 0 and tick("--as-of", NEXT_WORKDAY)["due"] == 0
    assert len(smtp.messages) == emails


@pytest.mark.django_db
def test_failed_mail_is_retried_with_backoff_until_the_server_is_back(settings, personas):
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    port = free_port()  # nothing listens there yet: the mail server is down
    settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", port
    reminder = queue_notice(
        key="test:retry:1",
        kind=ReminderKind.SUPERVISION_URGE,
        subject="督办事项今日到期",
        body="请今日内反馈办理情况。",
        users=[personas["head_a"]],
        emails=["gxj@example.gov.cn"],
    )
    assert run_queued() == 1
    email = reminder.deliveries.get(channel=Channel.EMAIL)
    assert email.state == DeliveryState.RETRY and email.attempts == 1
    assert "连接被拒绝" in email.error and "第 1 次发送未成功" in email.error and "重试" in email.error
    first_wait = email.next_try_at - email.updated_at
    assert retry_delay(1) - dt.timedelta(seconds=2) < first_wait <= retry_delay(1)
    assert reminder.deliveries.get(channel=Channel.INAPP).state == DeliveryState.SENT
    reminder.refresh_from_db()
    assert reminder.state == DeliveryState.RETRY and "邮件" in reminder.error

    assert run_queued() == 0  # not before its time
    later(retry_delay(1).total_seconds() + 1)
    assert run_queued() == 1
    email.refresh_from_db()
    assert email.state == DeliveryState.RETRY and email.attempts == 2
    second_wait = email.next_try_at - email.updated_at
    assert retry_delay(2) == 2 * retry_delay(1)
    assert retry_delay(2) - dt.timedelta(seconds=2) < second_wait <= retry_delay(2)

    with SmtpServer(port=port) as server:  # the mail server is back
        later(retry_delay(1).total_seconds() + 1)
        assert run_queued() == 0  # the doubled wait is not over yet
        later(retry_delay(2).total_seconds())
        assert run_queued() == 1
        assert len(server.messages) == 1
        assert SmtpServer.subject_of(server.messages[0]) == "【落实】督办事项今日到期"
    email.refresh_from_db()
    reminder.refresh_from_db()
    assert email.state == DeliveryState.SENT and email.attempts == 3 and email.error == ""
    assert reminder.state == DeliveryState.SENT and reminder.error == "" and reminder.sent_at


@pytest.mark.django_db
def test_a_channel_gives_up_after_the_last_attempt(settings, personas):
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", free_port()
    settings.LUOSHI_DELIVERY_MAX_ATTEMPTS = 2
    reminder = queue_notice(
        key="test:retry:2",
        kind=ReminderKind.SUPERVISION_URGE,
        subject="督办",
        body="请反馈。",
        emails=["a@b.cn"],
    )
    run_queued()
    later(retry_delay(1).total_seconds() + 1)
    run_queued()
    email = reminder.deliveries.get()
    reminder.refresh_from_db()
    assert email.state == DeliveryState.FAILED and email.attempts == 2 and email.next_try_at is None
    assert email.error.startswith("已尝试 2 次均未成功，不再重试。")
    assert reminder.state == DeliveryState.FAILED
    later(retry_delay(5).total_seconds())
    assert run_queued() == 0


CLAIM_SECONDS = 20  # a claim older than this is taken to be a dead worker's


class HeldSmtpServer(SmtpServer):
    """A mail server that keeps every client waiting at RCPT while ``held``: a worker
    sending to it is stopped in the middle of the SMTP conversation, before DATA."""

    def __init__(self):
        super().__init__()
        self.held = True
        self.waiting = 0

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):  # noqa: N802
        self.waiting += 1
        while self.held:
            await asyncio.sleep(0.02)
        envelope.rcpt_tos.append(address)
        return "250 OK"


def state(env, tmp_path) -> dict:
    return json.loads(luoshi(env, "shell", "-c", STATE, tmp_path=tmp_path).stdout.strip().splitlines()[-1])


CLAIMS = """
import json
from luoshi.reporting.models import ReminderDelivery
print(json.dumps([[d.state, d.attempts, d.claimed_by] for d in ReminderDelivery.objects.filter(channel="email")]))
"""


def test_worker_killed_while_sending_leaves_a_claim_that_is_sent_once(tmp_path, fresh_database_url):
    with HeldSmtpServer() as mail, RobotServer() as hook:
        env = prepared_database(tmp_path, fresh_database_url, mail.port, hook.url("/send"))
        env.update(LUOSHI_DELIVERY_CLAIM_SECONDS=str(CLAIM_SECONDS), LUOSHI_EMAIL_TIMEOUT="60")
        queued = json.loads(
            luoshi(env, "tick", "--as-of", NEXT_WORKDAY, "--enqueue-only", "--json", tmp_path=tmp_path).stdout
        )
        notices = sum(queued["sent"].values())
        assert notices >= 5

        worker = subprocess.Popen(
            [LUOSHI, "worker", "--no-schedule", "--interval", "0.2"],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
            env=env,
            cwd=tmp_path,
        )
        try:
            deadline = time.monotonic() + 60
            while not mail.waiting and time.monotonic() < deadline and worker.poll() is None:
                time.sleep(0.05)
            assert mail.waiting == 1, worker.stderr.read().decode() if worker.poll() is not None else ""
            os.kill(worker.pid, signal.SIGKILL)  # in the middle of an SMTP conversation
            killed = time.monotonic()
            worker.wait(timeout=10)
        finally:
            if worker.poll() is None:
                worker.kill()
                worker.wait()
        mail.held = False
        # the claim is left alone while its worker may still be alive …
        luoshi(env, "tick", "--as-of", NEXT_WORKDAY, "--json", tmp_path=tmp_path)
        claims = json.loads(
            luoshi(env, "shell", "-c", CLAIMS, tmp_path=tmp_path).stdout.strip().splitlines()[-1]
        )
        claimed = [c for c in claims if c[0] == "claimed"]
        assert len(claimed) == 1 and claimed[0][1] == 1 and claimed[0][2].startswith("worker@")
        assert len(mail.messages) == len(claims) - 1  # the others went out, that one not yet
        # … and taken up once stale: the next scheduler pass queues it and it goes out once
        assert time.monotonic() - killed < CLAIM_SECONDS
        time.sleep(max(0.0, killed + CLAIM_SECONDS + 0.5 - time.monotonic()))
        luoshi(env, "tick", "--as-of", NEXT_WORKDAY, "--json", tmp_path=tmp_path)
        claims = json.loads(
            luoshi(env, "shell", "-c", CLAIMS, tmp_path=tmp_path).stdout.strip().splitlines()[-1]
        )
        assert {c[0] for c in claims} == {"sent"}
        assert sorted(c[1] for c in claims)[-1] == 2 and [c[1] for c in claims].count(2) == 1

        final = state(env, tmp_path)
        assert len(final["keys"]) == notices
        assert len(mail.messages) == Counter(final["deliveries"])["email:sent"] == notices
        assert set(Counter(m["Message-ID"] for m in mail.messages).values()) == {1}
        assert set(Counter((p, c["text"]["content"]) for p, c in hook.posts).values()) == {1}
