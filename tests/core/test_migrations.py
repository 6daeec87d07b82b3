"""The models and the migrations agree."""

import pytest
from django.core.management import call_command


@pytest.mark.django_db
def test_no_model_change_lacks_a_migration(capsys):
    try:
        call_command("makemigrations", "--check", "--dry-run", verbosity=1)
    except SystemExit:
        pytest.fail("模型有改动但没有迁移文件：\n" + capsys.readouterr().out)


HISTORY_TABLES = {
    # app, migration before the renames, table, (old time, old reason) → (new time, new reason)
    "reporting": ("0002_reminder_deliveries", "reporting_reporttransition", ("at", "reason")),
    "supervision": ("0001_supervision_items", "supervision_itemtransition", ("at", "comment")),
    "bulletins": ("0001_bulletins", "bulletins_bulletintransition", ("at", "note")),
    "projects": ("0001_major_projects", "projects_projectchange", ("at", "reason")),
}


def history_rows(table: str, time: str, reason: str) -> list[tuple]:
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(f"SELECT id, {time}, {reason} FROM {table} ORDER BY id")  # noqa: S608 - fixed names
        return [(pk, str(when), why) for pk, when, why in cursor.fetchall()]


@pytest.mark.django_db(transaction=True)
def test_history_renames_keep_every_row_both_ways(plan, personas):
    """The four history tables renamed their time to ``created_at`` and their why to
    ``reason``: going back and forth over the migrations keeps every row."""
    import datetime as dt

    from luoshi.accounts.permissions import SYSTEM
    from luoshi.bulletins.services import create_bulletin
    from luoshi.plans.models import Unit
    from luoshi.projects.services import import_projects
    from luoshi.reporting.services import approve_report, return_report, submit_report
    from luoshi.supervision.services import create_item
    from tests.clock import travel_to
    from tests.core.test_sheets import upload
    from tests.reporting.helpers import report

    travel_to(dt.date(2025, 5, 9))
    submitted = submit_report(SYSTEM, report("附件1/一/(二)", "县发改局"))
    return_report(SYSTEM, approve_report(SYSTEM, submitted), "进度数据与佐证不符")
    create_item(
        SYSTEM,
        content="园区用地指标未落实",
        lead_unit=Unit.objects.get(name="县发改局"),
        deadline=dt.date(2025, 5, 30),
        source="instruction",
        comment="县长批示",
    )
    create_bulletin(SYSTEM, plan, dt.date(2025, 4, 1))
    import_projects(
        SYSTEM, upload(["项目编号", "项目名称", "责任单位"], [["XM-01", "标准厂房", "县发改局"]]), "台账.xlsx"
    )
    before = {
        app: history_rows(table, "created_at", "reason") for app, (_, table, _) in HISTORY_TABLES.items()
    }
    assert all(before.values()) and ("进度数据与佐证不符" in {r[2] for r in before["reporting"]})

    for app, (previous, _, _) in HISTORY_TABLES.items():
        call_command("migrate", app, previous, verbosity=0)
    old = {app: history_rows(table, *names) for app, (_, table, names) in HISTORY_TABLES.items()}
    call_command("migrate", verbosity=0)
    after = {
        app: history_rows(table, "created_at", "reason") for app, (_, table, _) in HISTORY_TABLES.items()
    }
    assert old == before == after
