"""Reporting reminders and ``luoshi tick`` in-process: who is told what and when, once,
against a real SMTP server and a real group-robot HTTP server.

The test plan (tests/plans/factories.py) reports by 旬. The national-day tests run on a
site that chose reports due 2 working days after the period (``two_workdays``; a stored
policy keeps its value, the default is 1). 2025年9月下旬 ends on Tue 30 Sep; 国庆 runs
1–8 Oct, so the report is due Fri 10 Oct, and the next working day is Sat 11 Oct (a 调休 working day). Due that period:
(一) 县工信局 leads, 县发改局 and 城关镇 cooperate; (二) 县发改局 leads, 县住建局(交通局)
cooperates. The office of 附件1 is 县工信局.
"""

import datetime as dt
import io

import pytest
from django.core.management import CommandError, call_command

from luoshi.accounts.permissions import SYSTEM
from luoshi.plans.models import Unit
from luoshi.reporting.choices import Channel, DeliveryState, ReminderKind
from luoshi.reporting.models import Message, Reminder
from luoshi.reporting.policy import policy_for
from luoshi.reporting.reminder_text import cn_date
from luoshi.reporting.reminders import due_reminders, windows
from luoshi.reporting.services import submit_report
from tests.clock import travel_to
from tests.reporting.helpers import report
from tests.reporting.test_reminders_servers import RobotServer, SmtpServer

PERIOD = "2025-09-3"
DUE = dt.date(2025, 10, 10)  # Fri, after 国庆
HOLIDAY = "2025-10-08T10:00"
BEFORE_EARLY = "2025-10-09T08:59"
BEFORE_MORNING = "2025-10-09T09:00"  # Thu: one working day before
DUE_MORNING = "2025-10-10T09:00"
DUE_EVENING = "2025-10-10T17:00"
NEXT_WORKDAY = "2025-10-11T09:00"  # Sat, a 调休 working day
MONDAY_AFTER = "2025-10-13T09:00"  # the end of the grace day for the 11th's reminders
TUESDAY_AFTER = "2025-10-14T09:00"
REPORTING_DAY = dt.date(2025, 10, 1)  # reports below are submitted on this day (国庆)
LATE_UNITS = ["县工信局", "县发改局", "城关镇", "县住建局(交通局)"]


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


@pytest.fixture
def contacts(plan, personas, robot):
    """Every user has an address; every unit a mailbox and its own group robot; the plan
    has a general robot."""
    for name, user in personas.items():
        user.email = f"{name}@example.gov.cn"
        user.save()
    for number, unit in enumerate(Unit.objects.all(), start=1):
        unit.email = f"unit{number}@example.gov.cn"
        unit.webhook_url = robot.url(f"/cgi-bin/webhook/send?key=unit{number}")
        unit.save()
    policy = policy_for(plan)
    policy.webhook_url = robot.url("/robot/send?access_token=plan")
    policy.save()
    return personas


@pytest.fixture
def two_workdays(plan):
    """The plan's policy as a site that chose 2 working days keeps it."""
    policy = policy_for(plan)
    policy.due_workdays = 2
    policy.save()
    return policy


def tick(*args) -> str:
    out = io.StringIO()
    call_command("tick", *args, stdout=out, stderr=out)
    return out.getvalue()


def kinds_for(period=PERIOD) -> list[tuple[str, str]]:
    return sorted(
        (r.kind, r.unit.name if r.unit else "") for r in Reminder.objects.filter(period__key=period)
    )


def submit(sid: str, unit_name: str, period: str = PERIOD):
    travel_to(REPORTING_DAY)
    return submit_report(SYSTEM, report(sid, unit_name, period))


def unit_robot_path(name: str) -> str:
    unit = Unit.objects.get(name=name)
    return unit.webhook_url.split("?")[1]


# ---------------------------------------------------------------- one overdue unit


