"""Backups of the database: SQLite through its online backup API, PostgreSQL through pg_dump.

`manage.py backup` and `manage.py restore` call these; docs/robustness.md has the commands.
"""

from __future__ import annotations

import shlex
import sqlite3
from pathlib import Path
from urllib.parse import quote

from django.db import connection
from django.utils import timezone


class BackupError(Exception):
    """Said to the operator as is (exit 2)."""


def backup_name(prefix: str = "registry", suffix: str = ".sqlite3") -> str:
    return f"{prefix}-{timezone.localtime():%Y%m%d-%H%M%S}{suffix}"


def sqlite_backup(directory: Path) -> Path:
    """Copy the live SQLite database into `directory`/registry-YYYYmmdd-HHMMSS.sqlite3.

    sqlite3's online backup API copies a consistent snapshot page by page while the server
    keeps running (readers and, in WAL mode, writers are not stopped); a plain file copy of a
    database in use can be torn.
    """
    directory.mkdir(parents=True, exist_ok=True)
    target = directory / backup_name()
    if target.exists():
        raise BackupError(f"备份文件 {target} 已存在，请稍后再试。")
    connection.ensure_connection()
    with sqlite3.connect(target) as copy:
        connection.connection.backup(copy)
    copy.close()
    check_sqlite_file(target)
    return target


def check_sqlite_file(path: Path) -> None:
    """Refuse what is not an intact SQLite database of this project."""
    if not path.is_file():
        raise BackupError(f"找不到备份文件“{path}”。")
    try:
        with sqlite3.connect(f"file:{quote(str(path.resolve()))}?mode=ro", uri=True) as db:
            if db.execute("PRAGMA integrity_check").fetchone()[0] != "ok":
                raise BackupError(f"“{path}”已损坏（完整性检查未通过），不能用于恢复。")
            tables = {row[0] for row in db.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
    except sqlite3.DatabaseError:
        raise BackupError(f"“{path}”不是 SQLite 数据库文件，不能用于恢复。") from None
    if not {"django_migrations", "registry_mediator"} <= tables:
        raise BackupError(f"“{path}”不是本系统的数据库备份（缺少调解员数据表）。")


def sqlite_restore(source: Path) -> None:
    """Replace the live database's content with `source`, in one step (the backup API again).

    The caller saves the current database first (manage.py restore does), so a wrong file can
    be undone. Other processes see either the old or the restored database, never a mix.
    """
    check_sqlite_file(source)
    connection.ensure_connection()
    with sqlite3.connect(f"file:{quote(str(source.resolve()))}?mode=ro", uri=True) as backup:
        backup.backup(connection.connection)
    backup.close()


def postgres_commands(settings: dict, directory: str = "backups") -> tuple[str, str]:
    """The exact pg_dump and pg_restore commands for this database (no password: use PGPASSWORD or ~/.pgpass)."""
    options = []
    if settings.get("HOST"):
        options += ["-h", settings["HOST"]]
    if settings.get("PORT"):
        options += ["-p", str(settings["PORT"])]
    if settings.get("USER"):
        options += ["-U", settings["USER"]]
    name = settings["NAME"]
    file = f"{directory}/{backup_name(suffix='.dump')}"
    dump = shlex.join(["pg_dump", *options, "--format=custom", "--no-owner", f"--file={file}", name])
    restore = shlex.join(["pg_restore", *options, "--clean", "--if-exists", "--no-owner", f"--dbname={name}", file])
    return dump, restore
