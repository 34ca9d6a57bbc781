"""Set-based reports: the query count is the same for 10 and for 1,000 organizations
(with their posts, experts, host units and rooms), for the function, the page and the dashboard."""

import datetime

import pytest
from django.contrib.auth.models import User
from django.db import connection
from django.test.utils import CaptureQueriesContext
from stdnum.cn import ric

from registry.kernel.reporting import ReportParams, run_report
from registry.models import (
    Area,
    AreaLevel,
    Employment,
    Expert,
    HostUnit,
    HostUnitKind,
    Mediator,
    Membership,
    Organization,
)
from registry.models import (
    OrganizationKind as Kind,
)

NAMES = ["staffing", "experts", "committees", "rooms"]
KINDS = [
    Kind.TOWN,
    Kind.VILLAGE,
    Kind.ENTERPRISE,
    Kind.INDUSTRY,
    Kind.COURT_ROOM,
    Kind.POLICE_ROOM,
    Kind.PETITION_ROOM,
    Kind.ADMINISTRATIVE,
]
HOST = {
    Kind.COURT_ROOM: HostUnitKind.COURT,
    Kind.POLICE_ROOM: HostUnitKind.POLICE,
    Kind.PETITION_ROOM: HostUnitKind.PETITION,
}


def person_id(n: int) -> str:
    body = f"110101{datetime.date(1960, 1, 1) + datetime.timedelta(days=n // 500):%Y%m%d}{n % 500:03d}"
    return body + ric.calc_check_digit(body + "0")


def build(district, count: int, tag: str, first_person: int) -> None:
    """`count` more organizations of every kind spread over new towns and villages."""
    towns, villages = [], []
    for t in range(max(1, count // 20)):
        town = Area.objects.create(name=f"{tag}镇{t}", level=AreaLevel.TOWN, parent=district.district)
        towns.append(town)
        villages += Area.objects.bulk_create(
            [Area(name=f"{tag}镇{t}村{v}", level=AreaLevel.VILLAGE, parent=town) for v in range(10)]
        )
    units, orgs = [], []
    for i in range(count):
        kind = KINDS[i % len(KINDS)]
        area = villages[i % len(villages)] if kind == Kind.VILLAGE else towns[i % len(towns)]
        unit = None
        if kind in HOST:
            unit = HostUnit(name=f"{tag}单位{i}", kind=HOST[kind], area=area, officer_count=10 + i % 30)
            units.append(unit)
        orgs.append(Organization(name=f"{tag}组织{i}", kind=kind, area=area, host_unit=unit))
    HostUnit.objects.bulk_create(units)
    for org in orgs:
        org.host_unit_id = org.host_unit.pk if org.host_unit else None
    Organization.objects.bulk_create(orgs)
    people = Mediator.objects.bulk_create(
        [
            Mediator(
                name=f"{tag}{i}", id_number=person_id(first_person + i), categories="专业技术人员" if i % 7 == 0 else ""
            )
            for i in range(3 * count)
        ]
    )
    posts = []
    for i, org in enumerate(orgs):
        for j in range(3):
            posts.append(
                Membership(
                    mediator=people[3 * i + j],
                    organization=org,
                    employment=Employment.FULL_TIME if j < i % 3 else Employment.PART_TIME,
                    start_date=datetime.date(2020, 1, 1),
                )
            )
    Membership.objects.bulk_create(posts)
    expert = Expert.objects.create(name=f"{tag}专家", domains="商事")
    expert.organizations.add(*[o for o in orgs if o.kind == Kind.INDUSTRY][::2])


def count_queries(callable_) -> int:
    with CaptureQueriesContext(connection) as ctx:
        callable_()
    return len(ctx.captured_queries)


def measure(users, client) -> dict:
    def params(user):  # a fresh user each time: role and town lookups are counted the same way
        return ReportParams(as_of=datetime.date(2022, 12, 31), year=2022, user=User.objects.get(pk=user.pk))

    counts = {
        (name, who): count_queries(lambda: run_report(name, params(user)))
        for name in NAMES
        for who, user in [("bureau", users.bureau), ("clerk", users.clerk_a)]
    }
    client.force_login(users.bureau)
    counts["page"] = count_queries(lambda: client.get("/reports/staffing/", {"year": 2022}))
    counts["dashboard"] = count_queries(lambda: client.get("/reports/"))
    return counts


@pytest.mark.parametrize("small, large", [(10, 1000)])
def test_query_count_is_constant(district, users, client, small, large):
    build(district, small, "小", 0)
    before = measure(users, client)
    assert Organization.objects.count() < 20
    build(district, large - small, "大", 10 * small)
    assert Organization.objects.count() > 1000
    after = measure(users, client)
    assert after == before
    assert all(before[(name, "bureau")] <= 5 for name in NAMES), before


NEW_REPORTS = ["coverage", "terms", "scorecard", "composition"]


def measure_new(users, client) -> dict:
    def params(user):
        return ReportParams(as_of=datetime.date(2022, 12, 31), year=2022, user=User.objects.get(pk=user.pk))

    counts = {
        (name, who): count_queries(lambda: run_report(name, params(user)))
        for name in NEW_REPORTS
        for who, user in [("bureau", users.bureau), ("clerk", users.clerk_a)]
    }
    for name in NEW_REPORTS:
        client.force_login(users.bureau)
        counts[("page", name)] = count_queries(lambda: client.get(f"/reports/{name}/", {"year": 2022}))
        counts[("xlsx", name)] = count_queries(
            lambda: client.get(f"/reports/{name}/", {"year": 2022, "export": "xlsx"})
        )
        client.force_login(users.clerk_a)
        counts[("clerk page", name)] = count_queries(lambda: client.get(f"/reports/{name}/", {"year": 2022}))
    return counts


def test_new_reports_query_count_is_constant(district, users, client):
    build(district, 10, "小", 0)
    before = measure_new(users, client)
    build(district, 190, "大", 100)  # 20× the organizations, posts and towns
    assert measure_new(users, client) == before