@pytest.mark.django_db
def test_overdue_unit_is_told_once_in_app_by_email_and_in_its_group(two_workdays, contacts, smtp, robot):
    for sid, name in [
        ("附件1/一/(一)", "县工信局"),
        ("附件1/一/(一)", "城关镇"),
        ("附件1/一/(二)", "县住建局(交通局)"),
    ]:
        submit(sid, name)
    output = tick("--as-of", NEXT_WORKDAY)
    assert "发送提醒" in output

    overdue = Reminder.objects.get(kind=ReminderKind.OVERDUE, period__key=PERIOD)
    assert overdue.unit.name == "县发改局" and overdue.state == DeliveryState.SENT
    assert overdue.subject == "逾期催报：县发改局2025年9月下旬进度报告已逾期1个工作日"
    assert "报送期限：10月10日（周五）" in overdue.body
    assert "附件1/一/(一) 培育产业集群（配合）" in overdue.body
    assert "附件1/一/(二) 扩大有效投资" in overdue.body

    # in-app: one message to the unit's reporter
    assert Message.objects.filter(subject=overdue.subject).count() == 1
    assert Message.objects.get(subject=overdue.subject).user == contacts["reporter_b"]
    # email: one mail to the reporter and the unit's mailbox, received by the SMTP server
    mails = [m for m in smtp.messages if SmtpServer.subject_of(m) == f"【落实】{overdue.subject}"]
    assert len(mails) == 1
    assert sorted(smtp.recipients_of(mails[0])) == ["reporter_b@example.gov.cn", "unit2@example.gov.cn"]
    text = SmtpServer.text_of(mails[0])
    assert "报送期限：10月10日（周五），已逾期1个工作日" in text
    assert "附件1/一/(二) 扩大有效投资" in text
    assert "已逾期1个工作日" in SmtpServer.html_of(mails[0])
    # webhook: one robot text message in the unit's group
    posts = [p for path, p in robot.posts if unit_robot_path("县发改局") in path and "9月下旬" in str(p)]
    assert len(posts) == 1
    assert posts[0]["msgtype"] == "text"
    assert posts[0]["text"]["content"].startswith("【落实】逾期催报：县发改局")
    assert "报送期限：10月10日（周五）" in posts[0]["text"]["content"]

    # the other units reported: nothing for them in this period but the office's list
    assert kinds_for() == sorted(
        [
            (ReminderKind.OVERDUE, "县发改局"),
            (ReminderKind.ESCALATE_HEAD, "县发改局"),
            (ReminderKind.ESCALATE_OFFICE, "县工信局"),
        ]
    )
    office = Reminder.objects.get(kind=ReminderKind.ESCALATE_OFFICE, period__key=PERIOD)
    assert "以下1个单位尚未报送" in office.body and "1. 县发改局：2项" in office.body
    assert "城关镇" not in office.body

    counts = (Reminder.objects.count(), Message.objects.count(), len(smtp.messages), len(robot.posts))
    again = tick("--as-of", NEXT_WORKDAY)
    assert "没有到期的提醒" in again
    assert (Reminder.objects.count(), Message.objects.count(), len(smtp.messages), len(robot.posts)) == counts


# ---------------------------------------------------------------- timing


