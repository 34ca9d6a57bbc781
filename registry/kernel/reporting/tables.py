"""django-tables2 tables of the report pages, built from a report's own column list,
so every report (any app's) gets sorting, admin links and the same cell formatting."""

from __future__ import annotations

import django_tables2 as tables
from django.urls import NoReverseMatch, reverse
from django.utils.html import format_html

from registry.kernel.reporting import Column, LazyRows, Table


class ReportColumn(tables.Column):
    """A report cell: 是/否, lists joined with 、, and a link to the record's admin page."""

    def __init__(self, spec: Column, **kwargs):
        self.spec = spec
        super().__init__(verbose_name=spec.label, accessor=tables.A(spec.key), default="", **kwargs)

    def render(self, value, record):
        text = self.spec.text(value)
        pk = record.get(self.spec.link_key) if self.spec.link else None
        if pk is None or text == "":
            return text
        try:
            url = reverse(self.spec.link, args=[pk])
        except NoReverseMatch:
            return text
        return format_html('<a href="{}">{}</a>', url, text)

    def value(self, value, record):
        return self.spec.text(value)


class ReportTable(tables.Table):
    class Meta:
        template_name = "django_tables2/table.html"
        attrs = {"class": "report-table"}
        orderable = True


def report_table(table: Table, prefix: str = "") -> ReportTable:
    """A sortable table of `table.rows`; `prefix` keeps each table's sort parameter apart.

    A LazyRows table (a list of people) is paged in SQL and keeps the report's own order:
    sorting it would mean reading it whole."""
    columns = [(column.key, ReportColumn(column)) for column in table.columns]
    lazy = isinstance(table.rows, LazyRows)
    return ReportTable(table.rows, extra_columns=columns, prefix=prefix, empty_text="（无）", orderable=not lazy)
