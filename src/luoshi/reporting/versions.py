"""The data version of an organisation, kept by the database: every write moves it.

``board.data_version(org)`` tells the boards whether anything their figures are made of
changed (reports' kept rows, targets' values, milestones, policies, plans, tasks, units,
organisations, task links) in an organisation and those below it. It used to count and
date those rows on every page view; now database triggers on each of those tables note
every insert, update and delete, in the writing statement's own transaction, as a row of
``VersionLog`` (the organisation, the table, one change, the rows added or taken away);
``fold()`` adds the log into ``OrgVersion`` (one row per organisation and table: its
changes and rows so far) now and then. A version is read in one small query over those
two tables for the organisation's subtree, whatever the size of its data; a bulk write
(an import, ``bench-data``'s COPY, a command's UPDATE) moves it as a page's write does,
since the database, not the code that writes, keeps it.

Why a log, not counters updated in place: an UPDATE of a shared counter row would lock it
until the writer commits, and writers that lock the audit chain's head before it and after
it could wait on each other; appending a row locks nothing another writer needs. On
PostgreSQL the triggers are statement-level, with transition tables: one log row per
organisation per statement however many rows it wrote. SQLite has row-level triggers
only, and one writer at a time.

A table's part of the version is its change counters per organisation (any committed
write in the subtree moves one up, so the part differs from every earlier one, however
transactions interleave) and, for counted tables, its rows in the subtree (exact: what
``cityboard`` compares with the rows made since). The triggers are (re)installed and the
rows counted by the migration that made the version's tables, and again after any
``migrate`` that found a trigger missing (``ensure``): a migration that rebuilds a table on
SQLite drops the table's triggers with it.
"""

from collections import defaultdict

from django.db import connection, connections, transaction

# How a row of each versioned table leads to its organisation(s), as SQL on the row ``{r}``
# (``NEW``/``OLD`` in an SQLite trigger, a transition table's row on PostgreSQL); an
# organisation that no longer exists gives NULL (nothing is noted for it). The order is the
# layout of the version (``cityboard`` reads parts of it by place); ``True``: its rows are
# counted too (tables whose rows are deleted).
_VIA_TASK = (
    "(SELECT o.id FROM plans_task t JOIN plans_plan p ON p.id = t.plan_id "
    "JOIN plans_organisation o ON o.id = p.organisation_id WHERE t.id = {r}.{column})"
)
_OWN = "(SELECT o.id FROM plans_organisation o WHERE o.id = {r}.{column})"
PARTS: tuple[tuple[str, bool, tuple[str, ...]], ...] = (
    ("reporting_standing", True, (_VIA_TASK.replace("{column}", "task_id"),)),
    (
        "reporting_targetvalue",
        True,
        (
            "(SELECT o.id FROM plans_target g JOIN plans_plan p ON p.id = g.plan_id "
            "JOIN plans_organisation o ON o.id = p.organisation_id WHERE g.id = {r}.target_id)",
        ),
    ),
    ("reporting_milestone", True, (_VIA_TASK.replace("{column}", "task_id"),)),
    ("reporting_reportingpolicy", False, (_OWN.replace("{column}", "organisation_id"),)),
    ("reporting_campaigncadence", True, (_OWN.replace("{column}", "organisation_id"),)),
    ("plans_plan", True, (_OWN.replace("{column}", "organisation_id"),)),
    (
        "plans_task",
        True,
        (
            "(SELECT o.id FROM plans_plan p JOIN plans_organisation o ON o.id = p.organisation_id "
            "WHERE p.id = {r}.plan_id)",
        ),
    ),
    ("plans_taskunit", True, (_VIA_TASK.replace("{column}", "task_id"),)),
    ("plans_unit", True, (_OWN.replace("{column}", "organisation_id"),)),
    # an organisation added, renamed, moved or removed: its own part and its parent's
    ("plans_organisation", True, ("{r}.id", _OWN.replace("{column}", "parent_id"))),
    # a link belongs to the organisations of both its tasks
    (
        "plans_tasklink",
        True,
        (_VIA_TASK.replace("{column}", "upper_id"), _VIA_TASK.replace("{column}", "lower_id")),
    ),
)
LOG, KEPT = "reporting_versionlog", "reporting_orgversion"
FOLD_AT = 500  # a version read over this many log rows folds the log first


# ---------------------------------------------------------------- the triggers


def _name(table: str, op: str) -> str:
    return f"luoshi_version_{table}_{op}"


