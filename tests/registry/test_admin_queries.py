"""List pages are set-based: the same number of queries for 10 rows as for 500."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from registry.models import (
    Employment,
    Expert,
    HostUnit,
    HostUnitKind,
    Mediator,
    Membership,
    Organization,
    OrganizationKind,
)
from tests.factories import make_id


def populate(district, start: int, stop: int) -> None:
    """Rows start..stop-1: an organization, a host unit, an expert and a mediator with two posts each."""
    rng = range(start, stop)
    orgs = Organization.objects.bulk_create(
        Organization(name=f"测试调委会{i}", kind=OrganizationKind.VILLAGE, area=district.a1) for i in rng
    )
    people = Mediator.objects.bulk_create(
        Mediator(
            name=f"调解员{i}", id_number=make_id("510203", datetime.date(1950, 1, 1) + datetime.timedelta(days=i), 11)
        )
        for i in rng
    )
    Membership.objects.bulk_create(
        [Membership(mediator=p, organization=o, employment=Employment.FULL_TIME) for p, o in zip(people, orgs)]
        + [Membership(mediator=p, organization=district.org_a, employment=Employment.PART_TIME) for p in people]
    )
    HostUnit.objects.bulk_create(
        HostUnit(name=f"派出所{i}", kind=HostUnitKind.POLICE, area=district.a, officer_count=i) for i in rng
    )
    experts = Expert.objects.bulk_create(Expert(name=f"专家{i}", employer=f"单位{i}", domains="医患纠纷") for i in rng)
    Expert.organizations.through.objects.bulk_create(
        Expert.organizations.through(expert=e, organization=o) for e, o in zip(experts, orgs)
    )


def count_queries(client, url: str) -> int:
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url)
    assert response.status_code == 200
    return len(ctx.captured_queries)


URLS = [
    "/admin/registry/mediator/",
    "/admin/registry/organization/",
    "/admin/registry/membership/",
    "/admin/registry/hostunit/",
    "/admin/registry/expert/",
    "/admin/registry/area/",
]


@pytest.mark.parametrize("role", ["bureau", "clerk_a"])
def test_changelist_queries_do_not_grow_with_rows(users, district, client_as, role):
    client = client_as(getattr(users, role))
    populate(district, 0, 10)
    small = {url: count_queries(client, url) for url in URLS}
    populate(district, 10, 500)
    large = {url: count_queries(client, url) for url in URLS}
    assert large == small
    assert Mediator.objects.count() == 500


def test_mediator_changelist_query_budget(users, district, client_as, django_assert_max_num_queries):
    populate(district, 0, 60)
    client = client_as(users.clerk_a)
    # 12, plus (issue 17) one access-record insert for the whole ID numbers the list shows and
    # the idle-timeout session renewal (SESSION_SAVE_EVERY_REQUEST: an UPDATE in a savepoint)
    with django_assert_max_num_queries(16):
        assert client.get("/admin/registry/mediator/").status_code == 200
