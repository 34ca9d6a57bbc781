"""The finance export: payouts as an .xlsx a bank-payment clerk can use as is.

Amounts are numbers formatted ¥#,##0.00 (exact: openpyxl writes a Decimal's own digits),
ID numbers are text (an 18-digit number would be rounded by Excel), and the last row
holds the totals, computed in Decimal rather than as a formula so every reader sees them.
"""

from __future__ import annotations

import io
from decimal import Decimal

from django.db.models import QuerySet
from openpyxl import Workbook
from openpyxl.styles import Font

from registry.kernel.excel.widgets import escape_formula
from subsidies.models import Payout

MONEY_FORMAT = "¥#,##0.00"
HEADER = [
    "序号",
    "姓名",
    "身份证号",
    "所属镇街",
    "所属调解组织",
    "补贴类型",
    "所属期间",
    "案件编号",
    "案件等级",
    "金额（元）",
    "状态",
    "发放日期",
    "备注",
]
AMOUNT_COLUMN = HEADER.index("金额（元）") + 1
ID_COLUMN = HEADER.index("身份证号") + 1


def payouts_xlsx(payouts: QuerySet[Payout]) -> bytes:
    """One sheet 补贴发放表: a row per payout (one query) and a 合计 row."""
    book = Workbook()
    sheet = book.active
    sheet.title = "补贴发放表"
    sheet.append(HEADER)
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    total, count = Decimal("0.00"), 0
    rows = payouts.select_related("mediator", "organization", "area").order_by(
        "area__name", "period", "mediator__name", "pk"
    )
    for count, payout in enumerate(rows, start=1):
        sheet.append(
            [
                count,
                escape_formula(payout.mediator.name),
                payout.mediator.id_number,
                payout.area.name,
                escape_formula(payout.organization.name),
                payout.kind,
                payout.period,
                escape_formula(payout.case_number),
                payout.case_grade,
                payout.amount,
                payout.status,
                payout.paid_date,
                escape_formula(payout.remarks),
            ]
        )
        total += payout.amount
    sheet.append(["合计", f"{count} 笔"] + [None] * (AMOUNT_COLUMN - 3) + [total])
    last = sheet.max_row
    for cell in sheet[last]:
        cell.font = Font(bold=True)
    for row in range(2, last + 1):
        sheet.cell(row=row, column=AMOUNT_COLUMN).number_format = MONEY_FORMAT
        sheet.cell(row=row, column=ID_COLUMN).number_format = "@"
        sheet.cell(row=row, column=HEADER.index("发放日期") + 1).number_format = "yyyy-mm-dd"
    widths = [6, 10, 22, 14, 30, 14, 10, 24, 16, 14, 8, 12, 30]
    for index, width in enumerate(widths, start=1):
        sheet.column_dimensions[sheet.cell(row=1, column=index).column_letter].width = width
    sheet.freeze_panes = "A2"
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()
