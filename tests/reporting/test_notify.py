"""send_notice: one notice, once, on every channel, against real SMTP and HTTP servers."""

import pytest

from luoshi.plans.models import Unit
from luoshi.reporting.choices import Channel, DeliveryState, ReminderKind
from luoshi.reporting.models import Message, Reminder, ReminderDelivery
from luoshi.reporting.notify import NO_RECIPIENT, redact, send_notice
from tests.reporting.test_reminders_servers import RobotServer, SmtpServer, free_port


@pytest.fixture
def smtp(settings):
    with SmtpServer() as server:
        settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
        settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", server.port
        yield server


@pytest.fixture
def robot():
    with RobotServer() as server:
        yield server


def notice(**changes):
    values = {
        "key": "test:notice:1",
        "kind": ReminderKind.SUPERVISION_URGE,
        "subject": "督办事项即将到期",
        "body": "请区发改局一周内拿出解决方案。\n办理期限：6月12日（周四）",
        "url": "/supervision/7/",
    }
    values.update(changes)
    return send_notice(**values)


@pytest.mark.django_db
def test_notice_goes_out_on_every_channel_once(personas, smtp, robot):
    unit = Unit.objects.get(name="县发改局")
    personas["reporter_b"].email = "reporter_b@example.gov.cn"
    personas["reporter_b"].save()
    reminder = notice(
        unit=unit,
        users=[personas["reporter_b"], personas["reporter_b"]],
        emails=["fgj@example.gov.cn", "REPORTER_B@example.gov.cn"],
        webhooks=[robot.url()],
    )
    assert reminder.state == DeliveryState.SENT and reminder.error == ""
    assert Message.objects.filter(user=personas["reporter_b"], subject="督办事项即将到期").count() == 1
    assert len(smtp.messages) == 1
    mail = smtp.messages[0]
    assert SmtpServer.subject_of(mail) == "【落实】督办事项即将到期"
    assert sorted(smtp.envelopes[0][1]) == ["fgj@example.gov.cn", "reporter_b@example.gov.cn"]
    assert "办理期限：6月12日（周四）" in SmtpServer.text_of(mail)
    assert "办理期限：6月12日（周四）" in SmtpServer.html_of(mail)
    assert len(robot.posts) == 1
    path, payload = robot.posts[0]
    assert payload["msgtype"] == "text"
    assert payload["text"]["content"].startswith("【落实】督办事项即将到期\n请区发改局")
    channels = sorted(ReminderDelivery.objects.filter(reminder=reminder).values_list("channel", flat=True))
    assert channels == sorted([Channel.INAPP, Channel.EMAIL, Channel.WEBHOOK])
    webhook_delivery = reminder.deliveries.get(channel=Channel.WEBHOOK)
    assert "unit-a" not in webhook_delivery.recipient and "key=…" in webhook_delivery.recipient

    again = notice(
        unit=unit, users=[personas["reporter_b"]], emails=["fgj@example.gov.cn"], webhooks=[robot.url()]
    )
    assert again is None
    assert Reminder.objects.count() == 1 and len(smtp.messages) == 1 and len(robot.posts) == 1
    assert Message.objects.filter(user=personas["reporter_b"]).count() == 1


@pytest.mark.django_db
@pytest.mark.parametrize("failure", ["http500", "refused", "errcode"])
def test_failed_webhook_is_recorded_and_blocks_nothing(personas, smtp, failure):
    if failure == "refused":
        url, server = f"http://127.0.0.1:{free_port()}/robot/send?access_token=secret", None
    else:
        answer = {"errcode": 93000, "errmsg": "invalid webhook url"} if failure == "errcode" else None
        server = RobotServer(status=500 if failure == "http500" else 200, answer=answer).__enter__()
        url = server.url()
    try:
        reminder = notice(users=[personas["head_a"]], emails=["gxj@example.gov.cn"], webhooks=[url])
    finally:
        if server:
            server.__exit__()
    # the robot is tried again later; the other channels are done
    assert reminder.state == DeliveryState.RETRY
    webhook = reminder.deliveries.get(channel=Channel.WEBHOOK)
    assert webhook.state == DeliveryState.RETRY and webhook.attempts == 1
    assert webhook.next_try_at is not None and "第 1 次发送未成功" in webhook.error
    expected = {"http500": "HTTP 500", "refused": "连接被拒绝", "errcode": "errcode 93000"}[failure]
    assert expected in webhook.error and expected in reminder.error
    assert "secret" not in webhook.recipient
    assert reminder.deliveries.get(channel=Channel.EMAIL).state == DeliveryState.SENT
    assert reminder.deliveries.get(channel=Channel.INAPP).state == DeliveryState.SENT
    assert len(smtp.messages) == 1
    assert Message.objects.filter(user=personas["head_a"]).count() == 1


@pytest.mark.django_db
def test_unreachable_mail_server_is_recorded(personas, settings, robot):
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", free_port()
    reminder = notice(emails=["gxj@example.gov.cn"], webhooks=[robot.url()])
    assert reminder.state == DeliveryState.RETRY
    assert "邮件发送失败" in reminder.deliveries.get(channel=Channel.EMAIL).error
    assert len(robot.posts) == 1


@pytest.mark.django_db
def test_notice_without_any_recipient_is_recorded_as_failed():
    reminder = notice(users=[], emails=["", " "], webhooks=[""])
    assert reminder.state == DeliveryState.FAILED and reminder.error == NO_RECIPIENT
    assert not reminder.deliveries.exists()


def test_webhook_address_is_shown_without_its_key():
    assert redact("https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=abc-123") == (
        "https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=…"
    )
