"""Training frequency (SPEC §2.6, work plan item 17): one function, shared by the command,
the web page and the xlsx export through registry.kernel.reporting."""

from __future__ import annotations

import datetime
from decimal import Decimal

from django.db.models import Count, Exists, OuterRef, Sum

from registry.kernel.period import Period
from registry.kernel.pinyin import sort_key
from registry.kernel.policy import in_force
from registry.kernel.reporting import Column, Rate, Report, ReportParams, Table
from registry.kernel.reporting.scorecard import DISTRICT, Measure, count_score, rate_score
from registry.models import Area, AreaLevel, Membership, town_id_expression
from registry.policy import RateCategory
from training.models import ORGANIZER_LEVELS, Attendance, TrainingSession
from training.policy import TRAINING_PER_YEAR

DISTRICT_CATEGORY = RateCategory.DISTRICT
TOWN_CATEGORY = RateCategory.TOWN
MEDIATOR_LINK = "admin:registry_mediator_change"


def category_of(area: Area) -> str:
    return (DISTRICT_CATEGORY if area.level == AreaLevel.DISTRICT else TOWN_CATEGORY).value


def year_window(year: int, as_of: datetime.date) -> Period:
    """Sessions of `year` held by the as-of date (a later session of the year is not yet held)."""
    return Period.year(year).clipped(as_of)


def training(params: ReportParams) -> Report:
    window = year_window(params.year, params.as_of)
    required_by_level = in_force(TRAINING_PER_YEAR, params.year)

    areas = sorted(
        params.scope(Area.objects.filter(level__in=ORGANIZER_LEVELS)),
        key=lambda a: (a.level != AreaLevel.DISTRICT, sort_key(a.name)),
    )
    held = dict(
        TrainingSession.objects.filter(window.q_containing("date"), area__in=[a.pk for a in areas])
        .values_list("area")
        .annotate(n=Count("pk"))
        .order_by()
    )

    attended_in_year = Attendance.objects.filter(window.q_containing("session__date"), mediator=OuterRef("mediator"))
    idle_posts = (
        params.scope(Membership.objects.active_on(params.as_of))
        .filter(~Exists(attended_in_year))
        .select_related("mediator", "organization__area__parent")
        .order_by("mediator__name_pinyin", "mediator__name", "mediator__id_number", "organization__name_pinyin")
    )
    untrained: dict[int, dict] = {}
    untrained_by_town: dict[int, set[int]] = {}
    for post in idle_posts:
        town = post.organization.area.town
        row = untrained.setdefault(
            post.mediator_id,
            {
                "mediator_id": post.mediator_id,
                "name": post.mediator.name,
                "id_number": post.mediator.id_number,
                "organizations": [],
                "towns": [],
                "employment": [],
            },
        )
        row["organizations"].append(post.organization.name)
        row["employment"].append(post.employment)
        if town.name not in row["towns"]:
            row["towns"].append(town.name)
        untrained_by_town.setdefault(town.pk, set()).add(post.mediator_id)

    active_posts = params.scope(Membership.objects.active_on(params.as_of)).order_by()
    active_by_town = dict(
        active_posts.annotate(town=town_id_expression("organization__area__"))
        .values_list("town")
        .annotate(n=Count("mediator", distinct=True))
    )
    active_total = active_posts.aggregate(n=Count("mediator", distinct=True))["n"]

    hours = [
        {
            "mediator_id": r["mediator"],
            "name": r["mediator__name"],
            "id_number": r["mediator__id_number"],
            "sessions": r["sessions"],
            "hours": r["hours"] or Decimal("0"),
        }
        for r in params.scope(Attendance.objects.filter(window.q_containing("session__date")))
        .values("mediator", "mediator__name", "mediator__id_number")
        .annotate(sessions=Count("pk"), hours=Sum("session__hours"))
        .order_by("mediator__name_pinyin", "mediator__name", "mediator__id_number")
    ]

    rows = []
    for area in areas:
        required = required_by_level.get(category_of(area))
        count = held.get(area.pk, 0)
        rows.append(
            {
                "area": area.name,
                "area_id": area.pk,
                "level": area.level,
                "category": category_of(area),
                "held": count,
                "required": required,
                "short": None if required is None else max(0, required - count),
                "meets": None if required is None else count >= required,
                "untrained": len(untrained_by_town.get(area.pk, ())),
                "active": active_by_town.get(area.pk, 0),
            }
        )

    rates = []
    for category in (DISTRICT_CATEGORY, TOWN_CATEGORY):
        mine = [r for r in rows if r["category"] == category]
        if not mine:
            continue  # a clerk's report has no district row
        required = required_by_level.get(category)
        rates.append(
            Rate.of(
                category,
                total=len(mine),
                meeting=sum(1 for r in mine if r["meets"] is not False),
                target=None if required is None else 1,  # "every town/street holds ≥ 2": all of them
            )
        )

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
        rates=rates,
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
                list(untrained.values()),
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
                hours,
            ),
        ],
        summary=[
            ("培训次数不足的区划", sum(1 for r in rows if r["short"])),
            ("本年度未参训的在岗调解员", len(untrained)),
            ("在岗调解员", active_total),
        ],
        notes=[
            f"统计 {window.start:%Y-%m-%d} 至 {window.end:%Y-%m-%d} 举办的集中培训；频次要求：{frequency}。",
            "在岗：截至日期当天任职中（任职日期不晚于该日，离任日期为空或不早于该日）。学时为空的培训按0学时计。",
        ],
    )


def scorecard_measures(params: ReportParams) -> list[Measure]:
    """Training's measures of the yearly assessment, read off the training report (district-wide
    `params`): sessions held against the sessions required, and the share of active mediators
    trained in the year (no target: the plan sets none)."""
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
