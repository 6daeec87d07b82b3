"""The audit log is append-only and hash-chained: `luoshi audit verify` names the first row
that was edited, removed or reordered with SQL, on SQLite and PostgreSQL; concurrent writers
never fork the chain; `luoshi audit export` gives a span of days as CSV or Excel."""

import csv
import threading

import pytest
from django.db import connection, connections
from openpyxl import load_workbook

from luoshi.audit.choices import AuditAction
from luoshi.audit.models import AppendOnlyError, AuditLog
from luoshi.audit.services import record, verify_chain
from luoshi.cli import main as luoshi
from tests.conftest import ON_POSTGRES

pytestmark = pytest.mark.django_db


@pytest.fixture
def rows(db):
    """Six rows in the chain, as six writes would leave them."""
    return [
        record(action=AuditAction.CHANGE, username=f"tb{i}", operation="填写报告", object_repr=f"报告{i}")
        for i in range(1, 7)
    ]


def sql(statement, *params):
    with connection.cursor() as cursor:
        cursor.execute(statement.replace("?", "%s"), params)


def verify(capsys):
    code = luoshi(["audit", "verify"])
    out = capsys.readouterr()
    return code, out.out + out.err


def test_an_untouched_chain_verifies(rows, capsys):
    code, text = verify(capsys)
    assert code == 0 and "审计日志完整：共 6 条记录" in text
    assert [r.sequence for r in rows] == [1, 2, 3, 4, 5, 6]
    assert rows[3].prev_hash == rows[2].hash


def test_a_row_edited_with_sql_is_named(rows, capsys):
    sql("UPDATE audit_auditlog SET object_repr = ? WHERE id = ?", "报告X", rows[2].pk)
    code, text = verify(capsys)
    assert code == 1
    assert f"第 3 条（记录编号 {rows[2].pk}" in text and "内容被修改过" in text


def test_a_row_whose_hash_was_recomputed_breaks_the_next_link(rows, capsys):
    from luoshi.audit.chain import content_of, row_hash

    row = AuditLog.objects.get(pk=rows[2].pk)
    row.username = "someone-else"
    sql(
        "UPDATE audit_auditlog SET username = ?, hash = ? WHERE id = ?",
        "someone-else",
        row_hash(content_of(row), row.prev_hash),
        row.pk,
    )
    code, text = verify(capsys)
    assert code == 1 and "第 4 条" in text and "上一条校验值不符" in text


def test_a_row_deleted_with_sql_is_named(rows, capsys):
    sql("DELETE FROM audit_auditlog WHERE id = ?", rows[3].pk)
    code, text = verify(capsys)
    assert code == 1 and "第 4 条记录已被删除" in text and "其后的记录是第 5 条" in text


def test_the_last_rows_deleted_with_sql_are_named(rows, capsys):
    sql("DELETE FROM audit_auditlog WHERE id IN (?, ?)", rows[4].pk, rows[5].pk)
    code, text = verify(capsys)
    assert code == 1 and "最后的第 5–6 条记录已被删除" in text


def test_two_rows_swapped_in_order_with_sql_are_named(rows, capsys):
    a, b = rows[1], rows[4]
    sql("UPDATE audit_auditlog SET sequence = ? WHERE id = ?", -1, a.pk)
    sql("UPDATE audit_auditlog SET sequence = ? WHERE id = ?", 2, b.pk)
    sql("UPDATE audit_auditlog SET sequence = ? WHERE id = ?", 5, a.pk)
    code, text = verify(capsys)
    assert code == 1 and f"第 2 条（记录编号 {b.pk}" in text and "顺序被调换" in text


def test_rows_cannot_be_changed_or_removed_through_the_orm(rows):
    row = AuditLog.objects.get(pk=rows[0].pk)
    row.username = "x"
    with pytest.raises(AppendOnlyError):
        row.save()
    with pytest.raises(AppendOnlyError):
        row.delete()
    with pytest.raises(AppendOnlyError):
        AuditLog.objects.filter(pk=row.pk).update(username="x")
    with pytest.raises(AppendOnlyError):
        AuditLog.objects.all().delete()
    assert verify_chain().ok


@pytest.mark.skipif(not ON_POSTGRES, reason="SQLite serialises every write transaction")
@pytest.mark.django_db(transaction=True)
def test_concurrent_writers_never_fork_the_chain():
    from django.db import transaction

    writers, each = 8, 15
    barrier = threading.Barrier(writers)
    errors = []

    def write(n):
        try:
            barrier.wait()
            for i in range(each):
                with transaction.atomic():
                    record(action=AuditAction.CHANGE, username=f"w{n}", operation=f"写{i}")
        except Exception as exc:  # noqa: BLE001
            errors.append(exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=write, args=(n,)) for n in range(writers)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    assert sorted(AuditLog.objects.values_list("sequence", flat=True)) == list(range(1, writers * each + 1))
    assert verify_chain().ok


