"""``luoshi tick`` run twice at once sends every reminder exactly once (real processes and
threads, a real SMTP server and a real group robot), and ``--loop`` stops cleanly on
SIGTERM. On SQLite and on PostgreSQL alike."""

import io
import json
import os
import signal
import subprocess
import threading
from collections import Counter

import pytest
from django.core.management import call_command
from django.db import connection

from luoshi.plans.models import Unit
from luoshi.reporting.choices import Channel, DeliveryState
from luoshi.reporting.models import Message, Reminder, ReminderDelivery
from luoshi.reporting.policy import policy_for
from tests.conftest import LUOSHI
from tests.plans.factories import make_plan
from tests.reporting.test_reminders_servers import RobotServer, SmtpServer, free_port

# 2025年9月下旬 (ends Tue 30 Sep) is due Thu 9 Oct, after 国庆: overdue the next working day,
# its heads still in their grace day; 10月上旬 (ends Fri 10 Oct) is due Sat 11 Oct (调休)
NEXT_WORKDAY = "2025-10-10T09:00"
QUIET_NIGHT = "2025-07-27T03:00"  # a Sunday night between reminders: nothing is due
SLOW_ROBOT = 0.05  # seconds per robot post, so that two runs are busy at the same time

# Run by ``luoshi shell -c`` in the subprocesses' database: every unit has a mailbox, a
# group robot, a reporter and a head; 县工信局 also has the office; one unit's robot is down.
CONTACTS = """
from django.contrib.auth import get_user_model
from luoshi.accounts.models import Profile
from luoshi.plans.models import Unit
from luoshi.plans.lookups import latest_plans
from luoshi.reporting.policy import policy_for
User = get_user_model()
for n, unit in enumerate(Unit.objects.order_by("pk"), start=1):
    unit.email = f"unit{{n}}@example.gov.cn"
    unit.webhook_url = "{refused}" if unit.name == "城关镇" else f"{robot}?key=unit{{n}}"
    unit.save()
    roles = ["reporter", "head"] + (["office"] if unit.name == "县工信局" else [])
    for role in roles:
        user = User.objects.create_user(f"{{role}}{{n}}", email=f"{{role}}{{n}}@example.gov.cn")
        Profile.objects.create(user=user, role=role, unit=unit)
policy = policy_for(latest_plans()[0])
policy.webhook_url = "{robot}?key=plan"
policy.save()
"""

STATE = """
import json
from collections import Counter
from luoshi.reporting.models import Message, Reminder, ReminderDelivery
print(json.dumps({
    "keys": sorted(Reminder.objects.values_list("key", flat=True)),
    "deliveries": sorted(
        f"{d.channel}:{d.state}" for d in ReminderDelivery.objects.all()
    ),
    "messages": Message.objects.count(),
    "inapp_recipients": sum(
        len(d.recipient.split("、")) for d in ReminderDelivery.objects.filter(channel="inapp")
    ),
}))
"""


def environment(tmp_path, database_url, smtp_port) -> dict:
    env = {k: v for k, v in os.environ.items() if not k.startswith("LUOSHI_")}
    env.update(
        LUOSHI_DATA_DIR=str(tmp_path / "data"),
        LUOSHI_SECRET_KEY="luoshi-tests-only",
        LUOSHI_DATABASE_URL=database_url,
        LUOSHI_EMAIL_HOST="127.0.0.1",
        LUOSHI_EMAIL_PORT=str(smtp_port),
    )
    return env


def luoshi(env, *args, tmp_path) -> subprocess.CompletedProcess:
    result = subprocess.run(
        [LUOSHI, *args], capture_output=True, text=True, env=env, timeout=180, cwd=tmp_path
    )
    assert result.returncode == 0, result.stderr
    return result


def prepared_database(tmp_path, database_url, smtp_port, robot_url) -> dict:
    env = environment(tmp_path, database_url, smtp_port)
    plan_file = tmp_path / "plan.json"
    plan_file.write_text(json.dumps(make_plan(), ensure_ascii=False), encoding="utf-8")
    luoshi(env, "migrate", "-v0", tmp_path=tmp_path)
    luoshi(env, "import", str(plan_file), tmp_path=tmp_path)
    refused = f"http://127.0.0.1:{free_port()}/send?key=down"
    luoshi(env, "shell", "-c", CONTACTS.format(robot=robot_url, refused=refused), tmp_path=tmp_path)
    return env


def test_two_ticks_at_once_send_every_reminder_exactly_once(tmp_path, fresh_database_url):
    with SmtpServer() as smtp, RobotServer(delay=SLOW_ROBOT) as robot:
        env = prepared_database(tmp_path, fresh_database_url, smtp.port, robot.url("/send"))
        planned = json.loads(
            luoshi(env, "tick", "--as-of", NEXT_WORKDAY, "--dry-run", "--json", tmp_path=tmp_path).stdout
        )
        expected_keys = sorted(r["key"] for r in planned["reminders"])
        assert len(expected_keys) >= 10  # 4 overdue, 4 heads, 1 office, 4 before the next period

        command = [LUOSHI, "tick", "--as-of", NEXT_WORKDAY, "--json"]
        runs = [
            subprocess.Popen(
                command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env, cwd=tmp_path
            )
            for _ in range(2)
        ]
        outputs = [run.communicate(timeout=180) for run in runs]
        for run, (_stdout, stderr) in zip(runs, outputs, strict=True):
            assert run.returncode == 0, stderr
            assert "Traceback" not in stderr
        summaries = [json.loads(stdout) for stdout, _ in outputs]
        assert sum(sum(s["sent"].values()) for s in summaries) == len(expected_keys)

        state = json.loads(
            luoshi(env, "shell", "-c", STATE, tmp_path=tmp_path).stdout.strip().splitlines()[-1]
        )
        assert state["keys"] == expected_keys
        deliveries = Counter(state["deliveries"])
        # every email once: as many mails as email deliveries, no two alike
        assert len(smtp.messages) == deliveries["email:sent"] == len(expected_keys)
        mails = Counter(
            (SmtpServer.subject_of(m), tuple(sorted(r)))
            for m, (_, r) in zip(smtp.messages, smtp.envelopes, strict=True)
        )
        assert set(mails.values()) == {1}
        # every robot post once; the robot that is down is a recorded failure
        posts = Counter((path, p["text"]["content"]) for path, p in robot.posts)
        assert len(robot.posts) == deliveries["webhook:sent"] and set(posts.values()) == {1}
        assert deliveries["webhook:retry"] == 2  # 城关镇's overdue and before reminders, tried again later
        assert state["messages"] == state["inapp_recipients"]

        again = json.loads(luoshi(env, "tick", "--as-of", NEXT_WORKDAY, "--json", tmp_path=tmp_path).stdout)
        assert again["due"] == 0
        assert len(smtp.messages) == len(expected_keys) and len(robot.posts) == deliveries["webhook:sent"]


