"""The reporting API: one result shape, one registry, one renderer per format (SPEC §4).

How an app adds a report (training, subsidies and branding do exactly this):

1. In `<app>/reports.py` write `def <name>(params: ReportParams) -> Report`. Limit every
   queryset with `params.scope(qs)` (user scope + the page's town filter), use
   `params.as_of` / `params.year`, read targets from the app's own `policy.py` with
   `registry.kernel.policy.in_force(TABLE, params.year)`, build rates with `Rate.of(...)`,
   and keep the query count constant (annotate, don't loop).
2. Register a `ReportSpec` in the app's `AppConfig.ready()`:
   `hooks.register(hooks.REPORT, ReportSpec(...))`. That is all: `manage.py report NAME`
   (text/json/xlsx), the web page `/reports/NAME/` with its .xlsx download, the admin
   links and a dashboard bar for every rate come from here.

Conventions: a rate whose total is 0 is 1 (nothing of that category exists, so nothing
falls short; the web page and text show the 0 total next to it). Rates and targets are
fractions in [0, 1]; a target is None where the plan sets none for that year.
"""

from __future__ import annotations

import datetime
import io
import json
import unicodedata
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from decimal import Decimal
from itertools import chain, islice
from typing import Any, Callable

from django.db.models import Expression, F, OrderBy, QuerySet
from django.utils import timezone
from django.utils.module_loading import import_string

from registry.kernel import hooks
from registry.kernel.privacy import mask_rows, sees_full_numbers
from registry.kernel.scope import is_scoped, town_areas, visible
from registry.models import Area


@dataclass(frozen=True)
class ReportSpec:
    name: str
    title: str
    function: str  # dotted path of `def f(params: ReportParams) -> Report`
    permission: str = "registry.view_organization"  # who may read it (scope still applies)
    kinds: tuple[str, ...] = ()  # choices of the page's 类型 filter; () = no such filter
    template: str = "reports/report.html"  # the page; a report with its own layout extends this one
    on_dashboard: bool = True  # a panel on /reports/ (rates and headline numbers)
    # dotted path of `def f(params: ReportParams) -> Overview`: the rates and headline numbers
    # alone, for the dashboard (aggregates, no rows); "" = the dashboard runs the full report
    overview: str = ""


def reports() -> dict[str, ReportSpec]:
    """NAME -> spec of every registered report, in the order of menus and the dashboard."""
    return {spec.name: spec for spec in hooks.get(hooks.REPORT)}


class ReportError(Exception):
    """A problem the reader can fix (bad name, date, user); the message is Chinese."""


@dataclass(frozen=True)
class ReportParams:
    as_of: datetime.date
    year: int  # selects the targets in force at the end of this year
    user: Any = None  # None: the whole district (the command without --as)
    town: Area | None = None  # the page's 镇街 filter: a town/street with its villages
    kind: str | None = None  # the page's 类型 filter

    @property
    def scoped(self) -> bool:
        """The report covers one town/street (a clerk, or the page's town filter), not the district."""
        return self.town is not None or (self.user is not None and is_scoped(self.user))

    def scope(self, queryset: QuerySet) -> QuerySet:
        """`queryset` limited to the user's scope and the town filter (model needs `in_areas`)."""
        if self.user is not None:
            queryset = visible(queryset, self.user)
        if self.town is not None:
            queryset = queryset.in_areas(town_areas(self.town.pk))
        return queryset


def resolve_period(
    *, as_of: datetime.date | None = None, year: int | None = None, today: datetime.date | None = None
) -> tuple[datetime.date, int]:
    """(as-of date, target year) per SPEC §4.

    Neither: today and its year. --year Y alone: Y-12-31, or today if that is earlier.
    --as-of D alone: D and D's year. Both: D, with the targets in force at the end of Y.
    """
    today = today or timezone.localdate()
    if year is not None and not 1900 <= year <= 2999:
        raise ReportError(f"年份“{year}”无效，应为四位数字的年份，如 2022。")
    if as_of is None:
        as_of = min(datetime.date(year, 12, 31), today) if year is not None else today
    return as_of, (year if year is not None else as_of.year)