def test_export_gives_the_days_asked_as_csv_and_excel(rows, tmp_path, capsys):
    from luoshi.core import clock

    today = clock.today().isoformat()
    path = tmp_path / "审计.csv"
    assert luoshi(["audit", "export", "--from", today, "--to", today, "-o", str(path)]) == 0
    with path.open(encoding="utf-8-sig") as handle:
        table = list(csv.reader(handle))
    assert table[0][:6] == ["序号", "时间", "用户", "来源地址", "操作类别", "操作"]
    assert [r[0] for r in table[1:]] == ["1", "2", "3", "4", "5", "6"]
    assert table[1][2] == "tb1" and table[1][8] == "报告1"
    book = tmp_path / "审计.xlsx"
    assert luoshi(["audit", "export", "--from", today, "--to", today, "-o", str(book)]) == 0
    sheet = load_workbook(book)["审计日志"]
    assert sheet.max_row == 2 + 6
    capsys.readouterr()
    assert luoshi(["audit", "export", "--from", "2020-01-01", "--to", "2020-06-30"]) == 0
    assert capsys.readouterr().out.strip().splitlines()[1:] == []


def test_export_refuses_bad_dates_in_chinese(rows, capsys):
    assert luoshi(["audit", "export", "--from", "2025-13-01", "--to", "2025-12-31"]) == 1
    assert "--from 应为日期" in capsys.readouterr().err
    assert luoshi(["audit", "export", "--from", "2025-07-01", "--to", "2025-01-01"]) == 1
    assert "晚于截止日期" in capsys.readouterr().err


# ---------------------------------------------------------------- the organisation in the chain


@pytest.fixture
def org_rows(db):
    """Three rows of a district's reporter: the first written before the organisation was
    hashed (rule 1, as every row of an older install is), the other two by rule 2."""
    from django.contrib.auth import get_user_model

    from luoshi.accounts.models import Profile
    from luoshi.audit.services import _append, _row, current_origin
    from luoshi.plans.models import Organisation

    district = Organisation.objects.create(name="武陵区", level="district")
    Organisation.objects.create(name="鼎城区", level="district")
    user = get_user_model().objects.create_user("wl_tb", password="Luoshi@2025x")
    Profile.objects.create(user=user, role="reporter", organisation=district)
    old = _row(
        action=AuditAction.CHANGE,
        user=user,
        operation="填写报告",
        object_repr="报告1",
        origin=current_origin(),
    )
    old.hash_version = 1
    _append([old], current_origin())
    new = [
        record(action=AuditAction.CHANGE, user=user, operation="提交报告", object_repr=f"报告{i}")
        for i in (2, 3)
    ]
    return [old, *new]


def test_rows_are_hashed_with_their_organisation_and_old_rows_by_the_old_rule(org_rows, capsys):
    district = org_rows[0].organisation
    assert [(r.hash_version, r.organisation_id) for r in org_rows] == [
        (1, district.pk),
        (2, district.pk),
        (2, district.pk),
    ]
    code, text = verify(capsys)
    assert code == 0 and "审计日志完整：共 3 条记录" in text, text


def test_a_rows_organisation_changed_with_sql_is_named(org_rows, capsys):
    from luoshi.plans.models import Organisation

    other = Organisation.objects.get(name="鼎城区")
    sql("UPDATE audit_auditlog SET organisation_id = ? WHERE id = ?", other.pk, org_rows[1].pk)
    code, text = verify(capsys)
    assert code == 1
    assert f"第 2 条（记录编号 {org_rows[1].pk}" in text and "内容被修改过" in text, text


def test_a_row_taken_back_to_the_old_rule_with_sql_is_named(org_rows, capsys):
    """Rule 1 leaves the organisation out: a row moved to it to hide a changed organisation
    no longer matches its hash."""
    from luoshi.plans.models import Organisation

    other = Organisation.objects.get(name="鼎城区")
    sql(
        "UPDATE audit_auditlog SET organisation_id = ?, hash_version = 1 WHERE id = ?",
        other.pk,
        org_rows[2].pk,
    )
    code, text = verify(capsys)
    assert code == 1 and f"第 3 条（记录编号 {org_rows[2].pk}" in text, text
    sql("UPDATE audit_auditlog SET hash_version = 7 WHERE id = ?", org_rows[2].pk)
    code, text = verify(capsys)
    assert code == 1 and "校验规则编号 7 无效" in text, text
