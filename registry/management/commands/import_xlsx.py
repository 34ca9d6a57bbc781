"""manage.py import_xlsx KIND FILE [--as USERNAME] [--dry-run] [--format text|json] (SPEC §4).

Exit 0: valid (committed unless --dry-run); 1: row errors, nothing written; 2: unusable file.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand

from registry.kernel.excel.engine import ImportResult, import_file, import_kinds
from registry.kernel.excel.reading import UnusableFile


class Command(BaseCommand):
    help = "从 Excel（.xlsx）导入一类数据：全部正确才写入（SPEC §3–4）。"

    def add_arguments(self, parser):
        parser.add_argument("kind", help="导入类型：" + "、".join(import_kinds()))
        parser.add_argument("file", help=".xlsx 文件路径")
        parser.add_argument("--as", dest="username", help="以该用户的身份和管辖范围导入")
        parser.add_argument("--dry-run", action="store_true", help="只检查，不写入")
        parser.add_argument("--format", choices=["text", "json"], default="text")

    def handle(self, *args, **options):
        fmt = options["format"]
        try:
            user = self.get_user(options["username"])
            data = self.read(options["file"])
            result = import_file(options["kind"], data, user=user, dry_run=options["dry_run"])
        except UnusableFile as exc:
            self.fail(str(exc), fmt)
        self.print_result(result, fmt)
        if result.errors:
            sys.exit(1)

    def get_user(self, username: str | None):
        if not username:
            return None
        user = get_user_model().objects.filter(username=username).first()
        if user is None or not user.is_active:
            raise UnusableFile(f"用户“{username}”不存在或已停用。")
        return user

    def read(self, path: str) -> bytes:
        file = Path(path)
        if not file.is_file():
            raise UnusableFile(f"找不到文件“{path}”。")
        try:
            return file.read_bytes()
        except OSError as exc:
            raise UnusableFile(f"无法读取文件“{path}”：{exc.strerror}。") from None

    def fail(self, message: str, fmt: str):
        if fmt == "json":
            payload = {
                "created": 0,
                "updated": 0,
                "unchanged": 0,
                "errors": [{"row": None, "column": None, "message": message}],
            }
            self.stdout.write(json.dumps(payload, ensure_ascii=False))
        else:
            self.stderr.write(f"无法导入：{message}")
        sys.exit(2)

    def print_result(self, result: ImportResult, fmt: str) -> None:
        if fmt == "json":
            self.stdout.write(json.dumps(result.as_json(), ensure_ascii=False))
            return
        for error in result.errors:
            self.stdout.write(f"第{error.row}行 [{error.column}]：{error.message}")
        self.stdout.write(result.summary())
