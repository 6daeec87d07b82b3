"""Writes sent to the database together: on PostgreSQL in one round trip, as the
data-modifying ``WITH`` clauses of one statement; on SQLite one by one, as before.

For the end of a write that makes several inserts and updates whose outcome nobody reads
before the next (the submission's transitions, kept row, audit rows, chain head and
messages): each is one statement the ORM builds as it would run it (``insert`` is
``bulk_create``'s insert, upsert included); ``run`` sends them.

What PostgreSQL's data-modifying ``WITH`` asks, and the callers here keep: the
statements see the database as it was before all of them (none reads what another
writes) and no two change the same row. A statement may return its rows' primary keys
(``returning``), handed to ``then`` after the run.
"""

from collections.abc import Callable

from django.db import DEFAULT_DB_ALIAS, connections
from django.db.models import AutoField, Model
from django.db.models.constants import OnConflict
from django.db.models.sql import InsertQuery


class Together:
    def __init__(self, using: str = DEFAULT_DB_ALIAS):
        self.using = using
        # sql, params, then (None: nothing returned)
        self.statements: list[tuple[str, list, Callable[[list], None] | None]] = []

    def add(self, sql: str, params, then: Callable[[list], None] | None = None) -> None:
        """A statement in the backend's placeholder style (``then``: it ends with
        ``RETURNING`` one column, whose values ``then`` receives)."""
        self.statements.append((sql, list(params), then))

    def insert(
        self,
        model: type[Model],
        objs: list,
        *,
        then: Callable[[list], None] | None = None,
        update_fields: list[str] | None = None,
        unique_fields: list[str] | None = None,
    ) -> None:
        """``model.objects.bulk_create(objs)`` (with ``update_fields`` and
        ``unique_fields``: ``update_conflicts``) sent with the others; with ``then`` the
        new primary keys are set on ``objs`` and handed to it, in order."""
        if not objs:
            return
        opts = model._meta
        connection = connections[self.using]
        fields = [f for f in opts.concrete_fields if not f.generated and not isinstance(f, AutoField)]
        query = InsertQuery(
            model,
            on_conflict=OnConflict.UPDATE if update_fields else None,
            update_fields=[opts.get_field(n) for n in update_fields or ()],
            unique_fields=[opts.get_field(n) for n in unique_fields or ()],
        )
        query.insert_values(fields, objs)
        compiler = query.get_compiler(using=self.using)
        compiler.returning_fields = [opts.pk] if then is not None else None
        statements = compiler.as_sql()
        if len(statements) != 1 or (
            then is not None and not connection.features.can_return_rows_from_bulk_insert
        ):
            raise ValueError("Together.insert: one statement returning its rows is needed")
        sql, params = statements[0]

        def done(pks: list) -> None:
            if not update_fields:  # new rows: their keys come from a sequence, in order
                pks = sorted(pks)
            for obj, pk in zip(objs, pks, strict=True):
                obj.pk = pk
                obj._state.adding, obj._state.db = False, self.using
            if then is not None:
                then(pks)

        for obj in objs:
            obj._state.adding, obj._state.db = False, self.using
        self.add(sql, params, done if then is not None else None)

    def run(self) -> None:
        statements, self.statements = self.statements, []
        if not statements:
            return
        connection = connections[self.using]
        with connection.cursor() as cursor:
            if connection.vendor != "postgresql" or len(statements) == 1:
                for sql, params, then in statements:
                    cursor.execute(sql, params)
                    if then is not None:
                        then([row[0] for row in cursor.fetchall()])
                return
            clauses, params, selects = [], [], []
            for index, (sql, own, then) in enumerate(statements):
                clauses.append(f"s{index} AS ({sql})")
                params.extend(own)
                if then is not None:
                    selects.append(f"SELECT {index}, * FROM s{index}")
            final = " UNION ALL ".join(selects) if selects else "SELECT NULL, NULL"
            cursor.execute(f"WITH {', '.join(clauses)} {final}", params)
            returned: dict[int, list] = {}
            for index, value in cursor.fetchall():
                if index is not None:
                    returned.setdefault(index, []).append(value)
            for index, (_sql, _own, then) in enumerate(statements):
                if then is not None:
                    then(returned.get(index, []))