def parse_date(value: str | datetime.date) -> datetime.date:
    if isinstance(value, datetime.date):  # call_command(..., as_of=date(...))
        return value
    try:
        return datetime.date.fromisoformat(value.strip())
    except (ValueError, AttributeError):
        raise ReportError(f"日期“{value}”格式不正确，应为 YYYY-MM-DD，如 2022-12-31。") from None


def parse_year(value: str | int) -> int:
    try:
        year = int(str(value).strip())
    except ValueError:
        raise ReportError(f"年份“{value}”格式不正确，应为四位数字，如 2022。") from None
    resolve_period(year=year, as_of=datetime.date(2000, 1, 1))  # range check
    return year


DISTRICT_SCOPE = "全区"  # Rate.scope of a district-wide rate shown to a reader scoped to one town


@dataclass
class Rate:
    category: str
    total: int
    meeting: int
    rate: float
    target: float | None
    # None: the rate of the report's own scope. DISTRICT_SCOPE: the whole district's rate, shown to a
    # clerk for reference — the district's target, never their town's own failure.
    scope: str | None = None

    @classmethod
    def of(
        cls, category: str, *, total: int, meeting: int, target: Decimal | float | None, scope: str | None = None
    ) -> Rate:
        return cls(
            category=str(category),  # a TextChoices member becomes its plain label
            total=total,
            meeting=meeting,
            rate=meeting / total if total else 1.0,
            target=None if target is None else float(target),
            scope=scope,
        )

    @property
    def short(self) -> bool:
        return self.target is not None and self.rate < self.target

    def as_dict(self) -> dict:
        out = {
            "category": self.category,
            "total": self.total,
            "meeting": self.meeting,
            "rate": self.rate,
            "target": self.target,
        }
        if self.scope is not None:
            out["scope"] = self.scope
        return out


MONEY_FORMAT = "#,##0.00"  # xlsx number format of amounts in yuan: 438,000.00, still a number


class LazyRows:
    """Rows too many to hold: counted and paged in SQL for a page, streamed whole for JSON
    and xlsx, never all in memory. `count()` and `page(start, stop)` serve the page (django-tables2
    slices it like a list); `stream()` yields every row in order."""

    def __init__(
        self,
        *,
        count: Callable[[], int],
        page: Callable[[int, int], list[dict]],
        stream: Callable[[], Iterable[dict]],
        sort: Callable[[str, bool], LazyRows] | None = None,
        sortable: Iterable[str] = (),
    ):
        self._count, self._page, self._stream, self._sort = count, page, stream, sort
        self.sortable = frozenset(sortable)  # row keys the rows can be re-sorted by, in SQL
        self._length: int | None = None
        self._window: tuple[int, list[dict]] | None = None  # the last rows fetched, from where

    def sorted_by(self, key: str, descending: bool = False) -> LazyRows:
        """The same rows sorted by `key` first (then in their own order); `key` in `sortable`."""
        if key not in self.sortable or self._sort is None:
            raise ValueError(f"rows cannot be sorted by {key!r}")
        return self._sort(key, descending)

    def __len__(self) -> int:
        if self._length is None:
            self._length = self._count()
        return self._length

    def __bool__(self) -> bool:
        return len(self) > 0

    def __iter__(self) -> Iterator[dict]:
        return iter(self._stream())

    def __getitem__(self, key):
        if isinstance(key, slice):
            if key.step not in (None, 1) or (key.start or 0) < 0 or key.stop is None or key.stop < 0:
                start, stop, _ = key.indices(len(self))
            else:
                start, stop = key.start or 0, key.stop
            return self._rows(start, stop) if stop > start else []
        rows = self._rows(key, key + 1)
        if not rows:
            raise IndexError(key)
        return rows[0]

    def _rows(self, start: int, stop: int) -> list[dict]:
        """Rows start..stop; a slice inside the last one fetched (a page of the sample a table
        judges its columns by) costs no query."""
        if self._window is not None:
            first, rows = self._window
            last = first + len(rows)
            if first <= start and (stop <= last or last == self._length):  # inside, or it reaches the end
                return rows[start - first : stop - first]
        rows = self._page(start, stop)
        self._window = (start, rows)
        return rows


