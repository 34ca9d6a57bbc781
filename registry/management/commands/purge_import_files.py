"""manage.py purge_import_files [--dry-run]: delete import files kept longer than the retention period.

The 导入记录 themselves stay (who, when, hash, counts, errors); only the kept .xlsx goes. Run it daily
(cron or a systemd timer). Retention: IMPORT_FILE_RETENTION_DAYS (default 3 years).
"""

from __future__ import annotations

from django.conf import settings
from django.core.management.base import BaseCommand

from registry.kernel.excel.recording import mark_stalled, purge_expired_files


class Command(BaseCommand):
    help = "删除超过保存期限（IMPORT_FILE_RETENTION_DAYS）的导入文件；导入记录本身保留。"

    def add_arguments(self, parser):
        parser.add_argument("--dry-run", action="store_true", help="只列出，不删除")

    def handle(self, *args, **options):
        stalled = mark_stalled()
        if stalled:
            self.stdout.write(f"已将 {stalled} 条中断的导入记录标为失败。")
        expired = purge_expired_files(dry_run=options["dry_run"])
        for record in expired:
            self.stdout.write(f"导入记录 #{record.pk}（{record.started_at:%Y-%m-%d}）{record.file_name}")
        verb = "将删除" if options["dry_run"] else "已删除"
        days = settings.IMPORT_FILE_RETENTION_DAYS
        self.stdout.write(f"{verb} {len(expired)} 个超过 {days} 天的导入文件。")