@pytest.mark.django_db
def test_reminders_follow_the_due_date_across_the_national_day_holiday(
    plan, two_workdays, contacts, smtp, robot
):
    assert policy_for(plan).due_workdays == 2 and policy_for(plan).remind_days_before == 1

    tick("--as-of", HOLIDAY)
    tick("--as-of", BEFORE_EARLY)
    assert kinds_for() == []

    tick("--as-of", BEFORE_MORNING)
    assert kinds_for() == sorted((ReminderKind.BEFORE, name) for name in LATE_UNITS)
    before = Reminder.objects.get(kind=ReminderKind.BEFORE, unit__name="县发改局")
    assert before.subject == "报送提醒：2025年9月下旬进度报告将于10月10日（周五）截止"

    tick("--as-of", DUE_MORNING)
    due_day = Reminder.objects.filter(period__key=PERIOD, kind=ReminderKind.DUE_DAY)
    assert sorted(r.unit.name for r in due_day) == sorted(LATE_UNITS)
    assert "报送期限：10月10日（周五），即今天" in due_day[0].body
    assert not Reminder.objects.filter(kind__startswith="escalate").exists()

    tick("--as-of", DUE_EVENING)
    heads = Reminder.objects.filter(period__key=PERIOD, kind=ReminderKind.ESCALATE_HEAD)
    assert sorted(r.unit.name for r in heads) == sorted(LATE_UNITS)
    head_b = heads.get(unit__name="县发改局")
    assert head_b.subject == "请督促报送：县发改局2025年9月下旬进度报告今日截止未报"
    assert "截至10月10日（周五）17:00" in head_b.body
    assert list(Message.objects.filter(subject=head_b.subject).values_list("user__username", flat=True)) == [
        "head_b"
    ]
    inapp = head_b.deliveries.get(channel=Channel.INAPP)
    assert inapp.recipient == "head_b"
    assert not head_b.deliveries.filter(channel=Channel.WEBHOOK).exists()  # not in the unit's group
    # units without a head user get a recorded failure, not silence
    nobody = heads.get(unit__name="城关镇")
    assert nobody.state == DeliveryState.FAILED and "没有接收人" in nobody.error
    assert not Reminder.objects.filter(kind__in=[ReminderKind.OVERDUE, ReminderKind.ESCALATE_OFFICE]).exists()

    tick("--as-of", NEXT_WORKDAY)
    overdue = Reminder.objects.filter(period__key=PERIOD, kind=ReminderKind.OVERDUE)
    assert sorted(r.unit.name for r in overdue) == sorted(LATE_UNITS)
    office = Reminder.objects.get(period__key=PERIOD, kind=ReminderKind.ESCALATE_OFFICE)
    assert office.unit.name == "县工信局"
    assert office.subject == "逾期未报：2025年9月下旬进度报告有4个单位已逾期1个工作日未报送"
    assert "截至10月11日（周六）09:00，以下4个单位尚未报送" in office.body
    assert "【附件1 产业攻坚实施方案】" in office.body
    assert (
        "县发改局：2项\n   附件1/一/(一) 培育产业集群（配合）\n   附件1/一/(二) 扩大有效投资" in office.body
    )
    assert Message.objects.filter(subject=office.subject, user=contacts["office"]).count() == 1
    hooks = office.deliveries.filter(channel=Channel.WEBHOOK)
    assert sorted(h.recipient.split("?")[1] for h in hooks) == ["access_token=…", "key=…"]
    assert len([p for path, p in robot.posts if "access_token=plan" in path]) == 1

    tick("--as-of", MONDAY_AFTER)
    tick("--as-of", TUESDAY_AFTER)
    assert Reminder.objects.filter(period__key=PERIOD).count() == len(kinds_for())
    assert len(kinds_for()) == 4 * 4 + 1
    assert (
        Reminder.objects.exclude(period__key=PERIOD).exclude(period__key__startswith="2025-10").count() == 0
    )


@pytest.mark.django_db
def test_a_reminder_missed_at_its_time_goes_out_on_the_next_working_day_only(two_workdays, contacts, smtp):
    planned, _ = due_reminders(_at(MONDAY_AFTER))
    late = [p for p in planned if p.span.key == PERIOD]
    # the heads' time was the 10th at 17:00, its grace day the 11th: gone by Monday
    assert {p.kind for p in late} == {ReminderKind.OVERDUE, ReminderKind.ESCALATE_OFFICE}
    assert all("已逾期2个工作日" in p.body for p in late)  # Sat 11 and Mon 13 October
    planned, _ = due_reminders(_at(TUESDAY_AFTER))
    assert [p for p in planned if p.span.key == PERIOD] == []
    # 当日 reminders are for the due date only; the heads' still goes out on its grace day
    planned, _ = due_reminders(_at("2025-10-11T08:00"))
    assert {p.kind for p in planned if p.span.key == PERIOD} == {ReminderKind.ESCALATE_HEAD}


