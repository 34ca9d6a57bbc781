"""Report pages: the dashboard and one page per report (SPEC §4: "the same report is a
page in the web UI"). Thin views: the numbers come from the report functions."""

from __future__ import annotations

import logging
from functools import wraps

from django.contrib import admin
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import render
from django.urls import reverse
from django_tables2 import RequestConfig

from registry.kernel.excel.writing import xlsx_response
from registry.kernel.privacy import id_numbers_in, record_access
from registry.kernel.reporting import (
    LazyRows,
    Report,
    ReportError,
    may_read,
    percent,
    render_xlsx,
    report_spec,
    reports,
    run_report,
    scope_label,
)
from registry.kernel.reporting.cache import cached_overview, data_version
from registry.kernel.reporting.forms import ReportFilterForm
from registry.kernel.reporting.routing import report_reads
from registry.kernel.reporting.tables import report_table
from registry.models import AccessKind

logger = logging.getLogger(__name__)
PAGE_SIZE = 500  # a district fits on one page; a huge list stays quick to render


def readable_reports(user) -> list:
    return [spec for spec in reports().values() if may_read(user, spec)]


def rate_bars(report: Report) -> list[dict]:
    """Bar geometry for the template: fill and target marker as percentages of the width."""
    return [
        {
            "rate": rate,
            "width": round(rate.rate * 100, 1),
            "target_at": None if rate.target is None else round(rate.target * 100, 1),
            "rate_text": percent(rate.rate),
            "target_text": percent(rate.target),
        }
        for rate in report.rates or []
    ]


def record_report_access(request, report: Report, kind: AccessKind, rows=None) -> None:
    """Whole ID numbers on the page or in the download (masked ones are not recorded).

    `rows`: what the page shows (its page of each table); a download records every row it holds."""
    if rows is None:
        rows = (row for table in report.tables for row in table.rows)
    record_access(request, kind=kind, what=f"报表：{report.title}", id_numbers=id_numbers_in(rows))


def reads_reports(view):
    """The view's reads go to the reports' database (registry.kernel.reporting.routing)."""

    @wraps(view)
    def wrapped(*args, **kwargs):
        with report_reads():
            return view(*args, **kwargs)

    return wrapped


def _shown_rows(rows, table):
    """A table's rows in the order the page shows them: a LazyRows as the page sorted it (still
    lazy), a list as django-tables2 sorted it."""
    if isinstance(rows, LazyRows):
        return table.data.data
    return [row.record for row in table.rows]


@reads_reports
def report_view(request, name: str):
    try:
        spec = report_spec(name)
    except ReportError:
        raise Http404(f"报表“{name}”不存在。") from None
    if not may_read(request.user, spec):
        raise PermissionDenied
    filters = ReportFilterForm(request.GET, spec=spec, user=request.user)
    context = {
        **admin.site.each_context(request),
        "spec": spec,
        "filters": filters,
        "title": spec.title,
        "reports": readable_reports(request.user),
    }
    if not filters.is_valid():
        return render(request, spec.template, context, status=400)
    try:
        report = run_report(spec.name, filters.params(request.user))
    except ReportError as exc:
        raise Http404(str(exc)) from None
    tables = [
        report_table(table, prefix=f"{table.key}-" if i else "", page_size=PAGE_SIZE)
        for i, table in enumerate(report.tables)
    ]
    for table in tables:
        RequestConfig(request, paginate={"per_page": PAGE_SIZE}).configure(table)
    if request.GET.get("export") == "xlsx":
        # what is on screen: the same filters, rows in the order the page shows (every page of
        # them); a LazyRows table is streamed in that order, never read whole
        report.rows = _shown_rows(report.rows, tables[0])
        for extra, table in zip(report.extra, tables[1:]):
            extra.rows = _shown_rows(extra.rows, table)
        filename = f"{spec.title}_{report.scope_label}_{report.as_of.isoformat()}.xlsx"
        record_report_access(request, report, AccessKind.EXPORT)
        return xlsx_response(render_xlsx(report), filename)
    shown = [row.record for table in tables for row in table.paginated_rows]
    record_report_access(request, report, AccessKind.VIEW, rows=shown)
    query = request.GET.copy()
    query["export"] = "xlsx"
    context.update(
        report=report,
        bars=rate_bars(report),
        tables=list(zip(report.tables, tables)),
        export_url=f"{reverse('report', args=[spec.name])}?{query.urlencode()}",
    )
    return render(request, spec.template, context)


@reads_reports
def dashboard_view(request):
    """Every rate of every report the user may read, as of the chosen day, at a glance.

    It reads each report's overview (rates and headline numbers, no rows), cached until the
    data changes (registry.kernel.reporting.cache)."""
    specs = readable_reports(request.user)
    if not specs:
        raise PermissionDenied
    specs = [spec for spec in specs if spec.on_dashboard]
    filters = ReportFilterForm(request.GET, user=request.user)
    context = {
        **admin.site.each_context(request),
        "title": "政策达标情况总览",
        "filters": filters,
        "reports": specs,
    }
    if not filters.is_valid():
        return render(request, "reports/dashboard.html", context, status=400)
    params = filters.params(request.user)
    version = data_version()
    panels = []
    for spec in specs:
        try:
            report = cached_overview(spec, params, version)
        except ReportError as exc:
            panels.append({"spec": spec, "error": str(exc)})
            continue
        except Exception:  # one app's broken report must not take the whole dashboard down
            logger.exception("report %s failed on the dashboard", spec.name)
            panels.append({"spec": spec, "error": "该报表暂时无法生成，请联系管理员。"})
            continue
        panels.append({"spec": spec, "report": report, "bars": rate_bars(report)})
    counted = [panel["report"].computed_at for panel in panels if getattr(panel.get("report"), "computed_at", None)]
    context.update(
        panels=panels,
        params=params,
        query=request.GET.urlencode(),
        scope=scope_label(request.user, params.town),
        counted_at=min(counted, default=None),  # the oldest panel's count: what the page can vouch for
    )
    return render(request, "reports/dashboard.html", context)