def queryset_rows(
    queryset: QuerySet,
    row: Callable[[Any], dict],
    chunk_size: int = 2000,
    sortable: dict[str, list[str | Expression]] | None = None,
) -> LazyRows:
    """LazyRows of an ordered queryset, each item made a row by `row` (`sortable`: see batched_rows)."""
    return batched_rows(queryset, lambda items: [row(item) for item in items], chunk_size, sortable)


def batched_rows(
    queryset: QuerySet,
    rows: Callable[[list], list[dict]],
    chunk_size: int = 2000,
    sortable: dict[str, list[str | Expression]] | None = None,
) -> LazyRows:
    """LazyRows of an ordered queryset whose items are made rows a batch at a time — a page, or
    `chunk_size` items of the stream — so `rows` can complete a batch with one more query
    (the staffing report's candidates): a query per batch, never one per row.

    `sortable`: row key → the queryset's fields or expressions that sort by it, so a page can be
    re-sorted by that column in SQL (the queryset's own order breaks ties)."""
    sortable = sortable or {}

    def stream() -> Iterator[dict]:
        items = queryset.iterator(chunk_size=chunk_size)
        while batch := list(islice(items, chunk_size)):
            yield from rows(batch)

    def sort(key: str, descending: bool) -> LazyRows:
        terms = [OrderBy(F(t) if isinstance(t, str) else t, descending=descending) for t in sortable[key]]
        return batched_rows(queryset.order_by(*terms, *queryset.query.order_by), rows, chunk_size, sortable)

    return LazyRows(
        count=queryset.count,
        page=lambda start, stop: rows(list(queryset[start:stop])),
        stream=stream,
        sort=sort,
        sortable=sortable,
    )


def chained_rows(head: list[dict], tail: LazyRows) -> LazyRows:
    """A few rows held in memory followed by a LazyRows (e.g. totals, then one row per person)."""

    def page(start: int, stop: int) -> list[dict]:
        rows = head[start:stop]
        if stop > len(head):
            rows += tail[max(0, start - len(head)) : stop - len(head)]
        return rows

    return LazyRows(count=lambda: len(head) + len(tail), page=page, stream=lambda: chain(head, tail))


@dataclass
class Overview:
    """What the dashboard draws of a report: its rates and headline numbers, no rows."""

    rates: list[Rate] | None
    summary: list[tuple[str, Any]] = field(default_factory=list)
    scope_label: str = "全区"
    computed_at: datetime.datetime | None = None  # when its numbers were counted


@dataclass(frozen=True)
class Column:
    key: str
    label: str
    link: str | None = None  # admin URL name of the row's record, e.g. "admin:registry_organization_change"
    link_key: str | None = None  # the row key holding that record's pk
    number_format: str | None = None  # xlsx number format of the column's cells, e.g. MONEY_FORMAT
    display: Callable[[Any], Any] | None = None  # how text, page and xlsx show a value JSON keeps structured

    def text(self, value: Any) -> Any:
        return cell(self.display(value) if self.display is not None and value is not None else value)


@dataclass
class Table:
    """A list of rows; extra tables of a report appear in JSON under their key."""

    key: str
    title: str
    columns: list[Column]
    rows: list[dict] | LazyRows


@dataclass
class Chart:
    """A small horizontal bar chart: (label, count) pairs, drawn with CSS on the page."""

    title: str
    bars: list[tuple[str, int]]

    @property
    def widths(self) -> list[tuple[str, int, float]]:
        top = max((count for _, count in self.bars), default=0) or 1
        return [(label, count, round(count * 100 / top, 1)) for label, count in self.bars]


