"""luoshi worker: bad options get a Chinese message naming them; --batch runs what is
queued and exits."""

import pytest
from django.core.management import CommandError, call_command


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--queue", "nightly"], "--queue 中的队列 nightly 不存在（可用：default、reminders）"),
        (["--queue", ","], "--queue 中的队列 （空） 不存在"),
        (["--interval", "-1"], "--interval 应为不小于 0 的秒数，收到 -1"),
        (["--schedule-interval", "0"], "--schedule-interval 应为正数（秒），收到 0"),
    ],
)
def test_bad_options_are_named_in_chinese(args, message):
    with pytest.raises(CommandError, match=message.replace("(", r"\(").replace(")", r"\)")):
        call_command("worker", *args)


def test_batch_worker_runs_the_queued_rebuild_and_exits(run_luoshi, fresh_database_url):
    assert run_luoshi("migrate", "-v0", database_url=fresh_database_url).returncode == 0
    queued = run_luoshi("status", "--rebuild", "--queue", database_url=fresh_database_url)
    assert queued.returncode == 0 and "放入后台任务队列" in queued.stdout
    done = run_luoshi("worker", "--batch", "--queue", "default", database_url=fresh_database_url)
    assert done.returncode == 0, done.stderr
    assert "后台任务进程 worker@" in done.stdout
    check = run_luoshi(
        "shell",
        "-c",
        "from django_tasks_db.models import DBTaskResult; print(list(DBTaskResult.objects.values_list('status', flat=True)))",
        database_url=fresh_database_url,
    )
    assert check.stdout.strip().splitlines()[-1] == "['SUCCESSFUL']"
