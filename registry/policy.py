"""The work plan's numbers, as data, in one place (SPEC §1–2).

A new policy year is a one-line change: add a year to a table below. Every report
reads these tables; no quota or target is written anywhere else.
"""

from __future__ import annotations

from decimal import Decimal

from registry.models import OrganizationKind as Kind

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
    2021: {Kind.INDUSTRY.value: Decimal("1")},
}

# Training frequency (item 17), centralized sessions per year, from 2020.
TRAINING_PER_YEAR: dict[int, dict[str, int]] = {
    2020: {"区县": 1, "乡镇（街道）": 2},
}

# Brands (item 19): recognized studios.
BRAND_TARGET_COUNT: dict[int, int] = {2022: 5}


def in_force(table: dict[int, dict], year: int) -> dict:
    """The entry of `table` in force at the end of `year` ({} before the first)."""
    due = [y for y in table if y <= year]
    return table[max(due)] if due else {}


def brand_target_count(year: int) -> int:
    """The brand target count; before it falls due the count still measures progress."""
    due = [y for y in BRAND_TARGET_COUNT if y <= year]
    return BRAND_TARGET_COUNT[max(due) if due else min(BRAND_TARGET_COUNT)]
