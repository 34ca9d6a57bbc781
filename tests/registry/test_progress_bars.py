"""A progress bar on the terminal for import_xlsx and report: text format on a terminal only."""

import io
import json

import pytest
from django.core.management import call_command

from tests.factories import make_id
from tests.registry.xlsx import xlsx


class Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


@pytest.fixture
def roster(tmp_path, district):
    path = tmp_path / "f.xlsx"
    path.write_bytes(
        xlsx([["姓名", "身份证号", "所属调解组织", "专兼职"], ["张三", make_id(seq=1), district.org_a1.name, "兼职"]])
    )
    return str(path)


def test_import_shows_a_bar_on_a_terminal_in_text_format(roster):
    out = Terminal()
    call_command("import_xlsx", "mediators", roster, stdout=out, stderr=io.StringIO())
    assert "逐行检查" in out.getvalue() and "行/s" in out.getvalue()
    assert "新增 1 行" in out.getvalue()


@pytest.mark.parametrize("stream, fmt", [(Terminal, "json"), (io.StringIO, "text")])
def test_import_has_no_bar_in_json_or_when_piped(roster, stream, fmt):
    out = stream()
    call_command("import_xlsx", "mediators", roster, "--format", fmt, stdout=out, stderr=io.StringIO())
    assert "逐行检查" not in out.getvalue() and "\r" not in out.getvalue()
    if fmt == "json":
        assert json.loads(out.getvalue())["created"] == 1


def test_report_shows_a_bar_on_a_terminal_in_text_format_only(district):
    out = Terminal()
    call_command("report", "staffing", stdout=out)
    assert "计算报表" in out.getvalue() and "新山村街道人民调解委员会" in out.getvalue()
    for stream, fmt in ((Terminal, "json"), (io.StringIO, "text")):
        out = stream()
        call_command("report", "staffing", "--format", fmt, stdout=out)
        assert "计算报表" not in out.getvalue() and "\r" not in out.getvalue()
    json.loads(out.getvalue() if fmt == "json" else "{}")
