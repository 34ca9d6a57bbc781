"""`manage.py report NAME [--year] [--as-of] [--as] [--format text|json|xlsx] [--output] [--limit N]` (SPEC §4).

Text is for a terminal: each table shows its first --limit rows (default 30) and says how many
more there are; json and xlsx always carry every row."""

from __future__ import annotations

import contextlib
import sys

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError
from tqdm import tqdm

from registry.kernel.reporting import (
    RENDERERS,
    TEXT_LIMIT,
    Report,
    ReportError,
    ReportParams,
    json_chunks,
    may_read,
    parse_date,
    parse_year,
    render_text,
    report_spec,
    reports,
    resolve_period,
    run_report,
)
from registry.kernel.reporting.routing import report_reads


class Command(BaseCommand):
    help = "按截至日期输出政策报表（达标率与缺额）。报表：" + "、".join(reports())

    def add_arguments(self, parser):
        parser.add_argument("name", help="报表名称：" + "|".join(reports()))
        parser.add_argument("--year", help="目标年度 YYYY（单独使用时截至该年12月31日或今天）")
        parser.add_argument("--as-of", dest="as_of", help="截至日期 YYYY-MM-DD，默认今天")
        parser.add_argument("--as", dest="as_user", help="按该用户的权限范围出表（镇街录入员只含本镇街）")
        parser.add_argument("--format", default="text", help="text|json|xlsx，默认 text")
        parser.add_argument("--output", help="写入文件而不是标准输出（xlsx 必须指定）")
        parser.add_argument(
            "--limit",
            default=str(TEXT_LIMIT),
            help=f"text 格式每个明细表最多显示的行数，默认 {TEXT_LIMIT}，0 为全部（json、xlsx 总是完整输出）",
        )

    def handle(self, *args, **options):
        options["name"] = (options["name"] or "").strip().lower()
        options["format"] = (options["format"] or "").strip().lower()
        try:
            limit = self.limit(options.get("limit"))
            with report_reads():  # the replica when configured; one transaction while rows stream
                with self.progress_bar(options["format"]) as step:
                    step("计算报表")
                    report = self.build(options)
                    step("输出")
                self.write(report, options["format"], options.get("output"), limit)
        except ReportError as exc:
            raise CommandError(str(exc)) from None

    @contextlib.contextmanager
    def progress_bar(self, fmt: str):
        """A tqdm bar on the terminal while the report is computed (text only; never json, never piped)."""
        if fmt != "text" or not self.stdout.isatty():
            yield lambda stage: None
            return
        with tqdm(total=2, file=self.stdout._out, leave=False, bar_format="{desc} {bar} {elapsed}") as bar:

            def step(stage: str) -> None:
                if bar.desc:
                    bar.update(1)
                bar.set_description(stage)

            yield step

    def params(self, options) -> ReportParams:
        user = self.user(options.get("as_user"))
        year = parse_year(options["year"]) if options.get("year") else None
        as_of = parse_date(options["as_of"]) if options.get("as_of") else None
        as_of, year = resolve_period(as_of=as_of, year=year)
        return ReportParams(as_of=as_of, year=year, user=user)

    def limit(self, value) -> int:
        try:
            limit = int(str(value if value is not None else TEXT_LIMIT).strip())
        except ValueError:
            limit = -1
        if limit < 0:
            raise ReportError(f"--limit “{value}”无效，应为不小于0的整数（0 表示全部显示）。")
        return limit

    def user(self, username: str | None):
        if not username:
            return None
        user = get_user_model().objects.filter(username=username.strip()).first()
        if user is None:
            raise ReportError(f"用户“{username}”不存在；请先用 add_staff 创建，或检查拼写。")
        if not user.is_active:
            raise ReportError(f"用户“{username}”已停用，不能按其权限出表。")
        return user

    def build(self, options) -> Report:
        spec = report_spec(options["name"])
        if options["format"] not in RENDERERS:
            raise ReportError(f"输出格式“{options['format']}”无效；可选：{'、'.join(RENDERERS)}。")
        params = self.params(options)
        if params.user is not None and not may_read(params.user, spec):
            raise ReportError(f"用户“{params.user.username}”无权查看报表“{spec.title}”。")
        return run_report(spec.name, params)

    def write(self, report: Report, fmt: str, output: str | None, limit: int = 0) -> None:
        if fmt == "json":  # streamed: a list of a hundred thousand people is never held whole
            self.write_chunks(json_chunks(report), output)
            return
        content = render_text(report, limit) if fmt == "text" else RENDERERS[fmt](report)
        if output:
            mode, extra = ("wb", {}) if isinstance(content, bytes) else ("w", {"encoding": "utf-8"})
            try:
                with open(output, mode, **extra) as handle:
                    handle.write(content)
            except OSError as exc:
                raise ReportError(f"无法写入文件“{output}”：{exc.strerror or exc}。") from None
            self.stderr.write(f"已写入 {output}")
        elif isinstance(content, bytes):
            if sys.stdout.isatty() and self.stdout._out is sys.stdout:
                raise ReportError("xlsx 是二进制文件，请用 --output 指定文件名，如 --output 报表.xlsx。")
            self.stdout.flush()
            buffer = getattr(self.stdout._out, "buffer", None)
            if buffer is None:
                raise ReportError("xlsx 是二进制文件，请用 --output 指定文件名，如 --output 报表.xlsx。")
            buffer.write(content)
            buffer.flush()
        else:
            self.stdout.write(content, ending="" if content.endswith("\n") else "\n")

    def write_chunks(self, chunks, output: str | None) -> None:
        if not output:
            for chunk in chunks:
                self.stdout.write(chunk, ending="")
            return
        try:
            with open(output, "w", encoding="utf-8") as handle:
                handle.writelines(chunks)
        except OSError as exc:
            raise ReportError(f"无法写入文件“{output}”：{exc.strerror or exc}。") from None
        self.stderr.write(f"已写入 {output}")
