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
