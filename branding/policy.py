"""Branding's policy number (work plan item 19), read through registry.kernel.policy.in_force."""

from __future__ import annotations

from registry.kernel.policy import in_force

# Recognized (已命名) grassroots mediation brands the district must have, by the year it falls due.
BRAND_TARGET_COUNT: dict[int, int] = {2022: 5}


def brand_target_count(year: int) -> int:
    """The brand target count; before it falls due the count still measures progress."""
    return in_force(BRAND_TARGET_COUNT, year, default=BRAND_TARGET_COUNT[min(BRAND_TARGET_COUNT)])


def brand_target_due(year: int) -> bool:
    return in_force(BRAND_TARGET_COUNT, year, default=0) > 0
