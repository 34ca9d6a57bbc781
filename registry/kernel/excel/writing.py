"""Writing .xlsx files: exports that re-import as they are, import templates, and the one
HTTP response every .xlsx download goes through."""

from __future__ import annotations

import io
from urllib.parse import quote

from django.http import HttpResponse

from registry.kernel.excel.widgets import IdNumberWidget, PhoneWidget

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


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
    sheet = book.create_sheet(resource._meta.model._meta.verbose_name[:31] or "Sheet1")
    fields = resource.get_export_fields()
    sheet.append([f.column_name for f in fields])
    for obj in resource.iter_queryset(resource.export_queryset(queryset)):
        sheet.append([resource.export_field(f, obj) for f in fields])
    return _workbook_bytes(book)


def template_xlsx(resource) -> bytes:
    """An empty import template: header, drop-down lists for enumerated columns, a 说明 sheet."""
    from openpyxl import Workbook

    book = Workbook()
    sheet = book.active
    sheet.title = resource.kind or "数据"
    notes = book.create_sheet("说明")
    notes.append(["列名", "是否必填", "说明"])
    for index, (column, f) in enumerate(resource.columns().items(), start=1):
        required = column in resource.required_columns
        note = _template_column(resource, sheet, index, column, f.widget, required)
        notes.append([column, "必填" if required else "", note])
    notes.append([])
    notes.append(
        [
            "通用说明",
            "",
            "第1行为表头（上方可有标题行，最多4行）；列名须与模板一致，顺序不限；不认识的列（如 序号）会被忽略。"
            "全部行无误才会导入，有任何错误时不写入任何数据并列出所有错误的行和列。",
        ]
    )
    for letter, width in (("A", 16), ("B", 10), ("C", 90)):
        notes.column_dimensions[letter].width = width
    sheet.freeze_panes = "A2"
    return _workbook_bytes(book)


def _template_column(resource, sheet, index: int, column: str, widget, required: bool) -> str:
    """One template column: its header cell, drop-down list, text format; returns its 说明."""
    from openpyxl.styles import Font, PatternFill
    from openpyxl.utils import get_column_letter
    from openpyxl.worksheet.datavalidation import DataValidation

    from registry.kernel.excel.widgets import BooleanWidget, ChoiceWidget, DateWidget

    letter = get_column_letter(index)
    cell = sheet.cell(row=1, column=index, value=column)
    cell.font = Font(bold=True)
    if required:
        cell.fill = PatternFill("solid", fgColor="FFF2CC")
    sheet.column_dimensions[letter].width = max(12, len(column) * 3)
    choices: list[str] = []
    if isinstance(widget, ChoiceWidget):
        choices = widget.choices
    elif isinstance(widget, BooleanWidget):
        choices = ["是", "否"]
    if choices:
        validation = DataValidation(type="list", formula1='"' + ",".join(choices) + '"', allow_blank=not required)
        validation.error = f"请从下拉列表中选择：{'、'.join(choices)}"
        validation.errorTitle = column
        sheet.add_data_validation(validation)
        validation.add(f"{letter}2:{letter}5000")
    if is_text_column(resource, column):
        for row in range(2, 1001):  # text format, so Excel never rounds an ID number
            sheet.cell(row=row, column=index).number_format = "@"
    note = resource.template_notes.get(column, "")
    if not note and choices:
        note = "可选：" + "、".join(choices) + "。"
    if not note and isinstance(widget, DateWidget):
        note = "日期，如 2021-03-05。"
    return note