@pytest.fixture
def smtp(settings):
    with SmtpServer() as server:
        settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
        settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", server.port
        yield server


@pytest.mark.django_db(transaction=True)
def test_two_ticks_in_threads_send_every_reminder_exactly_once(plan, personas, smtp):
    with RobotServer(delay=SLOW_ROBOT) as robot:
        for user in personas.values():
            user.email = f"{user.username}@example.gov.cn"
            user.save()
        for number, unit in enumerate(Unit.objects.all(), start=1):
            unit.email = f"unit{number}@example.gov.cn"
            unit.webhook_url = robot.url(f"/send?key=unit{number}")
            unit.save()
        policy = policy_for(plan)
        policy.webhook_url = robot.url("/send?key=plan")
        policy.save()

        start = threading.Barrier(2)
        outputs, errors = [], []

        def run():
            out = io.StringIO()
            try:
                start.wait()
                call_command("tick", "--as-of", NEXT_WORKDAY, "--json", stdout=out)
                outputs.append(json.loads(out.getvalue()))
            except Exception as exc:  # reported below, in the main thread
                errors.append(exc)
            finally:
                connection.close()

        threads = [threading.Thread(target=run) for _ in range(2)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=180)
        assert errors == [] and len(outputs) == 2

    reminders = Reminder.objects.count()
    assert reminders >= 10
    assert sum(sum(o["sent"].values()) for o in outputs) == reminders
    email = ReminderDelivery.objects.filter(channel=Channel.EMAIL, state=DeliveryState.SENT).count()
    assert (
        len(smtp.messages) == email == reminders - Reminder.objects.filter(state=DeliveryState.FAILED).count()
    )
    hooks = ReminderDelivery.objects.filter(channel=Channel.WEBHOOK, state=DeliveryState.SENT).count()
    assert len(robot.posts) == hooks
    assert set(Counter((path, p["text"]["content"]) for path, p in robot.posts).values()) == {1}
    for reminder in Reminder.objects.filter(deliveries__channel=Channel.INAPP):
        assert Message.objects.filter(subject=reminder.subject, body=reminder.body).count() == len(
            reminder.deliveries.get(channel=Channel.INAPP).recipient.split("、")
        )


def start_loop(env, tmp_path, as_of) -> subprocess.Popen:
    return subprocess.Popen(
        [LUOSHI, "tick", "--loop", "--interval", "3600", "--as-of", as_of, "--json"],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=env,
        cwd=tmp_path,
    )


def stop(loop: subprocess.Popen, signum) -> tuple[str, str]:
    try:
        loop.send_signal(signum)
        return loop.communicate(timeout=60)
    finally:
        if loop.poll() is None:
            loop.kill()
            loop.wait()


def test_tick_loop_exits_cleanly_on_sigterm_and_sigint(tmp_path, fresh_database_url):
    with SmtpServer() as smtp, RobotServer(delay=0.1) as robot:
        env = prepared_database(tmp_path, fresh_database_url, smtp.port, robot.url("/send"))
        for signum in (signal.SIGTERM, signal.SIGINT):
            loop = start_loop(env, tmp_path, QUIET_NIGHT)
            first_pass = json.loads(loop.stdout.readline())  # the first pass is done: now it waits
            assert first_pass["due"] == 0
            stdout, stderr = stop(loop, signum)
            assert loop.returncode == 0, (signum, stderr)
            assert stdout == "" and "Traceback" not in stderr

        # stopped in the middle of a pass: the reminder in hand is finished, the rest wait
        loop = start_loop(env, tmp_path, NEXT_WORKDAY)
        while not robot.posts and loop.poll() is None:
            threading.Event().wait(0.05)
        stdout, stderr = stop(loop, signal.SIGTERM)
        assert loop.returncode == 0, stderr
        assert "Traceback" not in stderr
        state = json.loads(
            luoshi(env, "shell", "-c", STATE, tmp_path=tmp_path).stdout.strip().splitlines()[-1]
        )
        assert "claimed" not in {d.split(":")[1] for d in state["deliveries"]}
        sent_before = len(state["keys"])
        assert sent_before >= 1
        rest = json.loads(luoshi(env, "tick", "--as-of", NEXT_WORKDAY, "--json", tmp_path=tmp_path).stdout)
        assert sent_before + sum(rest["sent"].values()) >= 10
        assert len(smtp.messages) == sent_before + sum(rest["sent"].values())
