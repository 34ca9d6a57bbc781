"""Reading an uploaded .xlsx: container checks (size, .xls, zip bomb, far-away cells) and the first
visible worksheet (python-calamine). Where the header is: registry.kernel.excel.headers."""

from __future__ import annotations

import io
import re
import zipfile
from typing import Any

from django.conf import settings

MAX_FILE_BYTES = getattr(settings, "IMPORT_MAX_FILE_BYTES", 30 * 1024 * 1024)
MAX_UNCOMPRESSED_BYTES = getattr(settings, "IMPORT_MAX_UNCOMPRESSED_BYTES", 400 * 1024 * 1024)
MAX_ROWS = getattr(settings, "IMPORT_MAX_ROWS", 200_000)
MAX_COLUMNS = 200
HEADER_SEARCH_ROWS = 5


class UnusableFile(Exception):
    """The file as a whole cannot be imported (exit 2); the message is for the user."""


_DIMENSION = re.compile(rb'<(?:\w+:)?dimension ref="([A-Z]+)(\d+)(?::([A-Z]+)(\d+))?"')


def _column_number(letters: bytes) -> int:
    n = 0
    for ch in letters.decode():
        n = n * 26 + ord(ch) - 64
    return n


def check_container(data: bytes) -> None:
    """Refuse what is not a sane .xlsx before a parser sees it (size, .xls, zip bomb, dimensions)."""
    if not data:
        raise UnusableFile("文件是空的，请选择填写好的 .xlsx 文件。")
    if len(data) > MAX_FILE_BYTES:
        raise UnusableFile(
            f"文件过大（{len(data) / 1048576:.1f} MB），上限 {MAX_FILE_BYTES // 1048576} MB；请分成几个文件导入。"
        )
    if data[:8] == b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1":
        raise UnusableFile("这是旧版 Excel（.xls）文件，请在 Excel 中“另存为” .xlsx 格式后再导入。")
    if data[:4] != b"PK\x03\x04":
        raise UnusableFile("文件不是 Excel .xlsx 文件，请用 Excel 另存为 .xlsx 后再导入。")
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
        infos = archive.infolist()
    except (zipfile.BadZipFile, ValueError, OSError):
        raise UnusableFile("文件已损坏或不是 .xlsx 文件，无法读取。") from None
    if sum(i.file_size for i in infos) > MAX_UNCOMPRESSED_BYTES:
        raise UnusableFile("文件解压后过大（疑似压缩炸弹），拒绝导入；请检查文件或分批导入。")
    names = {i.filename for i in infos}
    if "xl/workbook.xml" not in names:
        raise UnusableFile("文件不是 Excel .xlsx 工作簿（缺少工作簿内容），请用 Excel 另存为 .xlsx 后再导入。")
    for info in infos:
        if info.filename.startswith("xl/worksheets/") and info.filename.endswith(".xml"):
            try:
                with archive.open(info) as handle:
                    head = handle.read(4096)
            except Exception:
                raise UnusableFile("文件已损坏，无法读取工作表。") from None
            match = _DIMENSION.search(head)
            if match and match.group(3):
                cols = _column_number(match.group(3)) - _column_number(match.group(1)) + 1
                rows = int(match.group(4)) - int(match.group(2)) + 1
                if cols > MAX_COLUMNS * 10 or rows > MAX_ROWS * 5:
                    raise UnusableFile(f"工作表范围异常（{rows} 行 × {cols} 列），请只保留数据区域后另存再导入。")
            # The parser allocates the sheet densely: one far-away cell (XFD1048576) would
            # cost gigabytes, whatever the dimension tag says. Look for such a cell first.
            _scan_far_cells(archive, info)


# a cell reference beyond column GR (200) or row 299,999
_FAR_CELL = re.compile(rb' r="(?:G[S-Z]|[H-Z][A-Z]|[A-Z]{3,})\d|r="[A-Z]{1,3}(?:[3-9]\d{5}|\d{7,})"')


def _scan_far_cells(archive: zipfile.ZipFile, info: zipfile.ZipInfo) -> None:
    tail = b""
    with archive.open(info) as handle:
        while chunk := handle.read(1 << 20):
            if _FAR_CELL.search(tail + chunk):
                raise UnusableFile(
                    f"工作表范围异常：有单元格超出 {MAX_COLUMNS} 列或 {MAX_ROWS} 行，请只保留数据区域后另存再导入。"
                )
            tail = chunk[-32:]


def read_sheet(data: bytes) -> tuple[list[list[Any]], str]:
    """All rows of the first worksheet (skipping a 说明 sheet) as python values, and its name."""
    check_container(data)
    from python_calamine import CalamineWorkbook

    try:
        book = CalamineWorkbook.from_filelike(io.BytesIO(data))
        sheets = [m for m in book.sheets_metadata if str(m.typ).endswith("WorkSheet")]
        # the first visible worksheet; a hidden one (a lookup list, say) only if nothing else
        names = [m.name for m in sheets if str(m.visible).endswith(".Visible")] or [m.name for m in sheets]
    except Exception:
        raise UnusableFile("文件已损坏或不是 .xlsx 文件，无法读取。") from None
    names = [n for n in names if n != "说明"] or names
    if not names:
        raise UnusableFile("文件中没有工作表。")
    try:
        sheet = book.get_sheet_by_name(names[0])
        if sheet.total_height > MAX_ROWS + 10 or sheet.total_width > MAX_COLUMNS:
            raise UnusableFile(
                f"工作表“{names[0]}”过大（{sheet.total_height} 行 × {sheet.total_width} 列）；"
                f"每个文件最多 {MAX_ROWS} 行、{MAX_COLUMNS} 列，请分批导入。"
            )
        return sheet.to_python(skip_empty_area=False), names[0]
    except UnusableFile:
        raise
    except Exception:
        raise UnusableFile(f"工作表“{names[0]}”无法读取，文件可能已损坏。") from None
