"""A minimal .xlsx writer for cells openpyxl refuses to write but Excel files carry.

openpyxl drops inf/NaN, refuses control characters and writes dates only in range; a file from
another program (or a damaged one) has all of them. Each cell is (type, text) as it appears in
the sheet XML: ("n", "1e308"), ("n", "inf"), ("d", "-1") a number in a date format,
("s", text) an inline string, ("b", "1"), ("e", "#N/A"), ("f", "SUM(A1:A2)") a formula
without a cached value.
"""

from __future__ import annotations

import io
import zipfile
from xml.sax.saxutils import escape

CONTENT_TYPES = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
    '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
    '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
    '<Default Extension="xml" ContentType="application/xml"/>'
    '<Override PartName="/xl/workbook.xml" '
    'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>'
    '<Override PartName="/xl/worksheets/sheet1.xml" '
    'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>'
    '<Override PartName="/xl/styles.xml" '
    'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.styles+xml"/>'
    "</Types>"
)
ROOT_RELS = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
    '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
    '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/'
    'officeDocument" Target="xl/workbook.xml"/></Relationships>'
)
WORKBOOK = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
    '<workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" '
    'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships">'
    '<sheets><sheet name="Sheet1" sheetId="1" r:id="rId1"/></sheets></workbook>'
)
WORKBOOK_RELS = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
    '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
    '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/'
    'worksheet" Target="worksheets/sheet1.xml"/>'
    '<Relationship Id="rId2" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/'
    'styles" Target="styles.xml"/></Relationships>'
)
# style 1 = numFmt 14 (a date): a number in it is an Excel date serial
STYLES = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
    '<styleSheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
    '<fonts count="1"><font/></fonts><fills count="1"><fill/></fills><borders count="1"><border/></borders>'
    '<cellStyleXfs count="1"><xf/></cellStyleXfs>'
    '<cellXfs count="2"><xf numFmtId="0"/><xf numFmtId="14" applyNumberFormat="1"/></cellXfs>'
    "</styleSheet>"
)


def column_letters(index: int) -> str:
    letters = ""
    index += 1
    while index:
        index, rest = divmod(index - 1, 26)
        letters = chr(65 + rest) + letters
    return letters


def excel_text(text: str) -> str:
    """XML-escape; characters XML 1.0 cannot hold are written as Excel does: _xHHHH_."""
    out = []
    for ch in text:
        code = ord(ch)
        if (code < 0x20 and ch not in "\t\n\r") or 0xD800 <= code <= 0xDFFF or code in (0xFFFE, 0xFFFF):
            out.append(f"_x{code:04X}_")
        else:
            out.append(ch)
    return escape("".join(out))


def cell_xml(ref: str, cell: tuple[str, str] | None) -> str:
    if cell is None:
        return ""
    kind, text = cell
    if kind == "n":
        return f'<c r="{ref}"><v>{text}</v></c>'
    if kind == "d":
        return f'<c r="{ref}" s="1"><v>{text}</v></c>'
    if kind == "b":
        return f'<c r="{ref}" t="b"><v>{text}</v></c>'
    if kind == "e":
        return f'<c r="{ref}" t="e"><v>{escape(text)}</v></c>'
    if kind == "f":
        return f'<c r="{ref}"><f>{escape(text)}</f></c>'
    return f'<c r="{ref}" t="inlineStr"><is><t xml:space="preserve">{excel_text(text)}</t></is></c>'


def sheet_xml(rows: list[list[tuple[str, str] | None]], dimension: str | None = None) -> str:
    width = max((len(r) for r in rows), default=1)
    dimension = dimension or f"A1:{column_letters(max(width - 1, 0))}{max(len(rows), 1)}"
    body = "".join(
        f'<row r="{r + 1}">'
        + "".join(cell_xml(f"{column_letters(c)}{r + 1}", cell) for c, cell in enumerate(row))
        + "</row>"
        for r, row in enumerate(rows)
    )
    return (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
        '<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
        f'<dimension ref="{dimension}"/><sheetData>{body}</sheetData></worksheet>'
    )


def entries(rows, dimension: str | None = None) -> list[tuple[str, bytes]]:
    return [
        ("[Content_Types].xml", CONTENT_TYPES.encode()),
        ("_rels/.rels", ROOT_RELS.encode()),
        ("xl/workbook.xml", WORKBOOK.encode()),
        ("xl/_rels/workbook.xml.rels", WORKBOOK_RELS.encode()),
        ("xl/styles.xml", STYLES.encode()),
        ("xl/worksheets/sheet1.xml", sheet_xml(rows, dimension).encode()),
    ]


def pack(items: list[tuple[str, bytes]]) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in items:
            archive.writestr(name, data)
    return out.getvalue()


def workbook(rows, dimension: str | None = None) -> bytes:
    return pack(entries(rows, dimension))
