"""Every registered kind yields a usable .xlsx template."""

import io

import openpyxl
import pytest

from registry.kernel.excel.engine import import_kinds, resource_for
from registry.kernel.excel.writing import template_xlsx


@pytest.mark.parametrize("kind", import_kinds())
def test_template_of_every_kind(kind, db):
    resource = resource_for(kind)
    book = openpyxl.load_workbook(io.BytesIO(template_xlsx(resource)))
    sheet = book.worksheets[0]
    header = [c.value for c in sheet[1]]
    assert header == list(resource.columns())
    assert set(resource.required_columns) <= set(header)
    for validation in sheet.data_validations.dataValidation:
        assert len(validation.formula1) <= 255  # Excel's limit for a literal list
    notes = {row[0]: row for row in book["说明"].iter_rows(values_only=True) if row and row[0]}
    assert all(notes[c][1] == "必填" for c in resource.required_columns)
