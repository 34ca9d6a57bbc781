"""manage.py import_xlsx KIND FILE [--as USERNAME] [--dry-run] [--format text|json]
[--map HEADER=COLUMN ...] [--error-file OUT.xlsx] [--background] (SPEC §4).

Exit 0: valid (committed unless --dry-run); 1: row errors, nothing written (and, with
--error-file, the file handed back with its errors marked); 2: unusable file.
Every run that reads a file leaves a 导入记录 (its id is the JSON's `import_record`); a file already
written into the same kind is named on stderr; `--background` hands the import to the worker.
"""

from __future__ import annotations

import contextlib
import json
import sys
from pathlib import Path

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand
from tqdm import tqdm

from registry.kernel.excel.engine import ImportResult, import_kinds, resource_for
from registry.kernel.excel.reading import UnusableFile
from registry.kernel.excel.recording import STAGES, earlier_notice, enqueue, record_start, run_import
from registry.kernel.excel.records import ImportRecord, Outcome, Source
from registry.kernel.excel.writing import mark_errors


class Command(BaseCommand):
    help = "从 Excel（.xlsx）导入一类数据：全部正确才写入（SPEC §3–4）。"

    def add_arguments(self, parser):
        parser.add_argument("kind", help="导入类型：" + "、".join(import_kinds()))
        parser.add_argument("file", help=".xlsx 文件路径")
        parser.add_argument("--as", dest="username", help="以该用户的身份和管辖范围导入")
        parser.add_argument("--dry-run", action="store_true", help="只检查，不写入")
        parser.add_argument("--format", choices=["text", "json"], default="text")
        parser.add_argument(
            "--map",
            dest="mappings",
            action="append",
            default=[],
            metavar="HEADER=COLUMN",
            help="把文件中的列 HEADER 读作本类数据的列 COLUMN（可重复）",
        )
        parser.add_argument(
            "--error-file", metavar="OUT.xlsx", help="有错误行时（退出码 1），把原文件标注错误后写到 OUT.xlsx"
        )
        parser.add_argument(
            "--background", action="store_true", help="交给后台进程（manage.py db_worker）导入，立即返回导入记录编号"
        )

    def handle(self, *args, **options):
        fmt = options["format"]
        record = None
        try:
            user = self.get_user(options["username"])
            mapping = self.parse_mappings(options["mappings"])
            if mapping and options["background"]:
                raise UnusableFile(
                    "--map 不能与 --background 同时使用：请在前台用 --map 导入，或把列名改成模板中的写法。"
                )
            data = self.read(options["file"])
            resource_for(options["kind"])  # an unknown kind is a usage error, not a refused file
            record = record_start(
                kind=options["kind"],
                data=data,
                file_name=Path(options["file"]).name,
                user=user,
                source=Source.COMMAND,
                background=options["background"],
            )
            if notice := earlier_notice(record):
                self.stderr.write(f"注意：{notice}")
            if options["background"]:
                self.queued(record, options["dry_run"], fmt)
                return
            with self.progress_bar(fmt) as echo:
                result = run_import(record, data, dry_run=options["dry_run"], echo=echo, mapping=mapping)
        except UnusableFile as exc:
            self.fail(str(exc), fmt, record)
        if result.errors and options["error_file"]:
            self.write_error_file(data, result, options["error_file"], fmt)
        self.print_result(result, fmt, record)
        if result.errors:
            sys.exit(1)

    @contextlib.contextmanager
    def progress_bar(self, fmt: str):
        """A tqdm bar on the terminal (text format only; never in json, never when piped)."""
        if fmt != "text" or not self.stdout.isatty():
            yield None
            return
        with tqdm(total=0, unit="行", file=self.stdout._out, leave=False, dynamic_ncols=True) as bar:
            current = {"stage": None}

            def echo(stage: str, done: int, total: int) -> None:
                if bar.total != total or current["stage"] != stage:
                    current["stage"] = stage
                    bar.reset(total=total)
                    bar.set_description(STAGES.get(stage, stage), refresh=False)
                bar.update(done - bar.n)

            yield echo

    def queued(self, record: ImportRecord, dry_run: bool, fmt: str) -> None:
        enqueue(record, dry_run=dry_run)
        if record.outcome in (Outcome.INVALID, Outcome.UNUSABLE, Outcome.FAILED):  # an in-process backend ran it
            self.fail(record.message or "文件有错误。", fmt, record, code=1 if record.outcome == Outcome.INVALID else 2)
        if fmt == "json":
            payload = {
                "created": record.created,
                "updated": record.updated,
                "unchanged": record.unchanged,
                "errors": [],
                "import_record": record.pk,
                "outcome": record.outcome,
            }
            self.stdout.write(json.dumps(payload, ensure_ascii=False))
        else:
            self.stdout.write(
                f"已交给后台进程：导入记录 #{record.pk}（{record.outcome}）。"
                f"进度见管理后台“导入记录”，或 /admin/registry/importrecord/{record.pk}/progress/。"
            )

    def get_user(self, username: str | None):
        if not username:
            return None
        user = get_user_model().objects.filter(username=username).first()
        if user is None or not user.is_active:
            raise UnusableFile(f"用户“{username}”不存在或已停用。")
        return user

    def parse_mappings(self, items: list[str]) -> dict[str, str]:
        mapping: dict[str, str] = {}
        for item in items:
            header, sep, column = item.partition("=")
            if not sep or not header.strip() or not column.strip():
                raise UnusableFile(f"--map “{item}”应写成 表头=列名，如 --map 证件号=身份证号。")
            mapping[header.strip()] = column.strip()
        return mapping

    def read(self, path: str) -> bytes:
        file = Path(path)
        if not file.is_file():
            raise UnusableFile(f"找不到文件“{path}”。")
        try:
            return file.read_bytes()
        except OSError as exc:
            raise UnusableFile(f"无法读取文件“{path}”：{exc.strerror}。") from None

    def write_error_file(self, data: bytes, result: ImportResult, path: str, fmt: str) -> None:
        marked = mark_errors(
            data,
            sheet=result.sheet,
            header_row=result.header_row,
            positions=result.positions,
            errors=[(e.row, e.column, e.message) for e in result.errors],
        )
        try:
            Path(path).write_bytes(marked)
        except OSError as exc:
            self.stderr.write(f"无法写入标注错误的文件“{path}”：{exc.strerror}。")
            return
        if fmt == "text":
            self.stdout.write(f"已把标注错误的文件写到 {path}：红色单元格有批注，最后一列“错误说明”列出每行的问题。")

    def fail(self, message: str, fmt: str, record: ImportRecord | None = None, code: int = 2):
        if fmt == "json":
            errors = record.errors if record is not None and code == 1 else []
            payload = {
                "created": 0,
                "updated": 0,
                "unchanged": 0,
                "errors": errors or [{"row": None, "column": None, "message": message}],
            }
            if record is not None:
                payload["import_record"] = record.pk
            self.stdout.write(json.dumps(payload, ensure_ascii=False))
        else:
            self.stderr.write(f"无法导入：{message}" + (f"（导入记录 #{record.pk}）" if record is not None else ""))
        sys.exit(code)

    def print_result(self, result: ImportResult, fmt: str, record: ImportRecord) -> None:
        if fmt == "json":
            self.stdout.write(json.dumps({**result.as_json(), "import_record": record.pk}, ensure_ascii=False))
            return
        for error in result.errors:
            self.stdout.write(f"第{error.row}行 [{error.column}]：{error.message}")
        self.stdout.write(f"{result.summary()}（导入记录 #{record.pk}）")