def test_windows_on_the_official_calendar():
    spans = windows(DUE, 1, 0, 1)
    assert spans[ReminderKind.BEFORE][0] == _at(BEFORE_MORNING)
    assert spans[ReminderKind.DUE_DAY] == (_at(DUE_MORNING), _at("2025-10-11T00:00"))
    assert spans[ReminderKind.ESCALATE_HEAD][0] == _at(DUE_EVENING)
    assert spans[ReminderKind.OVERDUE][0] == _at(NEXT_WORKDAY)
    assert spans[ReminderKind.ESCALATE_OFFICE][0] == _at(NEXT_WORKDAY)
    # two working days before 10 Oct reaches back over the whole holiday to Sun 28 Sep (调休)
    assert windows(DUE, 2, 0, 1)[ReminderKind.BEFORE][0] == _at("2025-09-30T09:00")
    assert windows(DUE, 3, 0, 1)[ReminderKind.BEFORE][0] == _at("2025-09-29T09:00")
    assert ReminderKind.BEFORE not in windows(DUE, 0, 0, 1)
    assert windows(DUE, 1, 2, 3)[ReminderKind.ESCALATE_HEAD][0] == _at("2025-10-13T09:00")
    assert cn_date(DUE) == "10月10日（周五）"


@pytest.mark.django_db
def test_may_twelfth_units_told_in_their_group_at_nine_and_heads_at_five(plan, contacts, smtp, robot):
    """USERS.md: due Monday 12 May; at 9:00 the units that have not reported are told in
    their WeCom group; at 17:00 their heads. The default policy: 5月上旬 ends Sat 10 May,
    due the first working day after it."""
    assert policy_for(plan).due_workdays == 1
    travel_to(dt.date(2025, 5, 9))
    for sid, name in [("附件1/一/(一)", "县工信局"), ("附件1/一/(一)", "城关镇")]:
        submit_report(SYSTEM, report(sid, name, "2025-05-1"))
    submit_report(SYSTEM, report("附件1/一/(三)", "县政务服务中心", "2025-05-1"))

    tick("--as-of", "2025-05-12T09:00")
    told = Reminder.objects.filter(period__key="2025-05-1")
    assert sorted((r.kind, r.unit.name) for r in told) == [
        (ReminderKind.DUE_DAY, "县住建局(交通局)"),
        (ReminderKind.DUE_DAY, "县发改局"),
    ]
    group = [p["text"]["content"] for path, p in robot.posts if unit_robot_path("县发改局") in path]
    assert len(group) == 1 and "报送期限：5月12日（周一），即今天" in group[0]

    tick("--as-of", "2025-05-12T17:00")
    heads = told.filter(kind=ReminderKind.ESCALATE_HEAD)
    assert sorted(r.unit.name for r in heads) == ["县住建局(交通局)", "县发改局"]
    assert Message.objects.filter(user=contacts["head_b"], subject__startswith="请督促报送").count() == 1


# ---------------------------------------------------------------- who is not told


@pytest.mark.django_db
def test_units_that_submitted_get_nothing(contacts, smtp, robot):
    submit("附件1/一/(一)", "县工信局")
    submit("附件1/一/(一)", "县发改局")  # one of its two tasks
    for moment in (BEFORE_MORNING, DUE_MORNING, DUE_EVENING, NEXT_WORKDAY):
        tick("--as-of", moment)
    assert not Reminder.objects.filter(period__key=PERIOD, unit__name="县工信局").exclude(
        kind=ReminderKind.ESCALATE_OFFICE
    )
    assert (
        not Message.objects.filter(user__in=[contacts["reporter_a"], contacts["head_a"]])
        .exclude(subject__contains="2025年10月")
        .exclude(subject__startswith="待审核")
    )
    own_group = [p["text"]["content"] for path, p in robot.posts if unit_robot_path("县工信局") in path]
    assert [c for c in own_group if "9月下旬" in c and not c.startswith("【落实】逾期未报")] == []
    # the cooperator that reported half is reminded of the other half only
    overdue = Reminder.objects.get(kind=ReminderKind.OVERDUE, unit__name="县发改局", period__key=PERIOD)
    assert "尚有1项任务未报送" in overdue.body
    assert "扩大有效投资" in overdue.body and "培育产业集群" not in overdue.body
    office = Reminder.objects.get(kind=ReminderKind.ESCALATE_OFFICE, period__key=PERIOD)
    assert "县工信局：1项" not in office.body and "以下3个单位尚未报送" in office.body
    # a group phrase (县直有关单位) is nobody to remind
    assert not Reminder.objects.filter(unit__name="县直有关单位").exists()


