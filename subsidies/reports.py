"""Rule 8 (SPEC §2, §4): subsidy totals by area, kind, month and mediator, per status, against budget.

Money stays Decimal from the database to the renderers: JSON carries it as numbers whose
text is the exact amount in yuan (1234.5 = ¥1,234.50), xlsx as numbers.
"""

from __future__ import annotations

from decimal import Decimal
from itertools import islice, takewhile

from django.db.models import Count, Q, Sum

from registry.kernel.period import Period
from registry.kernel.pinyin import sort_key
from registry.kernel.reporting import (
    MONEY_FORMAT,
    Column,
    LazyRows,
    Overview,
    Report,
    ReportParams,
    chained_rows,
    queryset_rows,
)
from registry.kernel.scope import is_scoped, user_town
from registry.models import AreaLevel
from subsidies.models import COUNTED_STATUSES, Budget, Payout, PayoutKind, PayoutStatus
from subsidies.services import ZERO

STATUS_KEYS = {PayoutStatus.PENDING: "pending", PayoutStatus.APPROVED: "approved", PayoutStatus.PAID: "paid"}
DIMENSIONS = {"total": "合计", "area": "镇街", "kind": "补贴类型", "month": "所属期间", "mediator": "调解员"}

COLUMNS = [
    Column("dimension_label", "统计维度"),
    Column("name", "名称"),
    Column("id_number", "身份证号"),
    Column("area", "所属镇街"),
    Column("count", "笔数"),
    Column("total", "合计（元）", number_format=MONEY_FORMAT),
    Column("pending", "待审核（元）", number_format=MONEY_FORMAT),
    Column("approved", "已审核（元）", number_format=MONEY_FORMAT),
    Column("paid", "已发放（元）", number_format=MONEY_FORMAT),
    Column("budget", "预算（元）", number_format=MONEY_FORMAT),
    Column("used", "已用预算（元）", number_format=MONEY_FORMAT),
    Column("remaining", "剩余预算（元）", number_format=MONEY_FORMAT),
    Column("over_budget", "超预算"),
]


def _money_sums() -> dict:
    """SUM per status in one GROUP BY; Coalesce would lose the Decimal type on SQLite."""
    sums = {"count": Count("pk"), "total": Sum("amount")}
    for status, key in STATUS_KEYS.items():
        sums[key] = Sum("amount", filter=Q(status=status))
    return sums


def _row(dimension: str, name: str, values: dict, **extra) -> dict:
    row = {
        "dimension": dimension,
        "dimension_label": DIMENSIONS[dimension],
        "name": name,
        **extra,
        "count": values.get("count") or 0,
    }
    for key in ("total", *STATUS_KEYS.values()):
        row[key] = (values.get(key) or ZERO).quantize(Decimal("0.01"))
    return row


def _with_budget(row: dict, budget: Decimal | None) -> dict:
    used = row["approved"] + row["paid"]
    row["budget"] = budget
    row["used"] = used
    row["remaining"] = None if budget is None else budget - used
    # Flagged when what is claimed (pending included) would not fit the budget.
    row["over_budget"] = None if budget is None else row["total"] > budget
    return row


def _payouts(params: ReportParams):
    """Every payout except 已退回 of the year up to the as-of month, in scope."""
    months = Period.year(params.year)
    if params.as_of.year == params.year:
        months = months.clipped(params.as_of)
    payouts = params.scope(
        Payout.objects.filter(months.q_containing_month("period"), status__in=COUNTED_STATUSES)
    ).order_by()
    return payouts, f"{months.end:%Y-%m}"


def _budgets(params: ReportParams) -> dict[int, tuple[str, Decimal, str]]:
    budgets = params.scope(Budget.objects.filter(year=params.year))  # a clerk sees only their town's
    return {b.area_id: (b.area.name, b.amount, b.area.level) for b in budgets.select_related("area")}


def _total_row(params: ReportParams, payouts, budget_by_area: dict) -> dict:
    """The 合计 row, measured against the budget of what it covers: the district's, or the
    one town a clerk (or the page's town filter) is limited to."""
    district_budget = next(
        (amount for _, amount, level in budget_by_area.values() if level == AreaLevel.DISTRICT), None
    )
    whole_district = params.town is None and (params.user is None or not is_scoped(params.user))
    total = payouts.aggregate(**_money_sums())
    town = params.town or (user_town(params.user) if params.user is not None else None)
    if whole_district:
        total_budget = district_budget
    else:
        total_budget = budget_by_area[town.pk][1] if town is not None and town.pk in budget_by_area else None
    return _with_budget(_row("total", "合计", total), total_budget)


