"""The report functions as they were before issue 16 moved their counting into the database,
kept verbatim (imports aside) so the benchmark and tests/test_report_equivalence.py can check,
row for row, that the database-computed reports give the same results."""

from __future__ import annotations

from decimal import Decimal

from django.db.models import Count, Exists, OuterRef, Sum

from registry.kernel.policy import in_force
from registry.kernel.reporting import Column, Rate, Report, ReportParams, Table
from registry.models import Area, AreaLevel, Membership, town_expression
from training.models import ORGANIZER_LEVELS, Attendance, TrainingSession
from training.policy import TRAINING_PER_YEAR
from training.reports import DISTRICT_CATEGORY, MEDIATOR_LINK, TOWN_CATEGORY, category_of, year_window

REPORTS = ["training"]

# ---------------------------------------------------------------- training (training/reports.py)


def training(params: ReportParams) -> Report:
    window = year_window(params.year, params.as_of)
    start, end = window.start, window.end
    required_by_level = in_force(TRAINING_PER_YEAR, params.year)

    areas = sorted(
        params.scope(Area.objects.filter(level__in=ORGANIZER_LEVELS)),
        key=lambda a: (a.level != AreaLevel.DISTRICT, a.name),
    )
    held = dict(
        TrainingSession.objects.filter(area__in=[a.pk for a in areas], date__range=(start, end))
        .values_list("area")
        .annotate(n=Count("pk"))
        .order_by()
    )

    attended_in_year = Attendance.objects.filter(mediator=OuterRef("mediator"), session__date__range=(start, end))
    idle_posts = (
        params.scope(Membership.objects.active_on(params.as_of))
        .filter(~Exists(attended_in_year))
        .select_related("mediator", "organization__area__parent")
        .order_by("mediator__name", "mediator__id_number", "organization__name")
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
        active_posts.annotate(town=town_expression("organization__area__"))
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
        for r in params.scope(Attendance.objects.filter(session__date__range=(start, end)))
        .values("mediator", "mediator__name", "mediator__id_number")
        .annotate(sessions=Count("pk"), hours=Sum("session__hours"))
        .order_by("mediator__name", "mediator__id_number")
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
            f"统计 {start:%Y-%m-%d} 至 {end:%Y-%m-%d} 举办的集中培训；频次要求：{frequency}。",
            "在岗：截至日期当天任职中（任职日期不晚于该日，离任日期为空或不早于该日）。学时为空的培训按0学时计。",
        ],
    )