@pytest.mark.django_db
def test_a_report_counts_from_the_moment_it_is_submitted(plan, contacts):
    policy = policy_for(plan)
    policy.remind_days_before = 5  # from Fri 26 Sep (Sun 28 Sep is a working day)
    policy.save()
    submit("附件1/一/(一)", "县工信局")  # on 1 October
    planned, _ = due_reminders(_at("2025-09-30T09:00"))
    assert "县工信局" in [p.unit.name for p in planned if p.span.key == PERIOD]
    planned, _ = due_reminders(_at(BEFORE_MORNING))
    assert "县工信局" not in [p.unit.name for p in planned if p.span.key == PERIOD]


@pytest.mark.django_db
def test_first_tick_after_import_does_not_chase_the_whole_past_year(contacts, smtp):
    tick("--as-of", NEXT_WORKDAY)
    assert set(Reminder.objects.values_list("period__key", flat=True)) == {PERIOD, "2025-10-1"}


# ---------------------------------------------------------------- failures and bad input


@pytest.mark.django_db
def test_failing_group_robot_is_recorded_and_blocks_nothing(plan, contacts, smtp):
    with RobotServer(status=500) as broken:
        Unit.objects.filter(name="县发改局").update(
            webhook_url=broken.url("/cgi-bin/webhook/send?key=broken")
        )
        output = tick("--as-of", NEXT_WORKDAY)
    assert "Traceback" not in output
    assert "未能全部送达" in output and "HTTP 500" in output
    overdue = Reminder.objects.get(kind=ReminderKind.OVERDUE, unit__name="县发改局", period__key=PERIOD)
    assert overdue.state == DeliveryState.RETRY
    webhook = overdue.deliveries.get(channel=Channel.WEBHOOK)
    assert webhook.state == DeliveryState.RETRY and "HTTP 500" in webhook.error
    assert overdue.deliveries.get(channel=Channel.EMAIL).state == DeliveryState.SENT
    assert Message.objects.filter(subject=overdue.subject, user=contacts["reporter_b"]).count() == 1
    assert len([m for m in smtp.messages if overdue.subject in SmtpServer.subject_of(m)]) == 1
    # the robot is tried again after the back-off, not at once; nothing else goes out again
    posts = len(broken.posts)
    assert "没有到期的提醒" in tick("--as-of", NEXT_WORKDAY)
    assert len(broken.posts) == posts
    assert len([m for m in smtp.messages if overdue.subject in SmtpServer.subject_of(m)]) == 1


@pytest.mark.django_db
def test_dry_run_sends_nothing(contacts, smtp, robot):
    output = tick("--as-of", NEXT_WORKDAY, "--dry-run")
    assert "试运行，未发送" in output and "逾期催报" in output
    assert not Reminder.objects.exists() and not smtp.messages and not robot.posts


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--as-of", "10月11日"], "--as-of 的值 '10月11日' 无效，应为 YYYY-MM-DDTHH:MM"),
        (["--interval", "0"], "--interval 应为正数"),
        (["--plan", "不存在的方案"], "找不到方案"),
    ],
)
def test_bad_input_gets_a_chinese_message(plan, args, message):
    with pytest.raises(CommandError, match=message.replace("(", r"\(")):
        tick(*args)
    assert not Reminder.objects.exists()


def _at(value: str) -> dt.datetime:
    from django.utils import timezone

    return timezone.make_aware(dt.datetime.fromisoformat(value))


def test_bad_input_from_the_command_line_exits_1_with_one_chinese_line(run_luoshi, tmp_path):
    result = run_luoshi("tick", "--as-of", "明天", database_url=f"sqlite:///{tmp_path / 'x.sqlite3'}")
    assert result.returncode == 1
    assert result.stderr.startswith("错误：--as-of 的值 '明天' 无效") and "Traceback" not in result.stderr
