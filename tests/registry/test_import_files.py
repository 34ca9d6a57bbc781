"""Unusable files: exit 2 with one clear Chinese message, never a traceback."""

import io
import re
import zipfile

import openpyxl
import pytest

from registry.models import Mediator
from tests.registry.xlsx import run_import, write, xlsx

HEADER = ["姓名", "身份证号", "所属调解组织", "专兼职"]


def bomb() -> bytes:
    """A tiny .xlsx that declares a sheet of 1,048,576 × 16,384 cells."""
    source = zipfile.ZipFile(io.BytesIO(xlsx([HEADER, ["a", "b", "c", "d"]])))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for item in source.infolist():
            data = source.read(item)
            if item.filename.startswith("xl/worksheets/"):
                data = re.sub(rb'<dimension ref="[A-Z0-9:]+"', b'<dimension ref="A1:XFD1048576"', data)
            target.writestr(item, data)
    return out.getvalue()


def no_sheet() -> bytes:
    source = zipfile.ZipFile(io.BytesIO(xlsx([HEADER])))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as target:
        for item in source.infolist():
            if not item.filename.startswith("xl/worksheets/"):
                target.writestr(item, source.read(item))
    return out.getvalue()


CASES = {
    "not_xlsx": (b"name,id\n\xe5\xbc\xa0,1\n", "xlsx"),
    "xls": (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 600, "另存为"),
    "empty": (b"", "空"),
    "corrupt_zip": (b"PK\x03\x04garbage", "损坏"),
    "missing_column": (xlsx([["姓名", "身份证号", "专兼职"], ["张三", "x", "专职"]]), "所属调解组织"),
    "header_only": (xlsx([HEADER]), "没有数据"),
    "header_too_low": (xlsx([[], [], [], [], [], HEADER, ["a", "b", "c", "d"]]), "表头"),
    "bomb": (bomb(), "范围"),
    "far_cell": (xlsx([HEADER, ["a", "b", "c", "d"]] + [[None] * 16000 + ["x"]]), "范围"),
    "no_sheet": (no_sheet(), ""),
}


@pytest.mark.parametrize("case", CASES)
def test_unusable_file_exits_2_with_one_message(tmp_path, district, case):
    data, phrase = CASES[case]
    path = tmp_path / "f.xlsx"
    path.write_bytes(data)
    code, out = run_import("mediators", path)
    assert code == 2
    assert len(out["errors"]) == 1 and phrase in out["errors"][0]["message"]
    assert "Traceback" not in out["errors"][0]["message"]
    assert not Mediator.objects.exists()


def test_too_large_file(tmp_path, district, settings, monkeypatch):
    monkeypatch.setattr("registry.kernel.excel.reading.MAX_FILE_BYTES", 1000)
    path = write(tmp_path, [HEADER] + [["张三", "x" * 50, "c", "d"]] * 100)
    code, out = run_import("mediators", path)
    assert code == 2 and "过大" in out["errors"][0]["message"]


def test_text_format_names_missing_column(tmp_path, district, capsys):
    from django.core.management import call_command

    path = write(tmp_path, [["姓名"], ["张三"]])
    err = io.StringIO()
    with pytest.raises(SystemExit) as exit_info:
        call_command("import_xlsx", "mediators", str(path), stderr=err, stdout=io.StringIO())
    assert exit_info.value.code == 2
    assert "身份证号" in err.getvalue() and "Traceback" not in err.getvalue()


def test_title_rows_keep_the_sheets_row_numbers(tmp_path, district):
    book = openpyxl.Workbook()
    ws = book.active
    ws.append(["2022年新山村街道人民调解员花名册"])
    ws.append(["填报单位：新山村街道"])
    ws.append(HEADER)
    ws.append(["", "500104197001010011", "新山村街道人民调解委员会", "专职"])
    path = tmp_path / "t.xlsx"
    book.save(path)
    code, out = run_import("mediators", path)
    assert code == 1 and (out["errors"][0]["row"], out["errors"][0]["column"]) == (4, "姓名")


def test_as_a_user_without_import_permission(tmp_path, district, users):
    path = write(tmp_path, [HEADER, ["张三", "500104197001010011", "新山村街道人民调解委员会", "专职"]])
    code, out = run_import("mediators", path, "--as", "finance")
    assert code == 2 and "权限" in out["errors"][0]["message"]
    code, out = run_import("mediators", path, "--as", "nobody")
    assert code == 2 and "不存在" in out["errors"][0]["message"]


def test_a_hidden_first_sheet_and_a_notes_sheet_are_skipped(tmp_path, district):
    book = openpyxl.Workbook()
    book.active.title = "说明"
    book.active.append(["列名", "说明"])
    hidden = book.create_sheet("字典")
    hidden.sheet_state = "hidden"
    hidden.append(["专职", "兼职"])
    data = book.create_sheet("花名册")
    data.append(HEADER)
    data.append(["张三", "500104197001010011", "新山村街道人民调解委员会", "兼职"])
    path = tmp_path / "s.xlsx"
    book.save(path)
    # 500104197001010011 has a wrong check digit: proves the roster sheet was read
    code, out = run_import("mediators", path)
    assert code == 1 and out["errors"][0]["column"] == "身份证号"
