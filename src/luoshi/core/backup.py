"""Backing the database up to one file and restoring it from one.

SQLite through its online backup API (``sqlite3.Connection.backup``): a consistent copy
while the server keeps working, written page by page into a new SQLite file; a restore
copies the pages back the same way. PostgreSQL through ``pg_dump`` / ``pg_restore`` in
their custom format, in one transaction. A restore over a database that holds Luoshi's
tables needs ``overwrite=True`` (``luoshi restore --yes``). Errors are ``BackupError``
with a Chinese message.
"""

import os
import shutil
import sqlite3
import subprocess
from pathlib import Path

from django.db import connection

SQLITE_MAGIC = b"SQLite format 3\x00"
PG_MAGIC = b"PGDMP"


class BackupError(Exception):
    """A backup or restore refused or failed; the message says why, in Chinese."""


def _kind_of_database() -> str:
    if connection.vendor in ("sqlite", "postgresql"):
        return connection.vendor
    raise BackupError(f"不支持备份 {connection.vendor} 数据库（只支持 SQLite 和 PostgreSQL）")


def has_tables() -> bool:
    """Whether the configured database holds any of Luoshi's tables."""
    return "django_migrations" in connection.introspection.table_names()


def backup(path: str | Path, *, overwrite: bool = False) -> str:
    """Write the whole database to ``path``; returns what was backed up, in words."""
    path = Path(path)
    if path.exists() and not overwrite:
        raise BackupError(f"{path} 已存在：换一个文件名，或加上 --yes 覆盖它")
    if not path.parent.is_dir():
        raise BackupError(f"目录 {path.parent} 不存在")
    kind = _kind_of_database()
    if not has_tables():
        raise BackupError("数据库还没有建立（请先运行 luoshi migrate），没有可备份的内容")
    if kind == "sqlite":
        return _backup_sqlite(path)
    return _backup_postgres(path)


def restore(path: str | Path, *, overwrite: bool = False) -> str:
    """Replace the database's contents by the backup at ``path``."""
    path = Path(path)
    if not path.is_file():
        raise BackupError(f"找不到备份文件 {path}")
    with path.open("rb") as file:
        head = file.read(len(SQLITE_MAGIC))
    kind = _kind_of_database()
    made_by = "sqlite" if head == SQLITE_MAGIC else "postgresql" if head.startswith(PG_MAGIC) else ""
    if not made_by:
        raise BackupError(
            f"{path} 不是 luoshi backup 生成的备份文件（既不是 SQLite 数据库，也不是 pg_dump 自定义格式）"
        )
    if made_by != kind:
        names = {"sqlite": "SQLite", "postgresql": "PostgreSQL"}
        raise BackupError(
            f"{path} 是 {names[made_by]} 的备份，而当前数据库是 {names[kind]}：只能恢复到同一种数据库"
        )
    if has_tables() and not overwrite:
        raise BackupError(
            f"恢复会用 {path} 覆盖当前数据库（{_where()}）中的全部数据：确认无误后加上 --yes 再运行"
        )
    if kind == "sqlite":
        return _restore_sqlite(path)
    return _restore_postgres(path)


def _where() -> str:
    settings = connection.settings_dict
    if connection.vendor == "sqlite":
        return str(settings["NAME"])
    return f"{settings.get('HOST') or 'localhost'}:{settings.get('PORT') or 5432}/{settings['NAME']}"


# ---------------------------------------------------------------- SQLite


def _backup_sqlite(path: Path) -> str:
    source = sqlite3.connect(connection.settings_dict["NAME"])
    partial = path.with_name(path.name + ".partial")
    partial.unlink(missing_ok=True)
    try:
        target = sqlite3.connect(partial)
        try:
            source.backup(target)
        finally:
            target.close()
        partial.replace(path)
    except sqlite3.Error as exc:
        partial.unlink(missing_ok=True)
        raise BackupError(f"备份失败：{exc}") from None
    finally:
        source.close()
    return f"已把 SQLite 数据库 {_where()} 备份到 {path}（{path.stat().st_size / 1024:.0f} KB）"


def _restore_sqlite(path: Path) -> str:
    source = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    try:
        check = source.execute("PRAGMA quick_check").fetchone()[0]
        tables = {row[0] for row in source.execute("SELECT name FROM sqlite_master WHERE type='table'")}
        if check != "ok" or "django_migrations" not in tables:
            raise BackupError(f"{path} 已损坏或不是落实的数据库备份（{check}），未恢复")
        connection.close()  # Django's own connection must not hold the database meanwhile
        target = sqlite3.connect(connection.settings_dict["NAME"])
        try:
            source.backup(target)
        finally:
            target.close()
    except sqlite3.DatabaseError as exc:
        raise BackupError(f"{path} 无法读取或无法写入数据库：{exc}，未恢复") from None
    finally:
        source.close()
    return f"已从 {path} 恢复 SQLite 数据库 {_where()}"


# ---------------------------------------------------------------- PostgreSQL


def _tool(name: str) -> str:
    found = shutil.which(name)
    if not found:
        raise BackupError(
            f"找不到 {name}：请安装 PostgreSQL 客户端工具（如 apt install postgresql-client），"
            "其版本不低于数据库服务器的版本"
        )
    return found


def _pg_arguments() -> tuple[list[str], dict[str, str]]:
    settings = connection.settings_dict
    arguments = ["--no-password"]
    if settings.get("HOST"):
        arguments += ["--host", str(settings["HOST"])]
    if settings.get("PORT"):
        arguments += ["--port", str(settings["PORT"])]
    if settings.get("USER"):
        arguments += ["--username", str(settings["USER"])]
    env = dict(os.environ)
    if settings.get("PASSWORD"):
        env["PGPASSWORD"] = str(settings["PASSWORD"])
    return arguments, env


def _run(command: list[str], env: dict[str, str], what: str) -> None:
    try:
        done = subprocess.run(command, capture_output=True, text=True, env=env, check=False)
    except OSError as exc:
        raise BackupError(f"{what}失败：无法运行 {command[0]}（{exc}）") from None
    if done.returncode != 0:
        detail = (done.stderr or done.stdout).strip().splitlines()
        raise BackupError(f"{what}失败：{detail[-1] if detail else f'退出码 {done.returncode}'}")


def _backup_postgres(path: Path) -> str:
    arguments, env = _pg_arguments()
    partial = path.with_name(path.name + ".partial")
    command = [_tool("pg_dump"), *arguments, "--format=custom", "--file", str(partial)]
    try:
        _run([*command, str(connection.settings_dict["NAME"])], env, "备份")
        partial.replace(path)
    finally:
        partial.unlink(missing_ok=True)
    return f"已把 PostgreSQL 数据库 {_where()} 备份到 {path}（{path.stat().st_size / 1024:.0f} KB）"


def _restore_postgres(path: Path) -> str:
    arguments, env = _pg_arguments()
    connection.close()
    command = [
        _tool("pg_restore"),
        *arguments,
        "--clean",
        "--if-exists",
        "--no-owner",
        "--no-privileges",
        "--single-transaction",
        "--exit-on-error",
        "--dbname",
        str(connection.settings_dict["NAME"]),
        str(path),
    ]
    _run(command, env, "恢复")
    return f"已从 {path} 恢复 PostgreSQL 数据库 {_where()}"
