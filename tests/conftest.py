"""Shared fixtures: a two-town district and one user per role, built once per test."""

from __future__ import annotations

import os
from types import SimpleNamespace

import pytest
from hypothesis import settings as hypothesis_settings

from registry.kernel.roles import StaffRole
from registry.models import Area, AreaLevel, OrganizationKind
from registry.services import staff_user_save
from tests.factories import make_org

PASSWORD = "pw-for-tests-1"

# Property-based tests (tests/robustness): `ci` is what every run uses — a fixed seed and few
# examples, well under a minute; `long` is the on-demand search (HYPOTHESIS_PROFILE=long), whose
# last result is in docs/robustness.md.
hypothesis_settings.register_profile("ci", max_examples=10, derandomize=True, deadline=None, database=None)
hypothesis_settings.register_profile(
    "long", max_examples=int(os.getenv("HYPOTHESIS_MAX_EXAMPLES", "1500")), deadline=None
)
hypothesis_settings.load_profile(os.getenv("HYPOTHESIS_PROFILE", "ci"))


@pytest.fixture
def district(db):
    """大渡口区 with two streets (A: 新山村街道, B: 跃进村街道), a community each, and their committees."""
    d = Area.objects.create(name="大渡口区", level=AreaLevel.DISTRICT)
    a = Area.objects.create(name="新山村街道", level=AreaLevel.STREET, parent=d)
    b = Area.objects.create(name="跃进村街道", level=AreaLevel.STREET, parent=d)
    a1 = Area.objects.create(name="新山社区", level=AreaLevel.COMMUNITY, parent=a)
    b1 = Area.objects.create(name="跃进社区", level=AreaLevel.COMMUNITY, parent=b)
    return SimpleNamespace(
        district=d,
        a=a,
        b=b,
        a1=a1,
        b1=b1,
        org_a=make_org("新山村街道人民调解委员会", OrganizationKind.TOWN, a),
        org_a1=make_org("新山社区人民调解委员会", OrganizationKind.VILLAGE, a1),
        org_b=make_org("跃进村街道人民调解委员会", OrganizationKind.TOWN, b),
        org_b1=make_org("跃进社区人民调解委员会", OrganizationKind.VILLAGE, b1),
    )


@pytest.fixture
def users(district):
    """bureau, clerk_a (新山村街道), clerk_b (跃进村街道), hr, finance — all with PASSWORD."""

    def make(username, role, area=None):
        return staff_user_save(username=username, role=role, area_name=area, password=PASSWORD)[0]

    return SimpleNamespace(
        bureau=make("bureau", StaffRole.BUREAU),
        clerk_a=make("clerk_a", StaffRole.CLERK, district.a.name),
        clerk_b=make("clerk_b", StaffRole.CLERK, district.b.name),
        hr=make("hr", StaffRole.HR),
        finance=make("finance", StaffRole.FINANCE),
    )


@pytest.fixture
def client_as(client):
    """client_as(user) -> the test client logged in as that user."""

    def login(user):
        client.force_login(user)
        return client

    return login


@pytest.fixture(autouse=True)
def _empty_cache():
    """The dashboard caches by data version; SQLite reuses history ids after a rolled-back test."""
    from django.core.cache import cache

    cache.clear()
    yield
    cache.clear()