def _summary(total: dict) -> list[tuple[str, object]]:
    return [
        ("补贴合计（元）", total["total"]),
        ("笔数", total["count"]),
        ("已发放（元）", total["paid"]),
        ("预算（元）", total["budget"]),
        ("剩余预算（元）", total["remaining"]),
    ]


def subsidies_overview(params: ReportParams) -> Overview:
    """The dashboard's part: the 合计 row's numbers (two queries)."""
    payouts, _ = _payouts(params)
    return Overview(rates=None, summary=_summary(_total_row(params, payouts, _budgets(params))))


def subsidies(params: ReportParams) -> Report:
    """Every payout except 已退回 of the year up to the as-of month; five GROUP BY queries."""
    payouts, last_period = _payouts(params)
    sums = _money_sums()
    budget_by_area = _budgets(params)
    rows = [_total_row(params, payouts, budget_by_area)]

    by_area = {r["area_id"]: r for r in payouts.values("area_id", "area__name", "area__level").annotate(**sums)}
    area_rows = []
    for area_id, values in by_area.items():
        # District-level organizations (industry committees, court rooms) have no town: their
        # row is the district's own spending; the district budget goes on the 合计 row.
        is_district = values["area__level"] == AreaLevel.DISTRICT
        name = values["area__name"] + ("（区级组织）" if is_district else "")
        budget = None if is_district or area_id not in budget_by_area else budget_by_area[area_id][1]
        area_rows.append(_with_budget(_row("area", name, values, area=values["area__name"]), budget))
    for area_id, (name, amount, level) in budget_by_area.items():
        if area_id not in by_area and level != AreaLevel.DISTRICT:
            area_rows.append(_with_budget(_row("area", name, {}, area=name), amount))
    rows += sorted(area_rows, key=lambda r: sort_key(r["name"]))

    kind_order = list(PayoutKind.values)
    by_kind = sorted(payouts.values("kind").annotate(**sums), key=lambda r: kind_order.index(r["kind"]))
    rows += [_row("kind", r["kind"], r, kind=r["kind"]) for r in by_kind]

    by_month = payouts.values("period").annotate(**sums).order_by("period")
    rows += [_row("month", r["period"], r, month=r["period"]) for r in by_month]

    by_mediator = (
        payouts.values("mediator_id", "mediator__name", "mediator__id_number", "area__name")
        .annotate(**sums)
        .order_by("area__name", "mediator__name_pinyin", "mediator__name", "mediator__id_number")
    )
    # one row per mediator: as many as the roster has paid people, so streamed, never held whole
    mediator_rows = queryset_rows(
        by_mediator,
        lambda r: _row(
            "mediator",
            r["mediator__name"],
            r,
            mediator=r["mediator__name"],
            mediator_id=r["mediator_id"],
            id_number=r["mediator__id_number"],
            area=r["area__name"],
        ),
    )
    total = rows[0]
    rows = chained_rows(rows, mediator_rows)

    notes = [
        "合计含待审核、已审核、已发放，不含已退回；按所属期间统计，村（社区）计入所属镇街，区级组织的补贴单列。",
        "已用预算 = 已审核 + 已发放；镇街预算只含本镇街，区县预算是全区合计。",
        "金额单位为元，精确到分。",
    ]
    if last_period != f"{params.year}-12":
        notes.append(f"统计期间：{params.year}-01 至 {last_period}。")
    return Report(
        name="subsidies",
        title="",
        as_of=params.as_of,
        year=params.year,
        columns=COLUMNS,
        rows=rows,
        rates=None,
        summary=_summary(total),
        notes=notes,
    )


def summary_rows(report: Report) -> list[dict]:
    """The rows before the per-mediator ones (total, areas, kinds, months): read without
    streaming the mediators, who come last."""
    return list(takewhile(lambda row: row["dimension"] != "mediator", report.rows))


def monthly_totals(report: Report) -> list[dict]:
    """The month rows of a subsidies report, for the bar chart."""
    return [row for row in summary_rows(report) if row["dimension"] == "month"]


def mediator_rows(report: Report) -> LazyRows:
    """The per-mediator rows of a subsidies report, paged and streamed like the report's rows."""
    skip = len(summary_rows(report))
    rows = report.rows
    return LazyRows(
        count=lambda: len(rows) - skip,
        page=lambda start, stop: rows[skip + start : skip + stop],
        stream=lambda: islice(iter(rows), skip, None),
    )
