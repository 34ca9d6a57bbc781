"""The policy tables: one reader (in_force), keys that cannot be mistyped, one shortfall rule."""

from decimal import Decimal

import pytest

from branding import policy as branding_policy
from registry import policy
from registry.kernel.policy import in_force
from registry.models import OrganizationKind
from training import policy as training_policy

CATEGORY_TABLES = {
    "STAFFING_TARGETS": policy.STAFFING_TARGETS,
    "COMMITTEE_TARGETS": policy.COMMITTEE_TARGETS,
    "ROOM_TARGETS": policy.ROOM_TARGETS,
    "EXPERT_TARGETS": policy.EXPERT_TARGETS,
    "TRAINING_PER_YEAR": training_policy.TRAINING_PER_YEAR,
}


@pytest.mark.parametrize("name", CATEGORY_TABLES)
def test_every_key_is_a_choice_member(name):
    """A retyped label (乡镇(街道) with half-width brackets, say) would silently give a null target."""
    for entry in CATEGORY_TABLES[name].values():
        for key in entry:
            assert isinstance(key, (OrganizationKind, policy.RateCategory)), (name, key)


def test_staffing_categories_are_choice_members():
    for category, kinds in policy.STAFFING_CATEGORIES.items():
        assert isinstance(category, (OrganizationKind, policy.RateCategory))
        assert all(kind in policy.STAFFING_QUOTAS for kind in kinds)


def test_in_force_takes_the_latest_entry_due_by_the_year():
    table = {2021: {"a": 1}, 2022: {"a": 2}}
    assert [in_force(table, y) for y in (2020, 2021, 2022, 2030)] == [{}, {"a": 1}, {"a": 2}, {"a": 2}]
    assert in_force({2022: 5}, 2021, default=0) == 0


@pytest.mark.parametrize(
    "kind, full_time, shortfall",
    [
        (OrganizationKind.INDUSTRY, 0, 3),
        (OrganizationKind.INDUSTRY, 2, 1),
        (OrganizationKind.INDUSTRY, 3, 0),
        (OrganizationKind.INDUSTRY, 5, 0),  # more than the quota is no negative shortfall
        (OrganizationKind.VILLAGE, 0, 1),
        (OrganizationKind.ADMINISTRATIVE, 0, None),  # no quota
    ],
)
def test_staffing_shortfall(kind, full_time, shortfall):
    assert policy.staffing_shortfall(kind, full_time) == shortfall


def test_brand_target_counts_before_and_after_it_falls_due():
    assert branding_policy.brand_target_count(2021) == 5 and not branding_policy.brand_target_due(2021)
    assert branding_policy.brand_target_count(2022) == 5 and branding_policy.brand_target_due(2022)


def test_targets_are_decimals_in_zero_one():
    for name in ("STAFFING_TARGETS", "COMMITTEE_TARGETS", "ROOM_TARGETS", "EXPERT_TARGETS"):
        for entry in CATEGORY_TABLES[name].values():
            assert all(isinstance(v, Decimal) and 0 <= v <= 1 for v in entry.values()), name
