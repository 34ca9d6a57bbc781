"""Training frequency (SPEC §2.6, work plan item 17): one function, shared by the command,
the web page and the xlsx export through registry.kernel.reporting.

Counted in the database: sessions held per organizer and untrained people per town are
GROUP BY queries; the two lists of people (untrained, hours) are LazyRows — paged on the
page, streamed whole to JSON and xlsx — so time and memory do not grow with the roster
beyond the rows returned. A fixed number of queries whatever the data size.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable, Iterator
from decimal import Decimal
from itertools import groupby

from django.db.models import Case, Count, Exists, IntegerField, OuterRef, QuerySet, Sum, Value, When

from registry.kernel.period import Period
from registry.kernel.policy import in_force
from registry.kernel.reporting import (
    Column,
    LazyRows,
    Overview,
    Rate,
    Report,
    ReportParams,
    Table,
    queryset_rows,
)
from registry.kernel.reporting.scorecard import DISTRICT, Measure, count_score, rate_score
from registry.models import Area, AreaLevel, Mediator, Membership, town_expression
from registry.policy import RateCategory
from training.models import ORGANIZER_LEVELS, Attendance
from training.policy import TRAINING_PER_YEAR

DISTRICT_CATEGORY = RateCategory.DISTRICT
TOWN_CATEGORY = RateCategory.TOWN
MEDIATOR_LINK = "admin:registry_mediator_change"
UNTRAINED_SUMMARY = "本年度未参训的在岗调解员"


def category_of(area: Area) -> str:
    return (DISTRICT_CATEGORY if area.level == AreaLevel.DISTRICT else TOWN_CATEGORY).value


def year_window(year: int, as_of: datetime.date) -> Period:
    """Sessions of `year` held by the as-of date (a later session of the year is not yet held)."""
    return Period.year(year).clipped(as_of)


def _organizers(params: ReportParams, window: Period) -> list[dict]:
    """The district and towns/streets in scope, each with the sessions it held in the window."""
    held = Count("training_sessions", filter=window.q_containing("training_sessions__date"))
    areas = (
        params.scope(Area.objects.filter(level__in=ORGANIZER_LEVELS))
        .annotate(held=held)
        # the district first, then its towns/streets in pinyin order (the stored key: 38,700 nation-wide)
        .order_by(
            Case(When(level=AreaLevel.DISTRICT, then=Value(0)), default=Value(1), output_field=IntegerField()),
            "name_pinyin",
            "name",
        )
        .values("pk", "name", "level", "held")
    )
    required_by_level = in_force(TRAINING_PER_YEAR, params.year)
    rows = []
    for area in areas:
        category = (DISTRICT_CATEGORY if area["level"] == AreaLevel.DISTRICT else TOWN_CATEGORY).value
        required = required_by_level.get(category)
        rows.append(
            {
                "area": area["name"],
                "area_id": area["pk"],
                "level": area["level"],
                "category": category,
                "held": area["held"],
                "required": required,
                "short": None if required is None else max(0, required - area["held"]),
                "meets": None if required is None else area["held"] >= required,
                "untrained": 0,
                "active": 0,
            }
        )
    return rows


def _rates(params: ReportParams, rows: list[dict]) -> list[Rate]:
    required_by_level = in_force(TRAINING_PER_YEAR, params.year)
    rates = []
    for category in (DISTRICT_CATEGORY, TOWN_CATEGORY):
        mine = [r for r in rows if r["category"] == category]
        if not mine:
            continue  # a clerk's report has no district row
        rates.append(
            Rate.of(
                category,
                total=len(mine),
                meeting=sum(1 for r in mine if r["meets"] is not False),
                # "every town/street holds ≥ 2": all of them
                target=None if required_by_level.get(category) is None else 1,
            )
        )
    return rates


def idle_posts(params: ReportParams, window: Period) -> QuerySet:
    """Posts in scope active on the as-of date whose holder attended no session in the window."""
    attended = Attendance.objects.filter(window.q_containing("session__date"), mediator=OuterRef("mediator"))
    return params.scope(Membership.objects.active_on(params.as_of)).filter(~Exists(attended))


def untrained_people(posts: QuerySet) -> QuerySet:
    return Mediator.objects.filter(Exists(posts.filter(mediator=OuterRef("pk")))).order_by(
        "name_pinyin", "name", "id_number"
    )


POST_FIELDS = ("mediator_id", "mediator__name", "mediator__id_number", "organization__name", "employment", "town")


def _people_rows(posts: Iterable[dict]) -> Iterator[dict]:
    """One row per person from their posts (ordered by person): organizations, 专兼职, towns."""
    for mediator_id, group in groupby(posts, key=lambda p: p["mediator_id"]):
        group = list(group)
        yield {
            "mediator_id": mediator_id,
            "name": group[0]["mediator__name"],
            "id_number": group[0]["mediator__id_number"],
            "organizations": [p["organization__name"] for p in group],
            "towns": list(dict.fromkeys(p["town"] for p in group)),
            "employment": [p["employment"] for p in group],
        }


def untrained_rows(posts: QuerySet) -> LazyRows:
    ordered = posts.annotate(town=town_expression("organization__area__", "name")).order_by(
        "mediator__name_pinyin", "mediator__name", "mediator__id_number", "organization__name_pinyin"
    )
    people = untrained_people(posts)

    def page(start: int, stop: int) -> list[dict]:
        ids = list(people.values_list("pk", flat=True)[start:stop])
        return list(_people_rows(ordered.filter(mediator_id__in=ids).values(*POST_FIELDS)))

    return LazyRows(
        count=people.count,
        page=page,
        stream=lambda: _people_rows(ordered.values(*POST_FIELDS).iterator(chunk_size=2000)),
    )


def hours_rows(params: ReportParams, window: Period) -> LazyRows:
    attendance = (
        params.scope(Attendance.objects.filter(window.q_containing("session__date")))
        .values("mediator", "mediator__name", "mediator__id_number")
        .annotate(sessions=Count("pk"), hours=Sum("session__hours"))
        .order_by("mediator__name_pinyin", "mediator__name", "mediator__id_number")
    )
    return queryset_rows(
        attendance,
        lambda r: {
            "mediator_id": r["mediator"],
            "name": r["mediator__name"],
            "id_number": r["mediator__id_number"],
            "sessions": r["sessions"],
            "hours": r["hours"] or Decimal("0"),
        },
    )


def training_overview(params: ReportParams) -> Overview:
    """The dashboard's part: rates and headline numbers, three queries."""
    window = year_window(params.year, params.as_of)
    rows = _organizers(params, window)
    untrained = untrained_people(idle_posts(params, window)).count()
    return Overview(rates=_rates(params, rows), summary=_summary(rows, untrained, _active_total(params)))


