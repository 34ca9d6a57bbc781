"""`manage.py report` (SPEC §4): the same numbers as the function in json, text and xlsx;
clear Chinese errors with a non-zero exit and no traceback."""

import datetime
import io
import json

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from openpyxl import load_workbook

from registry.kernel.reporting import ReportParams, render_json, run_report
from registry.management.commands.report import Command
from tests.registry import report_district
from tests.registry.report_district import Y2021


@pytest.fixture
def place(district):
    return report_district.build(district)


def report_json(*args) -> dict:
    out = io.StringIO()
    call_command("report", *args, "--format", "json", stdout=out)
    return json.loads(out.getvalue())


@pytest.mark.parametrize("name", ["staffing", "experts", "committees", "rooms"])
def test_json_is_the_function_result(place, name):
    data = report_json(name, "--year", "2021")
    expected = json.loads(render_json(run_report(name, ReportParams(as_of=Y2021, year=2021))))
    assert data == expected
    assert data["as_of"] == "2021-12-31"
    for rate in data["rates"]:
        assert set(rate) == {"category", "total", "meeting", "rate", "target"}
        assert 0 <= rate["rate"] <= 1 and (rate["target"] is None or 0 <= rate["target"] <= 1)


def test_staffing_json_shape(place):
    data = report_json("staffing", "--as-of", "2021-12-31")
    assert {"organization", "kind", "area", "quota", "full_time", "shortfall"} <= set(data["rows"][0])
    rates = {r["category"]: r for r in data["rates"]}
    assert list(rates) == [
        "乡镇（街道）人民调解委员会",
        "行业性专业性人民调解委员会",
        "派驻调解室",
        "村（社区）人民调解委员会",
        "企事业单位人民调解委员会",
    ]
    assert rates["行业性专业性人民调解委员会"] == {
        "category": "行业性专业性人民调解委员会",
        "total": 4,
        "meeting": 1,
        "rate": 0.25,
        "target": 0.5,
    }
    assert rates["企事业单位人民调解委员会"]["target"] is None


def test_year_alone_is_the_end_of_that_year_and_its_targets(place):
    assert report_json("rooms", "--year", "2022")["as_of"] == "2022-12-31"
    rates = {r["category"]: r["target"] for r in report_json("rooms", "--year", "2022")["rates"]}
    assert rates == {"驻法院调解室": 1.0, "信访事项调解室": 1.0, "驻派出所调解室": 1.0}
    # as-of alone: the targets of that date's year
    rates = {r["category"]: r["target"] for r in report_json("rooms", "--as-of", "2021-07-01")["rates"]}
    assert rates["驻派出所调解室"] == 0.6


def test_as_clerk_limits_every_format(place, users, tmp_path):
    data = report_json("staffing", "--year", "2021", "--as", "clerk_b")
    assert {r["organization"] for r in data["rows"]} == {
        "跃进村街道人民调解委员会",
        "跃进社区人民调解委员会",
        "跃进二派出所调解室",
    }
    out = io.StringIO()
    call_command("report", "staffing", "--year", "2021", "--as", "clerk_b", stdout=out)
    assert "跃进村街道人民调解委员会" in out.getvalue() and "新山" not in out.getvalue()
    path = tmp_path / "s.xlsx"
    call_command("report", "staffing", "--year", "2021", "--as", "clerk_b", "--format", "xlsx", "--output", str(path))
    cells = {c.value for row in load_workbook(path).worksheets[0].iter_rows() for c in row}
    assert "跃进二派出所调解室" in cells and "新山村街道人民调解委员会" not in cells


def test_text_is_an_aligned_chinese_table(place):
    out = io.StringIO()
    call_command("report", "committees", "--year", "2021", stdout=out)
    text = out.getvalue()
    assert "截至日期：2021-12-31" in text and "目标年度：2021" in text
    assert "村（社区）" in text and "50%" in text and "未达标" in text
    lines = text.splitlines()
    header = next(i for i, line in enumerate(lines) if line.startswith("区划"))
    assert set(lines[header + 1]) <= {"-", " "}


def test_xlsx_has_the_same_numbers(place, tmp_path):
    path = tmp_path / "staffing.xlsx"
    call_command("report", "staffing", "--year", "2021", "--format", "xlsx", "--output", str(path))
    book = load_workbook(path)
    rows = list(book["明细"].iter_rows(values_only=True))
    header = rows[0]
    got = {
        r[header.index("调解组织")]: (r[header.index("专职定额")], r[header.index("在岗专职")], r[header.index("缺额")])
        for r in rows[1:]
    }
    expected = run_report("staffing", ReportParams(as_of=Y2021, year=2021))
    assert got == {r["organization"]: (r["quota"], r["full_time"], r["shortfall"]) for r in expected.rows}
    rates = list(book["达标率"].iter_rows(values_only=True))
    assert rates[0] == ("类别", "总数", "达标数", "达标率", "目标")
    assert [tuple(r) for r in rates[1:]] == [(r.category, r.total, r.meeting, r.rate, r.target) for r in expected.rates]


@pytest.mark.parametrize(
    "args, message",
    [
        (["nope"], "报表“nope”不存在"),
        (["staffing", "--as-of", "2021-02-30"], "日期“2021-02-30”格式不正确"),
        (["staffing", "--year", "20x1"], "年份“20x1”格式不正确"),
        (["staffing", "--year", "99"], "年份“99”无效"),
        (["staffing", "--as", "ghost"], "用户“ghost”不存在"),
        (["staffing", "--format", "pdf"], "输出格式“pdf”无效"),
        (["staffing", "--format", "xlsx", "--output", "/nonexistent-dir/x.xlsx"], "无法写入文件"),
    ],
)
def test_bad_arguments_are_clear_errors(district, args, message):
    with pytest.raises(CommandError, match=message):
        call_command("report", *args, stdout=io.StringIO())


def test_error_exits_non_zero_without_traceback(district, capsys, monkeypatch):
    monkeypatch.setattr("django.db.connections.close_all", lambda: None)  # keep the test's transaction
    with pytest.raises(SystemExit) as exit_info:
        Command().run_from_argv(["manage.py", "report", "staffing", "--as-of", "昨天"])
    assert exit_info.value.code != 0
    err = capsys.readouterr().err
    assert "日期“昨天”格式不正确，应为 YYYY-MM-DD" in err and "Traceback" not in err


def test_a_role_without_the_permission_is_refused(district, users):
    users.finance.user_permissions.clear()
    users.finance.groups.clear()
    with pytest.raises(CommandError, match="无权查看"):
        call_command("report", "staffing", "--as", "finance", stdout=io.StringIO())


def test_call_command_with_keyword_options(place, users):
    out = io.StringIO()
    call_command(
        "report",
        "committees",
        format="json",
        as_of=datetime.date(2021, 12, 31),
        year=2021,
        **{"as": "clerk_b"},
        stdout=out,
    )
    data = json.loads(out.getvalue())
    assert data["as_of"] == "2021-12-31" and data["scope"] == "跃进村街道"
    assert {r["category"]: r["meeting"] for r in data["rates"]} == {"乡镇（街道）": 1, "村（社区）": 1}
