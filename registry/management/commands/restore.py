"""manage.py restore FILE: put a SQLite backup back (the current database is backed up first)."""

from __future__ import annotations

from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import connection

from registry.kernel.backup import BackupError, check_sqlite_file, sqlite_backup, sqlite_restore


class Command(BaseCommand):
    help = "用 manage.py backup 生成的 SQLite 备份文件恢复数据库（恢复前先自动备份当前数据库）。"

    def add_arguments(self, parser):
        parser.add_argument("file", help="备份文件（.sqlite3）")
        parser.add_argument("--noinput", "--no-input", action="store_true", help="不询问，直接恢复")
        parser.add_argument("--dir", default=str(settings.BASE_DIR / "backups"), help="恢复前的自动备份存放目录")

    def handle(self, *args, **options):
        if connection.vendor != "sqlite":
            raise CommandError("restore 只用于 SQLite；PostgreSQL 请用 pg_restore（见 manage.py backup 的输出）。")
        source = Path(options["file"])
        try:
            check_sqlite_file(source)
            if not options["noinput"]:
                answer = input(f"将用 {source} 覆盖当前数据库的全部数据，继续吗？输入 yes 确认：")
                if answer.strip().lower() != "yes":
                    raise CommandError("已取消，未做任何改动。")
            before = sqlite_backup(Path(options["dir"]))
            sqlite_restore(source)
        except BackupError as exc:
            raise CommandError(str(exc)) from None
        self.stdout.write(f"已恢复 {source}。恢复前的数据库已备份到 {before}。")
        self.stdout.write("如数据库结构版本较旧，请运行 python manage.py migrate。")
