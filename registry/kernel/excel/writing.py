"""Writing .xlsx files: exports that re-import as they are, import templates, the user's own
workbook handed back with its errors marked, and the one HTTP response every .xlsx download
goes through."""

from __future__ import annotations

import io
from collections import defaultdict
from collections.abc import Iterable
from urllib.parse import quote

from django.http import HttpResponse

from registry.kernel.excel.widgets import (
    BooleanWidget,
    ChoiceWidget,
    DateWidget,
    IdNumberWidget,
    ManyNaturalKeysWidget,
    NaturalKeyWidget,
    PhoneWidget,
)

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
ERROR_COLUMN = "错误说明"
ERROR_FILL_COLOR = "FFC7CE"  # Excel's own "light red fill" for bad values
LIST_SHEET = "下拉选项"
TEMPLATE_ROWS = 5000


def xlsx_response(data: bytes, filename: str) -> HttpResponse:
    """An .xlsx download whose Chinese file name survives every browser (RFC 5987 UTF-8 name)."""
    response = HttpResponse(data, content_type=XLSX)
    response["Content-Disposition"] = f"attachment; filename*=UTF-8''{quote(filename)}"
    return response


def is_text_column(resource, column: str) -> bool:
    """Formatted as text in templates, so Excel never rounds an ID number or drops a leading 0."""
    widget = resource.columns()[column].widget
    return isinstance(widget, (IdNumberWidget, PhoneWidget)) or column in resource.text_columns


def _workbook_bytes(book) -> bytes:
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def export_xlsx(resource, queryset) -> bytes:
    """The rows `queryset` holds, with the kind's exact headers, so the file re-imports as is.

    Text cells that start with = + - @ were escaped by `KindResource.export_field`.
    """
    from openpyxl import Workbook

    book = Workbook(write_only=True)
    sheet = book.create_sheet(resource.data_sheet_title() or "Sheet1")
    fields = resource.get_export_fields()
    sheet.append([f.column_name for f in fields])
    for obj in resource.iter_queryset(resource.export_queryset(queryset)):
        sheet.append([resource.export_field(f, obj) for f in fields])
    return _workbook_bytes(book)


def column_choices(field, user) -> tuple[list[str], bool]:
    """What a template offers in a column's drop-down, and whether only those values are allowed.

    Related rows (organizations, areas, host units, training codes) are those `user` may import
    into; a cell listing several (服务调解组织) gets the list as a suggestion only."""
    widget = field.widget
    if isinstance(widget, ChoiceWidget):
        return list(widget.choices), True
    if isinstance(widget, BooleanWidget):
        return ["是", "否"], True
    if isinstance(widget, NaturalKeyWidget) and widget.listed:
        from registry.kernel.scope import visible

        queryset = widget.model._default_manager.all()
        if user is not None:
            queryset = visible(queryset, user)
        names = [str(n) for n in queryset.order_by(widget.field).values_list(widget.field, flat=True).distinct()]
        return names, not isinstance(widget, ManyNaturalKeysWidget)
    return [], False


def template_xlsx(resource, user=None) -> bytes:
    """An empty import template: the data sheet (named like the export's), drop-downs fed from a
    hidden list sheet (no 255-character limit), and a 说明 sheet with the other ways to write
    each header."""
    from openpyxl import Workbook

    book = Workbook()
    sheet = book.active
    sheet.title = resource.data_sheet_title() or "数据"
    notes = book.create_sheet("说明")
    lists = book.create_sheet(LIST_SHEET)
    lists.sheet_state = "hidden"
    notes.append(["列名", "是否必填", "说明", "也可写作（导入时同样识别）"])
    synonyms = resource.header_index().listed
    for index, (column, f) in enumerate(resource.columns().items(), start=1):
        required = column in resource.required_columns
        note = _template_column(resource, sheet, lists, index, column, f, required, user)
        also = "、".join(s.describe() for s in synonyms.get(column, []))
        notes.append([column, "必填" if required else "", note, also])
    notes.append([])
    notes.append(["通用说明", "", TEMPLATE_NOTE])
    for letter, width in (("A", 16), ("B", 10), ("C", 70), ("D", 40)):
        notes.column_dimensions[letter].width = width
    sheet.freeze_panes = "A2"
    return _workbook_bytes(book)


