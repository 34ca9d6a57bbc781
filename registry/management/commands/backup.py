"""manage.py backup [--dir DIR]: a consistent copy of the database, safe while the server runs."""

from __future__ import annotations

from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import connection

from registry.kernel.backup import BackupError, postgres_commands, sqlite_backup


class Command(BaseCommand):
    help = "备份数据库：SQLite 用在线备份写入带时间戳的文件；PostgreSQL 给出 pg_dump / pg_restore 命令。"

    def add_arguments(self, parser):
        parser.add_argument("--dir", default=str(settings.BASE_DIR / "backups"), help="备份文件目录（默认 backups/）")

    def handle(self, *args, **options):
        if connection.vendor == "sqlite":
            try:
                path = sqlite_backup(Path(options["dir"]))
            except BackupError as exc:
                raise CommandError(str(exc)) from None
            self.stdout.write(f"已备份到 {path}")
            self.stdout.write(f"恢复：python manage.py restore {path}")
            return
        if connection.vendor == "postgresql":
            dump, restore = postgres_commands(connection.settings_dict, options["dir"])
            self.stdout.write("PostgreSQL 请用 pg_dump 备份（在服务器上运行，密码用 PGPASSWORD 或 ~/.pgpass 提供）：")
            self.stdout.write(f"  mkdir -p {options['dir']} && {dump}")
            self.stdout.write("恢复（先停止网站服务；会覆盖库中现有数据）：")
            self.stdout.write(f"  {restore}")
            return
        raise CommandError(f"不支持的数据库：{connection.vendor}")