def _postgresql(table: str, routes: tuple[str, ...]) -> list[str]:
    """Statement-level triggers with transition tables, one per operation."""
    statements = []
    for op, sources in (
        ("insert", (("new_rows", "1"),)),
        ("delete", (("old_rows", "-1"),)),
        ("update", (("new_rows", "1"), ("old_rows", "-1"))),
    ):
        rows = " UNION ALL ".join(
            f"SELECT {route.format(r='r')} AS org, {sign} AS d FROM {source} r"
            for source, sign in sources
            for route in routes
        )
        name = _name(table, op)
        statements.append(
            f"CREATE OR REPLACE FUNCTION {name}() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN "
            f"INSERT INTO {LOG} (organisation_id, part, changes, delta) "
            f"SELECT org, '{table}', COUNT(*), SUM(d) FROM ({rows}) x WHERE org IS NOT NULL GROUP BY org; "
            "RETURN NULL; END $$"
        )
        referencing = {
            "insert": "NEW TABLE AS new_rows",
            "delete": "OLD TABLE AS old_rows",
            "update": "OLD TABLE AS old_rows NEW TABLE AS new_rows",
        }[op]
        statements.append(f"DROP TRIGGER IF EXISTS {name} ON {table}")
        statements.append(
            f"CREATE TRIGGER {name} AFTER {op.upper()} ON {table} REFERENCING {referencing} "
            f"FOR EACH STATEMENT EXECUTE FUNCTION {name}()"
        )
    return statements


def _sqlite(table: str, routes: tuple[str, ...]) -> list[str]:
    """Row-level triggers, one per operation."""
    statements = []
    for op, sources in (
        ("insert", (("NEW", "1"),)),
        ("delete", (("OLD", "-1"),)),
        ("update", (("NEW", "1"), ("OLD", "-1"))),
    ):
        rows = " UNION ALL ".join(
            f"SELECT {route.format(r=source)} AS org, {sign} AS d"
            for source, sign in sources
            for route in routes
        )
        name = _name(table, op)
        statements.append(f"DROP TRIGGER IF EXISTS {name}")
        statements.append(
            f"CREATE TRIGGER {name} AFTER {op.upper()} ON {table} FOR EACH ROW BEGIN "
            f"INSERT INTO {LOG} (organisation_id, part, changes, delta) "
            f"SELECT org, '{table}', COUNT(*), SUM(d) FROM ({rows}) WHERE org IS NOT NULL GROUP BY org; END"
        )
    return statements


def _forget_removed(vendor: str) -> list[str]:
    """An organisation removed takes its version with it (SQLite may give its id again)."""
    if vendor == "postgresql":
        name = "luoshi_version_forget"
        return [
            f"CREATE OR REPLACE FUNCTION {name}() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN "
            f"DELETE FROM {KEPT} WHERE organisation_id IN (SELECT id FROM old_rows); "
            f"DELETE FROM {LOG} WHERE organisation_id IN (SELECT id FROM old_rows); RETURN NULL; END $$",
            f"DROP TRIGGER IF EXISTS {name} ON plans_organisation",
            f"CREATE TRIGGER {name} AFTER DELETE ON plans_organisation REFERENCING OLD TABLE AS old_rows "
            f"FOR EACH STATEMENT EXECUTE FUNCTION {name}()",
        ]
    return [
        "DROP TRIGGER IF EXISTS luoshi_version_forget",
        "CREATE TRIGGER luoshi_version_forget AFTER DELETE ON plans_organisation FOR EACH ROW BEGIN "
        f"DELETE FROM {KEPT} WHERE organisation_id = OLD.id; "
        f"DELETE FROM {LOG} WHERE organisation_id = OLD.id; END",
    ]


OPS = ("insert", "delete", "update")


def _names() -> set[str]:
    return {_name(table, op) for table, _counted, _routes in PARTS for op in OPS} | {"luoshi_version_forget"}


def _installed(connection) -> set[str]:
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("SELECT tgname FROM pg_trigger WHERE tgname LIKE 'luoshi_version_%'")
        else:
            cursor.execute(
                "SELECT name FROM sqlite_master WHERE type = 'trigger' AND name LIKE 'luoshi_version_%'"
            )
        return {name for (name,) in cursor.fetchall()}


def ensure(using: str = "default", **_kwargs) -> None:
    """After every ``migrate`` (and ``flush``): the triggers installed again if any is
    missing (a migration that rebuilds a table on SQLite drops the table's triggers with
    it, and what it wrote meanwhile was not noted), the rows then counted afresh."""
    connection = connections[using]
    tables = set(connection.introspection.table_names())
    if not {LOG, KEPT, *(table for table, _counted, _routes in PARTS)} <= tables:
        return  # not migrated this far
    if not _names() <= _installed(connection):
        install(using)


def uninstall(using: str = "default") -> None:
    """The triggers dropped (the migration that made the version's tables, undone)."""
    connection = connections[using]
    on_table = {_name(table, op): table for table, _counted, _routes in PARTS for op in OPS}
    on_table["luoshi_version_forget"] = "plans_organisation"
    with connection.cursor() as cursor:
        for name, table in sorted(on_table.items()):
            if connection.vendor == "postgresql":
                cursor.execute(f"DROP TRIGGER IF EXISTS {name} ON {table}")
                cursor.execute(f"DROP FUNCTION IF EXISTS {name}()")
            else:
                cursor.execute(f"DROP TRIGGER IF EXISTS {name}")