@dataclass
class Report:
    name: str
    title: str
    as_of: datetime.date
    year: int
    columns: list[Column]
    rows: list[dict] | LazyRows
    rates: list[Rate] | None = None  # None: the rule has no rate (no "rates" key in JSON)
    extra: list[Table] = field(default_factory=list)
    summary: list[tuple[str, Any]] = field(default_factory=list)  # headline numbers for the dashboard
    notes: list[str] = field(default_factory=list)
    scope_label: str = "全区"
    charts: list[Chart] = field(default_factory=list)  # small bar charts drawn on the page
    sheets: list[Table] | None = None  # xlsx sheets in place of the row tables (JSON is unchanged)
    xlsx_writer: Callable[[Report], bytes] | None = None  # a report whose workbook is a printed form

    @property
    def tables(self) -> list[Table]:
        return [Table("rows", "明细", self.columns, self.rows), *self.extra]

    def as_dict(self) -> dict:
        out: dict[str, Any] = {
            "report": self.name,
            "as_of": self.as_of.isoformat(),
            "year": self.year,
            "scope": self.scope_label,
            "rows": self.rows,
        }
        if self.rates is not None:
            out["rates"] = [rate.as_dict() for rate in self.rates]
        for table in self.extra:
            out[table.key] = table.rows
        if self.summary:
            out["summary"] = {label: value for label, value in self.summary}
        return out


# ---------------------------------------------------------------- running


def report_spec(name: str) -> ReportSpec:
    known = reports()
    spec = known.get((name or "").strip())
    if spec is None:
        raise ReportError(f"报表“{name}”不存在；可选：{'、'.join(known)}。")
    return spec


def report_function(spec: ReportSpec) -> Callable[[ReportParams], Report]:
    try:
        return import_string(spec.function)
    except ImportError:
        raise ReportError(f"报表“{spec.name}”（{spec.title}）尚未启用。") from None


def scope_label(user, town: Area | None) -> str:
    from registry.kernel.scope import user_town

    if town is not None:
        return town.name
    if user is not None:
        mine = user_town(user)
        if mine is not None:
            return mine.name
    return "全区"


def _masked(rows: list[dict] | LazyRows) -> list[dict] | LazyRows:
    """Rows with ID and phone numbers masked; a LazyRows stays lazy (each page, each stream)."""
    if not isinstance(rows, LazyRows):
        mask_rows(rows)
        return rows

    def masked(batch: list[dict]) -> list[dict]:
        batch = [dict(row) for row in batch]  # the rows may be held (LazyRows' last page): mask copies
        mask_rows(batch)
        return batch

    return LazyRows(
        count=lambda: len(rows),
        page=lambda start, stop: masked(rows[start:stop]),
        stream=lambda: (masked([row])[0] for row in rows),
        sort=lambda key, descending: _masked(rows.sorted_by(key, descending)),
        sortable=rows.sortable,
    )


def run_report(name: str, params: ReportParams) -> Report:
    spec = report_spec(name)
    report = report_function(spec)(params)
    report.name, report.title = spec.name, report.title or spec.title
    if not sees_full_numbers(params.user):  # hr and finance read reports with masked numbers
        report.rows = _masked(report.rows)
        for table in report.extra:
            table.rows = _masked(table.rows)
    report.scope_label = scope_label(params.user, params.town)
    return report


def may_read(user, spec: ReportSpec) -> bool:
    return user.is_active and user.is_staff and user.has_perm(spec.permission)


# ---------------------------------------------------------------- rendering


