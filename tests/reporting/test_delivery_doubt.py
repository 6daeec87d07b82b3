"""A notice whose outcome is unknown is never sent again by itself (issue 16): a group
robot that received the post and never answered, a mail server that took the DATA and
never answered, a worker killed with kill -9 while its robot post was under way — each
leaves the delivery 待核实 (in doubt), the office is told once, and settles it on its
站内消息 page: 重发 (the same X-Luoshi-Delivery key) or 已送达. A refused connection, an
HTTP 500 or a refused recipient is a plain failure, retried with the back-off as before.
Real robots (http.server), real SMTP servers (aiosmtpd), real worker processes; both
databases."""

import asyncio
import datetime as dt
import io
import json
import os
import signal
import subprocess
import threading
import time
from collections import Counter
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.utils import timezone

from luoshi.accounts.models import Profile
from luoshi.audit.models import AuditLog
from luoshi.core.jobs import run_queued
from luoshi.plans.models import Organisation, Unit
from luoshi.reporting import notify
from luoshi.reporting.choices import DeliveryState, ReminderKind
from luoshi.reporting.models import Message
from luoshi.reporting.notify import queue_notice, retry_delay, sweep
from tests import clock
from tests.conftest import LUOSHI
from tests.reporting.test_reminders_concurrency import NEXT_WORKDAY, QUIET_NIGHT, luoshi, prepared_database
from tests.reporting.test_reminders_servers import RobotServer, SmtpServer, free_port

DOUBT_SUBJECT = "条提醒的发送结果待核实"


class Robot:
    """A group robot counting posts by their X-Luoshi-Delivery key. ``hang`` seconds it
    keeps a post it has read whole before answering (the client has given up by then);
    with ``hang_first`` only the first post is kept, ``release`` lets it go."""

    def __init__(self, hang: float = 0, hang_first: bool = False):
        self.hang, self.hang_first = hang, hang_first
        self.received: Counter = Counter()
        self.lock = threading.Lock()
        self.released = threading.Event()
        robot = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):  # noqa: N802 (http.server's hook name)
                self.rfile.read(int(self.headers.get("Content-Length") or 0))
                with robot.lock:
                    robot.received[self.headers.get("X-Luoshi-Delivery", "?")] += 1
                    first = sum(robot.received.values()) == 1
                if robot.hang_first and first:
                    robot.released.wait(120)
                elif robot.hang:
                    time.sleep(robot.hang)
                body = b'{"errcode": 0, "errmsg": "ok"}'
                try:
                    self.send_response(200)
                    self.send_header("Content-Type", "application/json")
                    self.send_header("Content-Length", str(len(body)))
                    self.end_headers()
                    self.wfile.write(body)
                except OSError:
                    pass  # the sender is gone

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True

    def url(self, key: str | None = "unit-a") -> str:
        base = f"http://127.0.0.1:{self.server.server_address[1]}/cgi-bin/webhook/send"
        return base if key is None else f"{base}?key={key}"

    def __enter__(self) -> "Robot":
        threading.Thread(target=self.server.serve_forever, daemon=True).start()
        return self

    def __exit__(self, *exc) -> None:
        self.released.set()
        self.server.shutdown()
        self.server.server_close()


class SilentAfterData(SmtpServer):
    """A mail server that takes the whole message and answers only after ``delay``
    seconds (the client has given up by then); ``refuse`` refuses every recipient."""

    def __init__(self, delay: float = 0, refuse: bool = False):
        super().__init__()
        self.delay, self.refuse = delay, refuse

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):  # noqa: N802
        if self.refuse:
            return "550 5.1.1 无此用户"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):  # noqa: N802
        answer = await super().handle_DATA(server, session, envelope)
        await asyncio.sleep(self.delay)
        return answer


def later(seconds: float) -> None:
    clock._machine.move_to(timezone.now() + dt.timedelta(seconds=seconds))


def robot_notice(url: str, key: str = "test:doubt:1", subject: str = "请报送2025年7月上旬工作进展"):
    return queue_notice(
        key=key,
        kind=ReminderKind.OVERDUE,
        subject=subject,
        body="县工信局：报送已逾期，请尽快报送。",
        unit=Unit.objects.get(name="县工信局"),
        webhooks=[url],
        url="/fill/",
    )


def tick(*args) -> dict:
    out = io.StringIO()
    call_command("tick", *args, "--json", stdout=out)
    return json.loads(out.getvalue())


def office_told(user) -> int:
    return Message.objects.filter(user=user, subject__contains=DOUBT_SUBJECT).count()


@pytest.fixture
def quick_robot_timeout(monkeypatch):
    monkeypatch.setattr(notify, "WEBHOOK_TIMEOUT", 0.5)


