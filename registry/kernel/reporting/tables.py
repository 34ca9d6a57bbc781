"""django-tables2 tables of the report pages, built from a report's own column list,
so every report (any app's) gets sorting, admin links and the same cell formatting."""

from __future__ import annotations

from decimal import Decimal

import django_tables2 as tables
from django.urls import NoReverseMatch, reverse
from django.utils.html import format_html
from django_tables2.data import TableData
from django_tables2.utils import OrderBy

from registry.kernel.reporting import Column, LazyRows, Table

LIST_SHOWN = 3  # a longer list in a cell (the staffing report's candidates) shows these and folds the rest


def _kind(rows: list[dict], key: str) -> str:
    """`num` (every value a number: never wraps), `list`, or `text` — the cell's CSS class."""
    values = [row.get(key) for row in rows if row.get(key) not in (None, "")]
    if values and all(isinstance(v, (int, float, Decimal)) and not isinstance(v, bool) for v in values):
        return "num"
    return "list" if any(isinstance(v, (list, tuple)) for v in values) else "text"


def folded_list(items: list) -> str:
    """The first LIST_SHOWN items, then the rest behind <details> with the count (printed in full)."""
    shown, rest = [str(i) for i in items[:LIST_SHOWN]], [str(i) for i in items[LIST_SHOWN:]]
    if not rest:
        return "、".join(shown)
    total = f"共{len(items)}项"
    rest_text = "、".join(rest)
    return format_html(
        '{}<details class="more"><summary>…{}，展开</summary>{}</details><span class="print-only">、{}</span>',
        "、".join(shown),
        total,
        rest_text,
        rest_text,
    )


class ReportColumn(tables.Column):
    """A report cell: 是/否, lists joined with 、 (long ones folded), and a link to the record's admin page.

    Header and cells carry `col-<key>` and `num`/`list`/`text` classes for the stylesheet
    (registry/static/registry/pages.css): numbers never wrap, names wrap between words."""

    def __init__(self, spec: Column, kind: str = "text", **kwargs):
        self.spec = spec
        css = {"class": f"col-{spec.key} {kind}"}
        super().__init__(
            verbose_name=spec.label, accessor=tables.A(spec.key), default="", attrs={"th": css, "td": css}, **kwargs
        )

    def render(self, value, record):
        shown = self.spec.display(value) if self.spec.display is not None and value is not None else value
        if isinstance(shown, (list, tuple)) and len(shown) > LIST_SHOWN:
            return folded_list(list(shown))
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


class LazyTableData(TableData):
    """A LazyRows as django-tables2's data: counted, paged — and sorted by a column it allows —
    in SQL, never read whole (the default list data would read every row into memory)."""

    def __init__(self, data: LazyRows):
        super().__init__(data)
        self._ordering: list[str] = []

    def __len__(self) -> int:
        return len(self.data)

    @property
    def ordering(self):
        return self._ordering or None

    def order_by(self, aliases):
        for alias in aliases[:1]:  # one column at a time; the report's own order breaks ties
            order = OrderBy(alias)
            if order.bare in self.data.sortable:
                self.data = self.data.sorted_by(order.bare, descending=order.is_descending)
                self._ordering = [str(alias)]


def report_table(table: Table, prefix: str = "", page_size: int = 500) -> ReportTable:
    """A sortable table of `table.rows`; `prefix` keeps each table's sort parameter apart.

    A LazyRows table (a long list) is paged in SQL and keeps the report's own order, except by
    the columns it can sort in SQL. Its cell classes are judged on its first page of rows, which
    the first page then shows without fetching them again."""
    if isinstance(table.rows, LazyRows):
        sample = table.rows[:page_size]
        columns = [
            (c.key, ReportColumn(c, _kind(sample, c.key), orderable=c.key in table.rows.sortable))
            for c in table.columns
        ]
        return ReportTable(LazyTableData(table.rows), extra_columns=columns, prefix=prefix, empty_text="（无）")
    columns = [(column.key, ReportColumn(column, _kind(table.rows, column.key))) for column in table.columns]
    return ReportTable(table.rows, extra_columns=columns, prefix=prefix, empty_text="（无）")