def cell(value: Any) -> Any:
    """A value as a reader sees it in text, html and xlsx cells."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "是" if value else "否"
    if isinstance(value, (list, tuple)):
        return "、".join(str(v) for v in value)
    if isinstance(value, datetime.date):
        return value.isoformat()
    if isinstance(value, Decimal):
        return f"{value:,}"  # 438,000.00: money is Decimal; its places are kept
    return value


def percent(value: float | None) -> str:
    return "—" if value is None else f"{value * 100:.1f}%".replace(".0%", "%")


RATE_COLUMNS = [
    Column("category", "类别"),
    Column("total", "总数"),
    Column("meeting", "达标数"),
    Column("rate", "达标率"),
    Column("target", "目标"),
]


def rate_rows(report: Report) -> list[dict]:
    return [rate.as_dict() | {"short": rate.short} for rate in report.rates or []]


def _json_default(value: Any) -> Any:
    if isinstance(value, Decimal):
        return float(value)
    if isinstance(value, (datetime.date, datetime.datetime)):
        return value.isoformat()
    raise TypeError(f"cannot serialize {type(value).__name__}")


def _dumps(value: Any, indent: int | None = 2) -> str:
    return json.dumps(value, ensure_ascii=False, default=_json_default, indent=indent)


def json_chunks(report: Report) -> Iterator[str]:
    """The report as one JSON object, written piece by piece: a list of rows is streamed
    item by item (a LazyRows is never held whole), so memory stays flat however long it is."""
    data = report.as_dict()
    yield "{"
    for n, (key, value) in enumerate(data.items()):
        yield ("," if n else "") + f"\n  {_dumps(key)}: "
        if isinstance(value, (list, LazyRows)) and key != "rates":
            yield "["
            wrote = False
            for row in value:
                yield ("," if wrote else "") + "\n    " + _dumps(row, None)
                wrote = True
            yield "\n  ]" if wrote else "]"
        else:
            yield _dumps(value).replace("\n", "\n  ")
    yield "\n}\n"


def render_json(report: Report) -> str:
    return "".join(json_chunks(report))


def _width(text: str) -> int:
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


def _pad(text: str, width: int, right: bool) -> str:
    space = " " * (width - _width(text))
    return space + text if right else text + space


def text_table(columns: list[Column], rows: list[dict], formats: dict[str, Callable] | None = None) -> str:
    formats = formats or {}
    header = [c.label for c in columns]
    body = [[str(formats.get(c.key, c.text)(row.get(c.key))) for c in columns] for row in rows]
    numeric = [
        all(isinstance(row.get(c.key), (int, float, Decimal)) and not isinstance(row.get(c.key), bool) for row in rows)
        and rows
        for c in columns
    ]
    widths = [max([_width(h)] + [_width(line[i]) for line in body]) for i, h in enumerate(header)]
    lines = ["  ".join(_pad(h, widths[i], bool(numeric[i])) for i, h in enumerate(header)).rstrip()]
    lines.append("  ".join("-" * w for w in widths))
    lines += ["  ".join(_pad(v, widths[i], bool(numeric[i])) for i, v in enumerate(line)).rstrip() for line in body]
    if not rows:
        lines.append("（无）")
    return "\n".join(lines)


TEXT_LIMIT = 30  # rows per table on a terminal; --limit 0 prints every row


def render_text(report: Report, limit: int | None = None) -> str:
    """The report for a terminal: rates, headline numbers and each table's first `limit` rows
    (all when None or 0), saying how many more there are and where to get them."""
    parts = [
        f"{report.title}（{report.name}）",
        f"截至日期：{report.as_of.isoformat()}    目标年度：{report.year}    范围：{report.scope_label}",
        "",
    ]
    if report.rates is not None:
        parts += [
            "【达标率】",
            text_table(
                RATE_COLUMNS + [Column("short", "是否未达标")],
                rate_rows(report),
                {"rate": percent, "target": percent, "short": lambda v: "未达标" if v else ""},
            ),
            "",
        ]
    for label, value in report.summary:
        parts.append(f"{label}：{'—' if value is None else cell(value)}")
    if report.summary:
        parts.append("")
    for table in report.tables:
        shown = table.rows[:limit] if limit else table.rows
        parts += [f"【{table.title}】（{len(table.rows)} 条）", text_table(table.columns, shown)]
        if len(shown) < len(table.rows):
            parts.append(
                f"……另有 {len(table.rows) - len(shown)} 条未显示；"
                "完整内容请用 --format json 或 --format xlsx --output 文件名，或 --limit 0 显示全部。"
            )
        parts.append("")
    parts += [f"注：{note}" for note in report.notes]
    return "\n".join(parts).rstrip() + "\n"


def _sheet_title(title: str, used: set[str]) -> str:
    name = "".join(ch for ch in title if ch not in "[]:*?/\\")[:31] or "Sheet"
    while name in used:
        name = name[:29] + f"{len(used)}"
    used.add(name)
    return name


def _xlsx_value(column: Column, value: Any) -> Any:
    """Numbers stay numbers (Excel formats them); everything else as the page shows it."""
    if isinstance(value, (int, float, Decimal)) and not isinstance(value, bool) and column.display is None:
        return value
    return column.text(value)


def render_xlsx(report: Report) -> bytes:
    """Sheets: 明细 (the rows), 达标率 (when the rule has rates), extra tables, 说明.

    Each sheet has its header in row 1; values are the same as in JSON (rates as
    fractions, shown with a percent format). Written in openpyxl's write-only mode, rows
    streamed from the report (a LazyRows is never held whole), so memory stays flat.
    """
    from openpyxl import Workbook

    if report.xlsx_writer is not None:
        return report.xlsx_writer(report)
    book = Workbook(write_only=True)
    used: set[str] = set()
    if report.sheets is not None:
        for table in report.sheets:
            _add_sheet(book, used, table.title, table.columns, table.rows)
    else:
        _add_sheet(book, used, report.tables[0].title, report.columns, report.rows)
    if report.rates is not None:
        short = [rate.short for rate in report.rates]
        _add_sheet(book, used, "达标率", RATE_COLUMNS, rate_rows(report), ("rate", "target"), short)
    for table in report.extra if report.sheets is None else []:
        _add_sheet(book, used, table.title, table.columns, table.rows)
    _add_info_sheet(book, used, report)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


WIDTH_SAMPLE = 200  # column widths follow the first rows; the rest stream past


def _add_sheet(
    book,
    used: set[str],
    title: str,
    columns: list[Column],
    rows: Iterable[dict],
    percent_keys: tuple[str, ...] = (),
    red_rows: list[bool] | None = None,
) -> None:
    """A sheet of `rows`: bold header in row 1, frozen; widths from the first rows; a number
    format per column (percent, money); rows flagged in `red_rows` filled red, as on the page."""
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.styles import Font, PatternFill
    from openpyxl.utils import get_column_letter

    sheet = book.create_sheet(_sheet_title(title, used))
    rows = iter(rows)
    sample = list(islice(rows, WIDTH_SAMPLE))
    for index, column in enumerate(columns, start=1):
        widths = [_width(str(column.text(r.get(column.key)))) + 2 for r in sample]
        sheet.column_dimensions[get_column_letter(index)].width = min(60, max(8, _width(column.label) + 2, *widths))
    sheet.freeze_panes = "A2"
    bold, red = Font(bold=True), PatternFill("solid", fgColor="F8D7DA")
    header = []
    for column in columns:
        c = WriteOnlyCell(sheet, value=column.label)
        c.font = bold
        header.append(c)
    sheet.append(header)
    formats = [("0.0%" if c.key in percent_keys else c.number_format) for c in columns]
    for n, row in enumerate(chain(sample, rows)):
        fill = red_rows is not None and n < len(red_rows) and red_rows[n]
        if not fill and not any(formats):
            sheet.append([_xlsx_value(c, row.get(c.key)) for c in columns])
            continue
        cells = []
        for column, number_format in zip(columns, formats):
            c = WriteOnlyCell(sheet, value=_xlsx_value(column, row.get(column.key)))
            if number_format:
                c.number_format = number_format
            if fill:
                c.fill = red
            cells.append(c)
        sheet.append(cells)


def _add_info_sheet(book, used: set[str], report: Report) -> None:
    from openpyxl.cell import WriteOnlyCell

    info = book.create_sheet(_sheet_title("说明", used))
    info.column_dimensions["A"].width = 16
    info.column_dimensions["B"].width = 60
    for label, value in [
        ("报表", report.title),
        ("截至日期", report.as_of.isoformat()),
        ("目标年度", report.year),
        ("范围", report.scope_label),
        *[
            (label, v if isinstance(v, (int, float, Decimal)) and not isinstance(v, bool) else cell(v))
            for label, v in report.summary
        ],
        *[("注", note) for note in report.notes],
    ]:
        if isinstance(value, Decimal):  # summary amounts are money: a number with separators
            value = WriteOnlyCell(info, value=value)
            value.number_format = MONEY_FORMAT
        info.append([label, value])


RENDERERS: dict[str, Callable[[Report], str | bytes]] = {"text": render_text, "json": render_json, "xlsx": render_xlsx}