@pytest.mark.django_db
def test_a_robot_post_never_answered_is_in_doubt_not_posted_again_and_resent_by_the_office(
    personas, client, quick_robot_timeout
):
    coordinator = personas["coordinator"]
    with Robot(hang=2) as robot:
        reminder = robot_notice(robot.url())
        assert run_queued() == 1
        delivery = reminder.deliveries.get()
        key = str(delivery.pk)
        assert robot.received == {key: 1}
        reminder.refresh_from_db()
        assert delivery.state == DeliveryState.DOUBT and delivery.attempts == 1
        assert delivery.next_try_at is None and delivery.sending_at is not None
        assert "请求已发给工作群机器人，未收到答复：等待答复超时" in delivery.error
        assert "为免重复不自动重发" in delivery.error
        assert reminder.state == DeliveryState.DOUBT and reminder.sent_at is None
        assert office_told(coordinator) == 1

        # nothing sends it again by itself: retries, sweeps and scheduler passes alike
        later(retry_delay(8).total_seconds())
        sweep()
        assert run_queued() == 0
        assert tick("--as-of", QUIET_NIGHT)["in_doubt"] == 1
        time.sleep(1.6)  # the robot's late answer has nowhere to go
        assert robot.received == {key: 1}
        assert office_told(coordinator) == 1  # told once

        client.force_login(coordinator)
        page = client.get("/messages/").content.decode()
        assert "发送结果待核实的提醒（1 条）" in page
        for shown in (
            "工作群机器人",
            "请报送2025年7月上旬工作进展",
            "/cgi-bin/webhook/send?key=…",
            "重发",
            "已送达",
        ):
            assert shown in page
        assert f"/deliveries/{delivery.pk}/resend/" in page

        robot.hang = 0
        answer = client.post(f"/deliveries/{delivery.pk}/resend/", follow=True)
        assert "已重新放入发送队列" in answer.content.decode()
        delivery.refresh_from_db()
        assert delivery.state == DeliveryState.PENDING
        assert AuditLog.objects.filter(operation="重发提醒", object_id=key, user=coordinator).count() == 1
        assert run_queued() == 1
        assert robot.received == {key: 2}  # once more, under the same key
        delivery.refresh_from_db()
        reminder.refresh_from_db()
        assert delivery.state == DeliveryState.SENT and reminder.state == DeliveryState.SENT
        assert "发送结果待核实的提醒（" not in client.get("/messages/").content.decode()


@pytest.mark.django_db
def test_the_office_records_a_delivery_in_doubt_as_delivered(personas, client, quick_robot_timeout):
    coordinator = personas["coordinator"]
    with Robot(hang=2) as robot:
        reminder = robot_notice(robot.url())
        run_queued()
        delivery = reminder.deliveries.get()
        assert delivery.state == DeliveryState.DOUBT
        client.force_login(coordinator)
        answer = client.post(f"/deliveries/{delivery.pk}/confirm/", follow=True)
        assert "已记为送达：请报送2025年7月上旬工作进展" in answer.content.decode()
        delivery.refresh_from_db()
        reminder.refresh_from_db()
        assert delivery.state == DeliveryState.SENT and delivery.settled_by == coordinator
        assert delivery.settled_at is not None and delivery.sent_at == delivery.settled_at
        assert reminder.state == DeliveryState.SENT
        assert AuditLog.objects.filter(operation="核实提醒已送达", object_id=str(delivery.pk)).count() == 1
        # a second click changes nothing and says why
        again = client.post(f"/deliveries/{delivery.pk}/resend/", follow=True).content.decode()
        assert "已发送，不在待核实状态，无需再处理" in again
        assert run_queued() == 0
        assert robot.received == {str(delivery.pk): 1}


@pytest.mark.django_db
def test_another_organisations_coordinator_and_other_roles_get_404(personas, client, quick_robot_timeout):
    other = Organisation.objects.create(name="邻县")
    stranger = get_user_model().objects.create_user("other_coordinator", password="Luoshi@2025x")
    Profile.objects.create(user=stranger, role="coordinator", organisation=other)
    with Robot(hang=2) as robot:
        reminder = robot_notice(robot.url())
        run_queued()
        delivery = reminder.deliveries.get()
        for user in (stranger, personas["office"], personas["head_a"]):
            client.force_login(user)
            assert "发送结果待核实的提醒（" not in client.get("/messages/").content.decode()
            assert client.post(f"/deliveries/{delivery.pk}/resend/").status_code == 404
            assert client.post(f"/deliveries/{delivery.pk}/confirm/").status_code == 404
        assert office_told(stranger) == 0
        delivery.refresh_from_db()
        assert delivery.state == DeliveryState.DOUBT and run_queued() == 0
        assert robot.received == {str(delivery.pk): 1}


