"""Training's policy numbers (work plan item 17), read through registry.kernel.policy.in_force."""

from __future__ import annotations

from registry.policy import RateCategory

# Centralized training sessions an organizer must hold per year, by the year the rule falls due.
TRAINING_PER_YEAR: dict[int, dict[str, int]] = {
    2020: {RateCategory.DISTRICT: 1, RateCategory.TOWN: 2},
}
