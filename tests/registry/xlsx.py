"""Build .xlsx files in tests (no binary fixtures in the repo)."""

from __future__ import annotations

import io
from collections.abc import Iterable, Sequence

import openpyxl


def xlsx(rows: Iterable[Sequence[object]], title: str | None = None, sheet: str = "Sheet1") -> bytes:
    """An .xlsx whose first sheet holds `rows` (first = header), optionally below a title row."""
    book = openpyxl.Workbook()
    ws = book.active
    ws.title = sheet
    if title:
        ws.append([title])
        ws.merge_cells(start_row=1, start_column=1, end_row=1, end_column=5)
    for row in rows:
        ws.append(list(row))
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def write(tmp_path, rows, name="file.xlsx", **kwargs):
    path = tmp_path / name
    path.write_bytes(xlsx(rows, **kwargs))
    return path


def run_import(kind: str, path, *args: str) -> tuple[int, dict]:
    """Run `import_xlsx KIND FILE --format json …`; returns (exit code, the printed JSON object)."""
    import json

    from django.core.management import call_command

    out = io.StringIO()
    code = 0
    try:
        call_command("import_xlsx", kind, str(path), "--format", "json", *args, stdout=out, stderr=io.StringIO())
    except SystemExit as exc:
        code = exc.code
    text = out.getvalue().strip()
    assert text.count("\n") == 0, f"expected exactly one line of JSON, got: {text!r}"
    data = json.loads(text)
    data.pop("import_record", None)  # a further key (SPEC §4): tests/registry/test_import_records.py checks it
    return code, data


def contract(out: dict) -> dict:
    """The four keys SPEC §4 fixes (further keys may follow them)."""
    assert list(out)[:4] == ["created", "updated", "unchanged", "errors"]
    return {key: out[key] for key in ("created", "updated", "unchanged", "errors")}


def real_shaped(
    columns: Sequence[tuple[str | None, str]],
    rows: Iterable[Sequence[object]],
    *,
    title: str = "2022年东山街道人民调解员花名册",
    unit: str = "填报单位（盖章）：新山村街道司法所            填报日期：2022年7月1日",
    footers: Sequence[str] = ("合计：{n}人", "填表人：王芳    审核人：李强    填报日期：2022.7.1", "（盖章）"),
    sheet: str = "花名册",
) -> bytes:
    """A roster as streets keep it: a merged title banner, a 填报单位 line, a two-row header —
    group titles merged across, `(None, name)` columns merged down over both rows — the data,
    a blank line and footer notes. `columns` are (group, header) in file order."""
    book = openpyxl.Workbook()
    ws = book.active
    ws.title = sheet
    width = len(columns)
    ws.cell(row=1, column=1, value=title)
    ws.merge_cells(start_row=1, start_column=1, end_row=1, end_column=width)
    ws.cell(row=2, column=1, value=unit)
    ws.merge_cells(start_row=2, start_column=1, end_row=2, end_column=width)
    position = 1
    while position <= width:
        group, name = columns[position - 1]
        if group is None:
            ws.cell(row=3, column=position, value=name)
            ws.merge_cells(start_row=3, start_column=position, end_row=4, end_column=position)
            position += 1
            continue
        span = position
        while span < width and columns[span][0] == group:
            span += 1
        ws.cell(row=3, column=position, value=group)
        if span > position:
            ws.merge_cells(start_row=3, start_column=position, end_row=3, end_column=span)
        for p in range(position, span + 1):
            ws.cell(row=4, column=p, value=columns[p - 1][1])
        position = span + 1
    count = 0
    for count, row in enumerate(rows, start=1):
        ws.append(list(row))
    ws.append([])
    for text in footers:
        ws.append([text.format(n=count)])
    for letter, w in zip("ABCDEFGHIJKLMNOPQRSTUVWXYZ", (6, 10, 22, 14, 30, 12, 16)):
        ws.column_dimensions[letter].width = w
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def imports_as_template(tmp_path, kind, real: bytes, template: list[list], rows: int, *args) -> dict:
    """Import the real-shaped file, then the template-shaped one of the same data: all unchanged."""
    path = tmp_path / "street.xlsx"
    path.write_bytes(real)
    code, out = run_import(kind, path, *args)
    assert code == 0, out
    assert (out["created"], out["updated"], out["unchanged"]) == (rows, 0, 0), out
    assert [r["text"][:2] for r in out["ignored_rows"]] == ["合计", "填表", "（盖"]
    assert "序号" in out["ignored_columns"]
    code, again = run_import(kind, write(tmp_path, template, name="template.xlsx"), *args)
    assert (code, again["created"], again["updated"], again["unchanged"]) == (0, 0, 0, rows), again
    return out


def dropdown(book, sheet, column: str) -> list[str]:
    """The values a template offers in `column`'s drop-down (read from its list sheet)."""
    header = [c.value for c in sheet[1]]
    letter = openpyxl.utils.get_column_letter(header.index(column) + 1)
    for validation in sheet.data_validations.dataValidation:
        if any(str(r).startswith(f"{letter}2:") for r in validation.sqref.ranges):
            ref = validation.formula1
            name, cells = ref.split("!")
            lists = book[name.strip("'")]
            first, last = cells.replace("$", "").split(":")
            return [c.value for row in lists[first:last] for c in row]
    return []
