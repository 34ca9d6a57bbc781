"""The work plan's numbers, as data, in one place (SPEC §1–2).

A new policy year is a one-line change: add a year to a table below. Every report
reads these tables; no quota or target is written anywhere else.
"""

from __future__ import annotations

from decimal import Decimal

from django.db import models
from django.db.models import Q

from registry.models import OrganizationKind as Kind
from registry.models import TermStatus

# Full-time mediators an organization of each kind must have (item 8: "3/2/1/2").
# Kinds absent from this table have no quota and are not staffing rows.
STAFFING_QUOTAS: dict[str, int] = {
    Kind.INDUSTRY: 3,
    Kind.TOWN: 2,
    Kind.VILLAGE: 1,
    Kind.ENTERPRISE: 1,
    Kind.COURT_ROOM: 2,
    Kind.POLICE_ROOM: 2,
    Kind.PETITION_ROOM: 2,
}

STATIONED_ROOMS = "派驻调解室"  # the three stationed kinds, one staffing-rate category

# Staffing-rate categories: which kinds each covers.
STAFFING_CATEGORIES: dict[str, tuple[str, ...]] = {
    Kind.TOWN.value: (Kind.TOWN,),
    Kind.INDUSTRY.value: (Kind.INDUSTRY,),
    STATIONED_ROOMS: (Kind.COURT_ROOM, Kind.POLICE_ROOM, Kind.PETITION_ROOM),
    Kind.VILLAGE.value: (Kind.VILLAGE,),
    Kind.ENTERPRISE.value: (Kind.ENTERPRISE,),
}

# Targets by the year they fall due; a target stays in force in later years until
# a later entry replaces it. A category missing from the entry in force has no target.
STAFFING_TARGETS: dict[int, dict[str, Decimal]] = {
    2021: {Kind.TOWN.value: Decimal("1"), STATIONED_ROOMS: Decimal("1"), Kind.INDUSTRY.value: Decimal("0.5")},
    2022: {Kind.TOWN.value: Decimal("1"), STATIONED_ROOMS: Decimal("1"), Kind.INDUSTRY.value: Decimal("1")},
}

# Committee coverage (建成率): towns/streets and villages/communities with a committee of their level.
COMMITTEE_TARGETS: dict[int, dict[str, Decimal]] = {
    2021: {"乡镇（街道）": Decimal("1"), "村（社区）": Decimal("1")},
}

# Stationed-room coverage: share of host units with a room of the matching kind.
POLICE_OFFICER_THRESHOLD = 20  # stations with fewer officers are outside the rate
ROOM_TARGETS: dict[int, dict[str, Decimal]] = {
    2021: {
        Kind.COURT_ROOM.value: Decimal("0.8"),
        Kind.PETITION_ROOM.value: Decimal("0.8"),
        Kind.POLICE_ROOM.value: Decimal("0.6"),
    },
    2022: {
        Kind.COURT_ROOM.value: Decimal("1"),
        Kind.PETITION_ROOM.value: Decimal("1"),
        Kind.POLICE_ROOM.value: Decimal("1"),
    },
}

# Expert coverage: every industry committee has ≥ 1 person with professional knowledge.
EXPERT_COVERAGE_KIND = Kind.INDUSTRY
PROFESSIONAL_CATEGORY = "专业技术人员"
EXPERT_TARGETS: dict[int, dict[str, Decimal]] = {
    2020: {Kind.INDUSTRY.value: Decimal("1")},  # item 18: 到2020年
}


class CoverageCategory(models.TextChoices):
    """The three district-wide rates of `report coverage` (SPEC §2 rules 9–11)."""

    CENTRE_ROOMS = "行业性专业性调委会入驻调解中心", "行业性专业性调委会入驻调解中心"  # item 2
    KEY_DEPARTMENTS = "重点部门行政调解组织", "重点部门行政调解组织"  # item 10
    FIELDS = "重点领域行业性专业性调委会覆盖", "重点领域行业性专业性调委会覆盖"  # items 3, 19


# The twelve fields of item 3 that industry committees must cover (点、线、面覆盖 by 2023).
COVERAGE_FIELDS: tuple[str, ...] = (
    "医患纠纷",
    "道路交通",
    "物业管理",
    "城市管理",
    "劳动争议",
    "征地拆迁",
    "生态环保",
    "婚姻家庭",
    "建筑施工",
    "旅游",
    "消费",
    "商务",
)

COVERAGE_TARGETS: dict[int, dict[str, Decimal]] = {
    2021: {CoverageCategory.CENTRE_ROOMS: Decimal("1"), CoverageCategory.KEY_DEPARTMENTS: Decimal("1")},
    2023: {
        CoverageCategory.CENTRE_ROOMS: Decimal("1"),
        CoverageCategory.KEY_DEPARTMENTS: Decimal("1"),
        CoverageCategory.FIELDS: Decimal("1"),
    },
}

# Committee terms (人民调解法 第九条): three years; listed as expiring this many days before the end.
TERM_YEARS = 3
TERM_WARNING_DAYS = 90
# Yearly assessment: committees with an expired term a town/street may have (the law, in force since 2011, allows none).
TERM_TARGETS: dict[int, dict[str, int]] = {2011: {TermStatus.EXPIRED: 0}}

# Roster composition (item 19): age bands by age on the as-of day, (label, lowest age, highest age).
AGE_BANDS: tuple[tuple[str, int, int], ...] = (
    ("35岁及以下", 0, 35),
    ("36–45岁", 36, 45),
    ("46–55岁", 46, 55),
    ("56–60岁", 56, 60),
    ("60岁以上", 61, 200),
)

# Training frequency (item 17), centralized sessions per year, from 2020.
TRAINING_PER_YEAR: dict[int, dict[str, int]] = {
    2020: {"区县": 1, "乡镇（街道）": 2},
}

# Brands (item 19): recognized studios.
BRAND_TARGET_COUNT: dict[int, int] = {2022: 5}


def short_of_quota(count: str) -> Q:
    """Organizations whose annotated full-time `count` is below their kind's quota (SQL)."""
    short = Q(pk__in=[])
    for kind, quota in STAFFING_QUOTAS.items():
        short |= Q(kind=kind, **{f"{count}__lt": quota})
    return short


def in_force(table: dict[int, dict], year: int) -> dict:
    """The entry of `table` in force at the end of `year` ({} before the first)."""
    due = [y for y in table if y <= year]
    return table[max(due)] if due else {}


def brand_target_count(year: int) -> int:
    """The brand target count; before it falls due the count still measures progress."""
    due = [y for y in BRAND_TARGET_COUNT if y <= year]
    return BRAND_TARGET_COUNT[max(due) if due else min(BRAND_TARGET_COUNT)]