def install(using: str = "default") -> None:
    """(Re)install the triggers and count every organisation's rows afresh; every
    version moves."""
    connection = connections[using]
    make = _postgresql if connection.vendor == "postgresql" else _sqlite
    with transaction.atomic(using=using), connection.cursor() as cursor:
        if connection.vendor == "postgresql":  # writers wait (and those under way finish) until counted
            cursor.execute(f"LOCK TABLE {LOG} IN EXCLUSIVE MODE")
        for table, _counted, routes in PARTS:
            for statement in make(table, routes):
                cursor.execute(statement)
        for statement in _forget_removed(connection.vendor):
            cursor.execute(statement)
        cursor.execute(f"SELECT organisation_id, part, changes FROM {KEPT}")
        before = {(org, part): changes for org, part, changes in cursor.fetchall()}
        cursor.execute(
            f"SELECT organisation_id, part, SUM(changes) FROM {LOG} GROUP BY organisation_id, part"
        )
        for org, part, changes in cursor.fetchall():
            before[(org, part)] = before.get((org, part), 0) + changes
        cursor.execute(f"DELETE FROM {LOG}")
        cursor.execute(f"DELETE FROM {KEPT}")
        counted: dict[tuple[int, str], int] = defaultdict(int)
        for table, _counted, routes in PARTS:
            rows = " UNION ALL ".join(
                f"SELECT {route.format(r='r')} AS org FROM {table} r" for route in routes
            )
            cursor.execute(f"SELECT org, COUNT(*) FROM ({rows}) x WHERE org IS NOT NULL GROUP BY org")
            for org, n in cursor.fetchall():
                counted[(org, table)] += n
        keys = sorted(set(counted) | set(before))
        cursor.executemany(
            f"INSERT INTO {KEPT} (organisation_id, part, changes, row_count) VALUES (%s, %s, %s, %s)",
            [(org, part, before.get((org, part), 0) + 1, counted.get((org, part), 0)) for org, part in keys],
        )


# ---------------------------------------------------------------- reading and folding


def _subtree() -> str:
    return "SELECT id FROM plans_organisation WHERE path LIKE (SELECT path FROM plans_organisation WHERE id = %s) || '%%'"


def read(organisation_id: int | None) -> tuple:
    """The version of an organisation and those below it (None: the installation), laid
    out as ``PARTS``: each table's changes (a mark that differs from every earlier one)
    and, for counted tables, its rows."""
    where, params = "", []
    if organisation_id is not None:
        where, params = f"WHERE organisation_id IN ({_subtree()})", [organisation_id]
    sql = (
        "SELECT organisation_id, part, SUM(changes), SUM(n), SUM(logged) FROM ("
        f"SELECT organisation_id, part, changes, row_count AS n, 0 AS logged FROM {KEPT} {where} UNION ALL "
        f"SELECT organisation_id, part, changes, delta, 1 FROM {LOG} {where}"
        ") x GROUP BY organisation_id, part"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, params * 2)
        found = cursor.fetchall()
    logged = sum(int(row[4]) for row in found)
    changes: dict[str, list[tuple[int, int]]] = defaultdict(list)
    rows: dict[str, int] = defaultdict(int)
    for org, part, n_changes, n_rows, _logged in found:
        changes[part].append((org, int(n_changes)))
        rows[part] += int(n_rows)
    version: list[str] = []
    for table, counted, _routes in PARTS:
        marks = sorted(changes[table])
        version.append(f"{sum(n for _org, n in marks)}:{hash(tuple(marks)):x}")
        if counted:
            version.append(str(rows[table]))
    if logged >= FOLD_AT:
        fold()
    return tuple(version)


def fold() -> int:
    """Add the log into the kept versions (the versions read are the same before and
    after); returns how many log rows were folded. Each log row is taken by one fold only
    (``DELETE … RETURNING``), however many run at once."""
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(f"DELETE FROM {LOG} RETURNING organisation_id, part, changes, delta")
        taken = cursor.fetchall()
        sums: dict[tuple[int, str], list[int]] = {}
        for org, part, changes, delta in taken:
            total = sums.setdefault((org, part), [0, 0])
            total[0] += changes
            total[1] += delta
        cursor.executemany(
            f"INSERT INTO {KEPT} (organisation_id, part, changes, row_count) VALUES (%s, %s, %s, %s) "
            f"ON CONFLICT (organisation_id, part) DO UPDATE SET changes = {KEPT}.changes + excluded.changes, "
            f"row_count = {KEPT}.row_count + excluded.row_count",
            [(org, part, changes, delta) for (org, part), (changes, delta) in sorted(sums.items())],
        )
        return len(taken)
