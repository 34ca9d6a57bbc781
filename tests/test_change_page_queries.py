"""An organization's and a mediator's change page cost the same queries with 1 or 50 posts,
commendations and studios (issue 17, item 6): inlines load their related rows set-based."""

from __future__ import annotations

import datetime

import pytest
from django.contrib.contenttypes.models import ContentType
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from branding.models import Commendation, CommendationLevel, Studio, StudioStatus
from registry.models import Employment, Mediator, Membership, Organization, OrganizationKind
from tests.factories import make_id


def fill(district, count: int) -> tuple[Organization, Mediator]:
    """An organization with `count` members, and one of them with `count` posts; a commendation and
    a studio per post, so every inline on both pages has `count` rows."""
    org = Organization.objects.create(name=f"满员调委会{count}", kind=OrganizationKind.VILLAGE, area=district.a1)
    people = Mediator.objects.bulk_create(
        Mediator(
            name=f"成员{count}-{i}", id_number=make_id("500104", datetime.date(1960, 1, 1) + datetime.timedelta(i))
        )
        for i in range(count)
    )
    orgs = Organization.objects.bulk_create(
        Organization(name=f"兼职处{count}-{i}", kind=OrganizationKind.VILLAGE, area=district.a1) for i in range(count)
    )
    busy = people[0]
    Membership.objects.bulk_create(
        [Membership(mediator=p, organization=org, employment=Employment.PART_TIME) for p in people]
        + [Membership(mediator=busy, organization=o, employment=Employment.PART_TIME) for o in orgs[1:]]
    )
    day = datetime.date(2022, 1, 1)
    Commendation.objects.bulk_create(
        [
            Commendation(mediator=busy, title=f"优秀{i}", level=CommendationLevel.DISTRICT, date=day)
            for i in range(count)
        ]
        + [
            Commendation(organization=org, title=f"先进{i}", level=CommendationLevel.DISTRICT, date=day)
            for i in range(count)
        ]
    )
    Studio.objects.bulk_create(
        Studio(name=f"工作室{count}-{i}", mediator=busy, organization=org, status=StudioStatus.CULTIVATING)
        for i in range(count)
    )
    return org, busy


def queries(client, url: str) -> int:
    ContentType.objects.clear_cache()  # each measurement pays the same one-time lookups
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url)
    assert response.status_code == 200
    return len(ctx.captured_queries)


@pytest.mark.parametrize("page", ["organization", "mediator"])
def test_change_page_queries_do_not_grow_with_rows(page, district, users, client_as):
    client = client_as(users.bureau)
    small_org, small_person = fill(district, 1)
    big_org, big_person = fill(district, 50)
    small, big = (small_org, big_org) if page == "organization" else (small_person, big_person)
    url = lambda obj: reverse(f"admin:registry_{page}_change", args=[obj.pk])  # noqa: E731
    assert big.memberships.count() == 50
    assert queries(client, url(big)) == queries(client, url(small))


def test_inline_autocompletes_still_show_each_rows_choice(district, users, client_as):
    org, person = fill(district, 3)
    client = client_as(users.bureau)
    page = client.get(reverse("admin:registry_organization_change", args=[org.pk])).content.decode()
    for member in Mediator.objects.filter(memberships__organization=org):
        assert f'<option value="{member.pk}" selected>{member}</option>' in page
    page = client.get(reverse("admin:registry_mediator_change", args=[person.pk])).content.decode()
    for post in person.memberships.select_related("organization"):
        assert f'<option value="{post.organization_id}" selected>{post.organization}</option>' in page