@pytest.mark.django_db
def test_a_refused_connection_and_an_http_error_are_retried_with_the_back_off(personas):
    down = f"http://127.0.0.1:{free_port()}/cgi-bin/webhook/send?key=down"
    reminder = robot_notice(down)
    assert run_queued() == 1
    delivery = reminder.deliveries.get()
    assert delivery.state == DeliveryState.RETRY and delivery.attempts == 1
    assert delivery.error.startswith("第 1 次发送未成功：无法连接工作群机器人：连接被拒绝")
    later(retry_delay(1).total_seconds() + 1)
    assert run_queued() == 1
    delivery.refresh_from_db()
    assert delivery.state == DeliveryState.RETRY and delivery.attempts == 2

    with RobotServer(status=500) as failing:
        reminder = robot_notice(failing.url(), key="test:doubt:500")
        run_queued()
        delivery = reminder.deliveries.get()
        assert delivery.state == DeliveryState.RETRY and "HTTP 500" in delivery.error
    assert office_told(personas["coordinator"]) == 0


@pytest.mark.django_db
def test_a_mail_whose_answer_to_data_was_lost_is_in_doubt_a_refused_one_retried(personas, settings):
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_TIMEOUT = 1
    with SilentAfterData(delay=3) as mail:
        settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", mail.port
        reminder = queue_notice(
            key="test:doubt:mail",
            kind=ReminderKind.OVERDUE,
            subject="请报送",
            body="报送已逾期。",
            unit=Unit.objects.get(name="县工信局"),
            emails=["gxj@example.gov.cn"],
        )
        run_queued()
        delivery = reminder.deliveries.get()
        assert len(mail.messages) == 1
        assert delivery.state == DeliveryState.DOUBT
        assert "邮件已发给邮件服务器" in delivery.error and "未收到答复" in delivery.error
        assert office_told(personas["coordinator"]) == 1
    with SilentAfterData(refuse=True) as mail:
        settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", mail.port
        reminder = queue_notice(
            key="test:doubt:refused",
            kind=ReminderKind.OVERDUE,
            subject="请报送",
            body="报送已逾期。",
            emails=["nobody@example.gov.cn"],
        )
        run_queued()
        delivery = reminder.deliveries.get()
        assert (
            delivery.state == DeliveryState.RETRY
            and "邮件服务器拒收：nobody@example.gov.cn" in delivery.error
        )
        assert not mail.messages


CLAIM_SECONDS = 8

DOUBTS = """
import json
from luoshi.reporting.models import Message, ReminderDelivery
rows = ReminderDelivery.objects.filter(channel="webhook")
print(json.dumps({
    "states": {str(d.pk): d.state for d in rows},
    "sending": [d.pk for d in rows if d.state == "sending"],
    "told": Message.objects.filter(subject__contains="条提醒的发送结果待核实").count(),
}))
"""


def test_a_worker_killed_while_its_robot_post_is_under_way_leaves_it_in_doubt(tmp_path, fresh_database_url):
    with SmtpServer() as mail, Robot(hang_first=True) as robot:
        env = prepared_database(tmp_path, fresh_database_url, mail.port, robot.url(None))
        env.update(LUOSHI_DELIVERY_CLAIM_SECONDS=str(CLAIM_SECONDS))
        # the coordinators of the organisation, told when deliveries go into doubt
        luoshi(
            env,
            "shell",
            "-c",
            "from django.contrib.auth import get_user_model; from luoshi.accounts.models import Profile; "
            "u = get_user_model().objects.create_user('coordinator'); "
            "Profile.objects.create(user=u, role='coordinator')",
            tmp_path=tmp_path,
        )
        luoshi(env, "tick", "--as-of", NEXT_WORKDAY, "--enqueue-only", "--json", tmp_path=tmp_path)
        worker = subprocess.Popen(
            [LUOSHI, "worker", "--no-schedule", "--interval", "0.2"],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
            env=env,
            cwd=tmp_path,
        )
        try:
            deadline = time.monotonic() + 60
            while not robot.received and time.monotonic() < deadline and worker.poll() is None:
                time.sleep(0.05)
            assert sum(robot.received.values()) == 1  # the robot has the whole post, no answer yet
            os.kill(worker.pid, signal.SIGKILL)
            worker.wait(timeout=10)
        finally:
            if worker.poll() is None:
                worker.kill()
                worker.wait()
        (key,) = robot.received
        state = json.loads(
            luoshi(env, "shell", "-c", DOUBTS, tmp_path=tmp_path).stdout.strip().splitlines()[-1]
        )
        assert state["sending"] == [int(key)]  # the evidence the dead worker left

        time.sleep(CLAIM_SECONDS + 0.5)
        for _ in range(2):  # scheduler passes, which send everything else
            summary = json.loads(
                luoshi(env, "tick", "--as-of", NEXT_WORKDAY, "--json", tmp_path=tmp_path).stdout
            )
        state = json.loads(
            luoshi(env, "shell", "-c", DOUBTS, tmp_path=tmp_path).stdout.strip().splitlines()[-1]
        )
        assert state["states"][key] == "doubt" and summary["in_doubt"] == 1
        assert state["told"] == 1
        assert robot.received[key] == 1  # not posted again
        assert set(robot.received.values()) == {1}  # and no other post twice
        others = Counter(s for k, s in state["states"].items() if k != key)
        assert others["sent"] >= 5 and set(others) <= {"sent", "retry"}  # one unit's robot is down
