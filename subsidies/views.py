"""The subsidies report page: the shared report with a monthly bar chart drawn server-side (SVG)."""

from __future__ import annotations

from decimal import Decimal

from django.contrib import admin
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import render
from django.urls import reverse

from registry.kernel.reporting import ReportError, Table, may_read, report_spec, run_report
from registry.kernel.reporting.forms import ReportFilterForm
from registry.kernel.reporting.tables import report_table
from registry.kernel.reporting.views import reads_reports, record_report_access
from registry.models import AccessKind
from subsidies.reports import COLUMNS, DIMENSIONS, mediator_rows, monthly_totals, summary_rows

CHART_HEIGHT = 180  # px of the tallest bar
BAR_WIDTH, BAR_GAP = 36, 14
SEGMENTS = [("paid", "已发放", "#2e7d32"), ("approved", "已审核", "#1976d2"), ("pending", "待审核", "#f9a825")]


def month_bars(rows: list[dict]) -> dict:
    """Stacked bars (已发放 / 已审核 / 待审核) per month, scaled to the largest month."""
    top = max((row["total"] for row in rows), default=Decimal(0)) or Decimal(1)
    bars = []
    for index, row in enumerate(rows):
        x = 90 + index * (BAR_WIDTH + BAR_GAP)
        y = 20 + CHART_HEIGHT
        segments = []
        for key, label, colour in SEGMENTS:
            height = float(row[key] / top) * CHART_HEIGHT
            y -= height
            if height:
                segments.append(
                    {
                        "y": round(y, 1),
                        "height": round(height, 1),
                        "colour": colour,
                        "title": f"{row['month']} {label} ¥{row[key]:,.2f}",
                    }
                )
        bars.append(
            {
                "x": x,
                "label": row["month"][2:],
                "segments": segments,
                "total": f"{row['total']:,.0f}",
                "top": round(y - 4, 1),
            }
        )
    return {
        "bars": bars,
        "width": 110 + len(rows) * (BAR_WIDTH + BAR_GAP),
        "height": CHART_HEIGHT + 50,
        "base": 20 + CHART_HEIGHT,
        "bar_width": BAR_WIDTH,
        "max": f"{top:,.2f}",
        "legend": SEGMENTS,
    }


@reads_reports
def report_view(request):
    spec = report_spec("subsidies")
    if not may_read(request.user, spec):
        raise PermissionDenied
    filters = ReportFilterForm(request.GET, spec=spec, user=request.user)
    context = {**admin.site.each_context(request), "spec": spec, "filters": filters, "title": spec.title}
    if not filters.is_valid():
        return render(request, "subsidies/report.html", context, status=400)
    try:
        report = run_report(spec.name, filters.params(request.user))
    except ReportError as exc:
        raise Http404(str(exc)) from None
    tables = []
    head = summary_rows(report)
    for dimension, label in DIMENSIONS.items():
        title = label if dimension == "total" else f"按{label}"
        if dimension == "mediator":
            rows = mediator_rows(report)
        else:
            rows = [row for row in head if row["dimension"] == dimension]
        columns = [
            c
            for c in COLUMNS
            if c.key != "dimension_label"
            and (c.key != "id_number" or dimension == "mediator")
            and (c.key != "area" or dimension == "mediator")
            and (c.key not in ("budget", "used", "remaining", "over_budget") or dimension in ("total", "area"))
        ]
        tables.append((title, report_table(Table(dimension, title, columns, rows), prefix=f"{dimension}-")))
    record_report_access(request, report, AccessKind.VIEW)  # the 按调解员 table shows ID numbers
    query = request.GET.copy()
    query["export"] = "xlsx"
    context.update(
        report=report,
        tables=tables,
        chart=month_bars(monthly_totals(report)),
        export_url=f"{reverse('report', args=[spec.name])}?{query.urlencode()}",
        can_pay=request.user.has_perm("subsidies.pay_payout"),
    )
    return render(request, "subsidies/report.html", context)