TEMPLATE_NOTE = (
    "表头可以在前5行中（上方可有标题行、填报单位行），也可以是两行（上面一行是合并的分组，如 基本情况、任职情况）；"
    "列的顺序不限，列名按本页“也可写作”识别，多余的空格、换行、全角字符、*、（必填）和括号里的提示不影响识别；"
    "不认识的列（如 序号）和表尾的合计、填表人、审核人、填报日期、盖章行会被忽略。"
    "全部行无误才会导入；有任何错误时不写入任何数据，并列出所有错误的行和列（可下载标注错误的文件）。"
)


def _template_column(resource, sheet, lists, index: int, column: str, field, required: bool, user) -> str:
    """One template column: its header cell, drop-down, text format; returns its 说明."""
    from openpyxl.styles import Font, PatternFill
    from openpyxl.utils import get_column_letter

    letter = get_column_letter(index)
    cell = sheet.cell(row=1, column=index, value=column)
    cell.font = Font(bold=True)
    if required:
        cell.fill = PatternFill("solid", fgColor="FFF2CC")
    sheet.column_dimensions[letter].width = max(12, len(column) * 3)
    choices, strict = column_choices(field, user)
    if choices:
        _drop_down(sheet, lists, letter, column, choices, strict=strict, required=required)
    if is_text_column(resource, column):
        for row in range(2, 1001):  # text format, so Excel never rounds an ID number
            sheet.cell(row=row, column=index).number_format = "@"
    note = resource.template_notes.get(column, "")
    if not note and choices and strict and len(choices) <= 10:
        note = "可选：" + "、".join(choices) + "。"
    elif not note and choices:
        note = "从下拉列表中选择。"
    if not note and isinstance(field.widget, DateWidget):
        note = "日期，如 2021-03-05。"
    return note


def _drop_down(sheet, lists, letter: str, column: str, choices: list[str], *, strict: bool, required: bool) -> None:
    """A list validation on the data sheet's column, its values in a column of the hidden list sheet."""
    from openpyxl.utils import get_column_letter
    from openpyxl.worksheet.datavalidation import DataValidation

    list_column = lists.max_column + 1 if lists.max_row > 1 or lists["A1"].value else 1
    list_letter = get_column_letter(list_column)
    lists.cell(row=1, column=list_column, value=column)
    for row, choice in enumerate(choices, start=2):
        lists.cell(row=row, column=list_column, value=choice)
    source = f"'{LIST_SHEET}'!${list_letter}$2:${list_letter}${len(choices) + 1}"
    validation = DataValidation(type="list", formula1=source, allow_blank=not required)
    validation.showErrorMessage = strict  # a multi-value cell (服务调解组织) may list several
    validation.error = f"请从下拉列表中选择{column}。"
    validation.errorTitle = column
    sheet.add_data_validation(validation)
    validation.add(f"{letter}2:{letter}{TEMPLATE_ROWS}")


def mark_errors(
    data: bytes, *, sheet: str, header_row: int, positions: dict[str, int], errors: Iterable[tuple[int, str, str]]
) -> bytes:
    """The user's own workbook with its errors marked (SPEC §4 --error-file): every original
    sheet, cell, merged range and column width as it was, plus a last column 错误说明 in the
    header row with each bad row's messages, and each cell an error names filled red with the
    message as a comment. `positions` are the 0-based cell positions of the kind's columns."""
    from openpyxl import load_workbook
    from openpyxl.cell.cell import MergedCell
    from openpyxl.comments import Comment
    from openpyxl.styles import Alignment, Font, PatternFill
    from openpyxl.utils import get_column_letter

    book = load_workbook(io.BytesIO(data))
    ws = book[sheet]
    note_column = ws.max_column + 1
    header = ws.cell(row=header_row, column=note_column, value=ERROR_COLUMN)
    header.font = Font(bold=True, color="9C0006")
    ws.column_dimensions[get_column_letter(note_column)].width = 60
    fill = PatternFill("solid", fgColor=ERROR_FILL_COLOR)
    by_row: dict[int, list[str]] = defaultdict(list)
    by_cell: dict[tuple[int, int], list[str]] = defaultdict(list)
    for row, column, message in errors:
        by_row[row].append(f"{column}：{message}")
        if column in positions:
            by_cell[(row, positions[column] + 1)].append(message)
    for row, messages in by_row.items():
        cell = ws.cell(row=row, column=note_column, value="；".join(messages))
        cell.alignment = Alignment(wrap_text=True, vertical="top")
    for (row, column), messages in by_cell.items():
        cell = ws.cell(row=row, column=column)
        if isinstance(cell, MergedCell):
            continue
        cell.fill = fill
        comment = Comment("\n".join(messages), "导入检查")
        comment.width, comment.height = 320, 60 + 40 * len(messages)
        cell.comment = comment
    return _workbook_bytes(book)
