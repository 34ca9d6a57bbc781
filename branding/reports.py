"""Rule 7 (brands, SPEC §2, §4): a row per studio, recognized studios against the target
count, studios by status and area, commendations by level and year.

Three queries whatever the number of studios and commendations.
"""

from __future__ import annotations

from collections import Counter, defaultdict

from django.db.models import Count
from django.db.models.functions import ExtractYear

from branding.models import Commendation, CommendationLevel, Studio, StudioStatus, recognized_on
from branding.policy import BRAND_TARGET_COUNT, brand_target_count, brand_target_due
from registry.kernel.pinyin import sort_key
from registry.kernel.reporting import DISTRICT_SCOPE, Column, Rate, Report, ReportParams, Table
from registry.kernel.reporting.scorecard import DISTRICT, Measure, count_score
from registry.models import TOWN_LEVELS, Area, town_expression

CATEGORY = "已命名品牌调解工作室"
STATUSES = StudioStatus.values
LEVELS = CommendationLevel.values


OWN_CATEGORY = "本镇街已命名品牌调解工作室（对全区目标的贡献）"


def brand_rate(recognized: int, year: int, *, category: str = CATEGORY, scope: str | None = None) -> Rate:
    """rate = min(1, recognized ÷ target count); the target (all of it) applies once it falls due."""
    count = brand_target_count(year)
    due = brand_target_due(year)
    return Rate(
        category=category,
        total=count,
        meeting=recognized,
        rate=min(1.0, recognized / count) if count else 1.0,
        target=1.0 if due else None,
        scope=scope,
    )


def brand_rates(params: ReportParams, recognized: int) -> list[Rate]:
    """The district's brand count is a district target (item 19): a reader limited to one town sees
    their town's contribution (no target of its own) and the district's rate, marked as the district's."""
    if not params.scoped:
        return [brand_rate(recognized, params.year)]
    district = Studio.objects.filter(recognized_on(params.as_of)).count()
    own = brand_rate(recognized, params.year, category=OWN_CATEGORY)
    own.target = None
    return [own, brand_rate(district, params.year, scope=DISTRICT_SCOPE)]


def brands(params: ReportParams) -> Report:
    studios = params.scope(
        Studio.objects.with_recognized(params.as_of).select_related("mediator", "organization__area__parent")
    ).order_by("name_pinyin", "name")
    rows = []
    for studio in studios:
        rows.append(
            {
                "studio": studio.name,
                "studio_id": studio.pk,
                "mediator": studio.mediator.name,
                "mediator_id": studio.mediator_id,
                "organization": studio.organization.name,
                "organization_id": studio.organization_id,
                "area": studio.organization.area.town.name,
                "named_date": studio.named_date,
                # the status on the as-of date: a studio named later was still being cultivated then
                "status": StudioStatus.RECOGNIZED.value if studio.recognized else StudioStatus.CULTIVATING.value,
            }
        )
    recognized = sum(row["status"] == StudioStatus.RECOGNIZED for row in rows)

    statuses = Counter(row["status"] for row in rows)
    by_status = [{"status": s, "count": statuses.get(s, 0)} for s in STATUSES]
    areas: dict[str, Counter] = defaultdict(Counter)
    for row in rows:
        areas[row["area"]][row["status"]] += 1
    by_area = [
        {"area": area, **{s: counts.get(s, 0) for s in STATUSES}, "total": sum(counts.values())}
        for area, counts in sorted(areas.items(), key=lambda item: sort_key(item[0]))
    ]

    commendations = params.scope(Commendation.objects.filter(date__lte=params.as_of))
    grid: dict[int, Counter] = defaultdict(Counter)
    counted = (
        commendations.annotate(year=ExtractYear("date")).values("year", "level").annotate(n=Count("pk")).order_by()
    )
    for item in counted:
        grid[item["year"]][item["level"]] += item["n"]
    by_year = [
        {"year": y, **{level: grid[y].get(level, 0) for level in LEVELS}, "total": sum(grid[y].values())}
        for y in sorted(grid)
    ]
    level_totals: Counter = Counter()
    for counts in grid.values():
        level_totals.update(counts)
    by_level = [{"level": level, "count": level_totals.get(level, 0)} for level in LEVELS]

    count = brand_target_count(params.year)
    return Report(
        name="brands",
        title="",
        as_of=params.as_of,
        year=params.year,
        rows=rows,
        rates=brand_rates(params, recognized),
        columns=[
            Column("studio", "工作室", link="admin:branding_studio_change", link_key="studio_id"),
            Column("mediator", "命名调解员", link="admin:registry_mediator_change", link_key="mediator_id"),
            Column(
                "organization", "所属调解组织", link="admin:registry_organization_change", link_key="organization_id"
            ),
            Column("area", "所属镇街"),
            Column("named_date", "命名日期"),
            Column("status", "状态（截至日期）"),
        ],
        extra=[
            Table("studios_by_status", "工作室按状态", [Column("status", "状态"), Column("count", "数量")], by_status),
            Table(
                "studios_by_area",
                "工作室按镇街",
                [Column("area", "所属镇街"), *[Column(s, s) for s in STATUSES], Column("total", "合计")],
                by_area,
            ),
            Table(
                "commendations_by_level", "表彰按级别", [Column("level", "表彰级别"), Column("count", "数量")], by_level
            ),
            Table(
                "commendations_by_year",
                "表彰按年度",
                [Column("year", "年度"), *[Column(level, level) for level in LEVELS], Column("total", "合计")],
                by_year,
            ),
        ],
        summary=[
            ("已命名工作室", recognized),
            ("全区目标数" if params.scoped else "目标数", count),
            ("培育中工作室", statuses.get(StudioStatus.CULTIVATING, 0)),
            ("表彰总数", sum(level_totals.values())),
        ],
        notes=[
            f"达标率 = min(1, 已命名工作室数 ÷ {count})；工作方案要求{min(BRAND_TARGET_COUNT)}年起"
            f"已命名的基层调解品牌不少于{count}个，此前只显示进度、不设目标。",
            "状态按截至日期计：已命名但命名日期晚于截至日期的工作室，计为培育中。",
            "表彰按表彰日期计，只统计截至日期及以前的表彰；集体表彰归属其组织所在区划，个人表彰归属其任职组织所在区划。",
        ],
    )


def scorecard_measures(params: ReportParams) -> list[Measure]:
    """Brands in the yearly assessment: a town's recognized studios count towards the district's
    target (no target of their own); the district row carries the target count. The brands
    report's "recognized on the day", counted by GROUP BY town (one query, and one for the towns)."""
    recognized = (
        Studio.objects.filter(recognized_on(params.as_of))
        .annotate(town=town_expression("organization__area__", "name"))  # the report's Area.town
        .values("town")
        .annotate(n=Count("pk"))
        .order_by()
    )
    towns = {row["town"]: row["n"] for row in recognized}
    measure = Measure("已命名品牌工作室", "count")
    for town in Area.objects.filter(level__in=TOWN_LEVELS).values_list("name", flat=True):
        measure.values[town] = count_score(towns.get(town, 0), None)
    rate = brand_rate(sum(towns.values()), params.year)
    measure.values[DISTRICT] = count_score(rate.meeting, rate.total if rate.target is not None else None)
    return [measure]