def _active_posts(params: ReportParams) -> QuerySet:
    return params.scope(Membership.objects.active_on(params.as_of)).order_by()


def _active_total(params: ReportParams) -> int:
    """People (not posts) with a post active on the as-of date."""
    return _active_posts(params).aggregate(n=Count("mediator", distinct=True))["n"]


def _per_town(posts: QuerySet) -> dict[int, int]:
    """town/street (or district) pk → people with such a post there; villages roll up."""
    return dict(
        posts.annotate(town=town_expression("organization__area__"))
        .values("town")
        .annotate(n=Count("mediator", distinct=True))
        .order_by()
        .values_list("town", "n")
    )


def _summary(rows: list[dict], untrained: int, active: int) -> list[tuple[str, int]]:
    return [
        ("培训次数不足的区划", sum(1 for r in rows if r["short"])),
        (UNTRAINED_SUMMARY, untrained),
        ("在岗调解员", active),
    ]


def training(params: ReportParams) -> Report:
    window = year_window(params.year, params.as_of)
    required_by_level = in_force(TRAINING_PER_YEAR, params.year)
    rows = _organizers(params, window)
    posts = idle_posts(params, window)
    untrained_by_town, active_by_town = _per_town(posts), _per_town(_active_posts(params))
    for row in rows:
        row["untrained"] = untrained_by_town.get(row["area_id"], 0)
        row["active"] = active_by_town.get(row["area_id"], 0)
    untrained = untrained_rows(posts)
    active_total = _active_total(params)

    frequency = "；".join(f"{k}每年至少{v}次" for k, v in required_by_level.items()) or "该年度尚无培训频次要求"
    return Report(
        name="training",
        title="",
        as_of=params.as_of,
        year=params.year,
        columns=[
            Column("area", "主办区划"),
            Column("category", "层级"),
            Column("held", "已举办"),
            Column("required", "应举办"),
            Column("short", "差额"),
            Column("untrained", "未参训在岗调解员"),
            Column("active", "在岗调解员"),
        ],
        rows=rows,
        rates=_rates(params, rows),
        extra=[
            Table(
                "untrained",
                "本年度未参训的在岗调解员",
                [
                    Column("name", "姓名", MEDIATOR_LINK, "mediator_id"),
                    Column("id_number", "身份证号"),
                    Column("organizations", "所属调解组织"),
                    Column("employment", "专兼职"),
                    Column("towns", "所属区划"),
                ],
                untrained,
            ),
            Table(
                "hours",
                "调解员参训学时",
                [
                    Column("name", "姓名", MEDIATOR_LINK, "mediator_id"),
                    Column("id_number", "身份证号"),
                    Column("sessions", "参训次数"),
                    Column("hours", "学时合计"),
                ],
                hours_rows(params, window),
            ),
        ],
        summary=_summary(rows, len(untrained), active_total),
        notes=[
            f"统计 {window.start:%Y-%m-%d} 至 {window.end:%Y-%m-%d} 举办的集中培训；频次要求：{frequency}。",
            "在岗：截至日期当天任职中（任职日期不晚于该日，离任日期为空或不早于该日）。学时为空的培训按0学时计。",
        ],
    )


def scorecard_measures(params: ReportParams) -> list[Measure]:
    """Training's measures of the yearly assessment, read off the training report's counts
    (district-wide `params`): sessions held against the sessions required, and the share of active
    mediators trained in the year (no target: the plan sets none). Those counts are the report's
    GROUP BY queries; its lists of people are LazyRows, left unread here."""
    report = training(params)
    summary = dict(report.summary)
    held, trained = Measure("集中培训次数", "count"), Measure("在岗调解员参训率", "rate")
    for row in report.rows:
        key = DISTRICT if row["category"] == DISTRICT_CATEGORY else row["area"]
        held.values[key] = count_score(row["held"], row["required"])
        if key != DISTRICT:
            trained.values[key] = rate_score(row["active"] - row["untrained"], row["active"], None)
    active, idle = summary["在岗调解员"], summary["本年度未参训的在岗调解员"]
    trained.values[DISTRICT] = rate_score(active - idle, active, None)
    return [held, trained]
