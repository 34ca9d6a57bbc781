"""The work plan's numbers, as data, in one place (SPEC §1–2).

A new policy year is a one-line change: add a year to a table below. Every report
reads these tables through registry.kernel.policy.in_force; no quota or target is written
anywhere else. Training's and branding's numbers live in training/policy.py and branding/policy.py.
"""

from __future__ import annotations

from decimal import Decimal

from django.db import models
from django.db.models import Case, F, IntegerField, Q, Value, When
from django.db.models.functions import Greatest

from registry.models import KNOWN_DOMAINS, TermStatus
from registry.models import OrganizationKind as Kind


class RateCategory(models.TextChoices):
    """Rate categories that are not a single organization kind (the kinds are `OrganizationKind`).

    Policy tables and reports use these members as keys, never a retyped label, so a typo is
    an AttributeError, not a silently missing target.
    """

    DISTRICT = "区县", "区县"
    TOWN = "乡镇（街道）", "乡镇（街道）"
    VILLAGE = "村（社区）", "村（社区）"
    STATIONED_ROOMS = "派驻调解室", "派驻调解室"  # the three stationed kinds together


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


def staffing_shortfall(kind: str, full_time: int) -> int | None:
    """Rule 1: max(0, quota − active full-time posts); None for a kind without a quota."""
    quota = STAFFING_QUOTAS.get(kind)
    return None if quota is None else max(0, quota - full_time)


def quota_expression() -> Case:
    """STAFFING_QUOTAS in SQL: an organization's quota by its kind (NULL for a kind without one)."""
    return Case(*[When(kind=kind, then=Value(q)) for kind, q in STAFFING_QUOTAS.items()], output_field=IntegerField())


def shortfall_expression(count: str) -> Greatest:
    """Rule 1 in SQL, as `staffing_shortfall`: max(0, quota − the annotated full-time `count`)."""
    return Greatest(quota_expression() - F(count), Value(0))


# Staffing-rate categories: which kinds each covers.
STAFFING_CATEGORIES: dict[str, tuple[str, ...]] = {
    Kind.TOWN: (Kind.TOWN,),
    Kind.INDUSTRY: (Kind.INDUSTRY,),
    RateCategory.STATIONED_ROOMS: (Kind.COURT_ROOM, Kind.POLICE_ROOM, Kind.PETITION_ROOM),
    Kind.VILLAGE: (Kind.VILLAGE,),
    Kind.ENTERPRISE: (Kind.ENTERPRISE,),
}

# Targets by the year they fall due; a target stays in force in later years until
# a later entry replaces it. A category missing from the entry in force has no target.
STAFFING_TARGETS: dict[int, dict[str, Decimal]] = {
    2021: {Kind.TOWN: Decimal("1"), RateCategory.STATIONED_ROOMS: Decimal("1"), Kind.INDUSTRY: Decimal("0.5")},
    2022: {Kind.TOWN: Decimal("1"), RateCategory.STATIONED_ROOMS: Decimal("1"), Kind.INDUSTRY: Decimal("1")},
}

# Committee coverage (建成率): towns/streets and villages/communities with a committee of their level.
COMMITTEE_TARGETS: dict[int, dict[str, Decimal]] = {
    2021: {RateCategory.TOWN: Decimal("1"), RateCategory.VILLAGE: Decimal("1")},
}

# Stationed-room coverage: share of host units with a room of the matching kind.
POLICE_OFFICER_THRESHOLD = 20  # stations with fewer officers are outside the rate
ROOM_TARGETS: dict[int, dict[str, Decimal]] = {
    2021: {
        Kind.COURT_ROOM: Decimal("0.8"),
        Kind.PETITION_ROOM: Decimal("0.8"),
        Kind.POLICE_ROOM: Decimal("0.6"),
    },
    2022: {
        Kind.COURT_ROOM: Decimal("1"),
        Kind.PETITION_ROOM: Decimal("1"),
        Kind.POLICE_ROOM: Decimal("1"),
    },
}

# Expert coverage: every industry committee has ≥ 1 person with professional knowledge.
EXPERT_COVERAGE_KIND = Kind.INDUSTRY
PROFESSIONAL_CATEGORY = "专业技术人员"
EXPERT_TARGETS: dict[int, dict[str, Decimal]] = {
    2020: {Kind.INDUSTRY: Decimal("1")},  # item 18: 到2020年
}


class CoverageCategory(models.TextChoices):
    """The three district-wide rates of `report coverage` (SPEC §2 rules 9–11)."""

    CENTRE_ROOMS = "行业性专业性调委会入驻调解中心", "行业性专业性调委会入驻调解中心"  # item 2
    KEY_DEPARTMENTS = "重点部门行政调解组织", "重点部门行政调解组织"  # item 10
    FIELDS = "重点领域行业性专业性调委会覆盖", "重点领域行业性专业性调委会覆盖"  # items 3, 19


# The twelve fields of item 3 that industry committees must cover (点、线、面覆盖 by 2023).
COVERAGE_FIELDS: tuple[str, ...] = tuple(KNOWN_DOMAINS[:12])  # SPEC lists them first, in item 3's order

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


def short_of_quota(count: str) -> Q:
    """Organizations whose annotated full-time `count` is below their kind's quota (SQL)."""
    short = Q(pk__in=[])
    for kind, quota in STAFFING_QUOTAS.items():
        short |= Q(kind=kind, **{f"{count}__lt": quota})
    return short
