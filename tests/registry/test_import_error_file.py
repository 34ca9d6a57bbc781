"""--error-file (SPEC §4) and the admin's 下载标注错误的文件: the user's own workbook handed back."""

import io

import openpyxl
import pytest
from django.urls import reverse

from registry.kernel.excel.writing import ERROR_COLUMN, ERROR_FILL_COLOR
from tests.factories import make_id
from tests.registry.xlsx import real_shaped, run_import

A, B = "新山村街道人民调解委员会", "跃进村街道人民调解委员会"
COLUMNS = [(None, "序号"), (None, "姓名"), ("基本情况", "公民身份号码"), ("基本情况", "出生年月")]
COLUMNS += [("任职情况", "所在调委会"), ("任职情况", "是否专职"), (None, "备注")]
BAD_ID = make_id(seq=11)[:-1] + ("0" if make_id(seq=11)[-1] != "0" else "1")


def roster(*, bad: bool) -> bytes:
    rows = [
        [1, "陈一", make_id(birth="19650312", seq=21), "1965.03", A, "是", ""],
        [2, "刘二", BAD_ID if bad else make_id(seq=11), "", A, "否", ""],
        [3, "孙三", make_id(seq=31), "", B if bad else A, "否", "备注"],
        [4, "周四", make_id(birth="19650312", seq=42), "1965.04" if bad else "1965.03", A, "否", ""],
    ]
    return real_shaped(COLUMNS, rows)


def cells(book) -> dict:
    return {
        (ws.title, c.coordinate): c.value
        for ws in book.worksheets
        for row in ws.iter_rows()
        for c in row
        if c.value is not None
    }


def check_marked(original: bytes, marked: bytes) -> dict[int, str]:
    """Every original cell, merged range and column width as it was; returns row -> 错误说明."""
    before, after = openpyxl.load_workbook(io.BytesIO(original)), openpyxl.load_workbook(io.BytesIO(marked))
    assert after.sheetnames == before.sheetnames
    ws_before, ws = before.worksheets[0], after.worksheets[0]
    note_column = ws_before.max_column + 1
    added = {k: v for k, v in cells(after).items() if k not in cells(before)}
    assert {k: v for k, v in cells(after).items() if k in cells(before)} == cells(before)
    assert {str(r) for r in ws.merged_cells.ranges} == {str(r) for r in ws_before.merged_cells.ranges}
    for letter, dim in ws_before.column_dimensions.items():
        assert ws.column_dimensions[letter].width == dim.width
    header_row = 4  # the lower row of the two-row header
    assert ws.cell(row=header_row, column=note_column).value == ERROR_COLUMN
    notes = {r: ws.cell(row=r, column=note_column).value for r in range(header_row + 1, ws.max_row + 1)}
    assert set(added.values()) - {ERROR_COLUMN} == {v for v in notes.values() if v}
    return {r: v for r, v in notes.items() if v}


def red(ws, coordinate: str) -> bool:
    return ws[coordinate].fill.fgColor.rgb[-6:] == ERROR_FILL_COLOR and ws[coordinate].comment is not None


def test_error_file_marks_exactly_the_bad_rows_and_cells(tmp_path, district, users):
    source, out = tmp_path / "花名册.xlsx", tmp_path / "花名册-标注.xlsx"
    source.write_bytes(roster(bad=True))
    code, result = run_import("mediators", source, "--as", "clerk_a", "--error-file", str(out))
    assert code == 1
    assert {e["row"] for e in result["errors"]} == {6, 7, 8}
    notes = check_marked(source.read_bytes(), out.read_bytes())
    assert set(notes) == {6, 7, 8}  # rows 5 (陈一) is good: its 错误说明 stays empty
    assert "身份证号" in notes[6] and "所属调解组织" in notes[7] and "出生日期" in notes[8]
    ws = openpyxl.load_workbook(out).worksheets[0]
    assert red(ws, "C6") and red(ws, "E7") and red(ws, "D8")
    assert not any(red(ws, f"{letter}5") for letter in "ABCDEFG")
    assert not red(ws, "B6") and not red(ws, "G7")
    assert "不在您的管辖范围内" in ws["E7"].comment.text


@pytest.mark.parametrize("case", ["valid", "unusable"])
def test_no_error_file_on_exit_0_or_2(tmp_path, district, case):
    source, out = tmp_path / "f.xlsx", tmp_path / "marked.xlsx"
    source.write_bytes(roster(bad=False) if case == "valid" else b"not a workbook")
    code, _ = run_import("mediators", source, "--error-file", str(out))
    assert code == (0 if case == "valid" else 2)
    assert not out.exists()


def upload(client, data: bytes, name="花名册.xlsx"):
    file = io.BytesIO(data)
    file.name = name
    return client.post(reverse("admin:registry_mediator_import"), {"file": file})


def test_admin_button_returns_the_same_workbook_as_the_command(tmp_path, district, users, client_as):
    data = roster(bad=True)
    source, out = tmp_path / "花名册.xlsx", tmp_path / "cli.xlsx"
    source.write_bytes(data)
    assert run_import("mediators", source, "--as", "clerk_a", "--error-file", str(out))[0] == 1
    client = client_as(users.clerk_a)
    preview = upload(client, data)
    page = preview.content.decode()
    assert "下载标注错误的文件" in page and "确认导入" not in page
    response = client.get(reverse("admin:registry_mediator_import_marked") + f"?token={preview.context['token']}")
    assert response.status_code == 200 and "attachment" in response["Content-Disposition"]
    check_marked(data, response.content)
    admin_book, cli_book = openpyxl.load_workbook(io.BytesIO(response.content)), openpyxl.load_workbook(out)
    assert cells(admin_book) == cells(cli_book)
    for row_a, row_c in zip(admin_book.worksheets[0].iter_rows(), cli_book.worksheets[0].iter_rows()):
        for a, c in zip(row_a, row_c):
            assert (a.fill.fgColor.rgb, a.comment and a.comment.text) == (
                c.fill.fgColor.rgb,
                c.comment and c.comment.text,
            )


def test_marked_file_is_not_served_to_another_user(district, users, client_as, client):
    preview = upload(client_as(users.clerk_a), roster(bad=True))
    token = preview.context["token"]
    client.force_login(users.clerk_b)
    response = client.get(reverse("admin:registry_mediator_import_marked") + f"?token={token}")
    assert response.status_code == 404
