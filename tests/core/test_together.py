"""Writes sent together (``core.together``): all of them land, as ``bulk_create`` would
write them (upserts included), the new rows' keys come back in order, a failing one
leaves nothing of the others; on PostgreSQL they are one statement."""

import pytest
from django.contrib.auth import get_user_model
from django.db import IntegrityError, connection, transaction
from django.test.utils import CaptureQueriesContext

from luoshi.core.together import Together
from luoshi.reporting.models import Message

pytestmark = pytest.mark.django_db


def test_writes_sent_together_all_land_and_their_keys_come_back_in_order():
    users = [get_user_model().objects.create_user(f"u{i}") for i in range(3)]
    together = Together()
    handed = []
    messages = [Message(user=user, subject=f"第{i}条") for i, user in enumerate(users)]
    together.insert(Message, messages, then=handed.extend)
    together.insert(Message, [Message(user=users[0], subject="另一条")])
    table = get_user_model()._meta.db_table
    together.add(f"UPDATE {table} SET first_name = %s WHERE id = %s", ["张三", users[2].pk])
    with CaptureQueriesContext(connection) as queries, transaction.atomic():
        together.run()
    statements = [q for q in queries.captured_queries if "SAVEPOINT" not in q["sql"]]
    assert len(statements) == (1 if connection.vendor == "postgresql" else 3)
    assert handed == [m.pk for m in messages] and handed == sorted(handed)
    assert [Message.objects.get(pk=pk).subject for pk in handed] == ["第0条", "第1条", "第2条"]
    assert Message.objects.filter(subject="另一条").count() == 1
    assert get_user_model().objects.get(pk=users[2].pk).first_name == "张三"


def test_a_failing_write_leaves_nothing_of_the_others():
    user = get_user_model().objects.create_user("u")
    together = Together()
    together.insert(Message, [Message(user=user, subject="留下？")])
    together.insert(Message, [Message(user=user, subject=None)])  # NOT NULL
    with pytest.raises(IntegrityError), transaction.atomic():
        together.run()
    assert not Message.objects.exists()
