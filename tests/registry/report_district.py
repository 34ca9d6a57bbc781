"""A small district for the policy reports, every number of which is worked out by hand.

Built on tests/conftest.py's `district` (towns A=新山村街道, B=跃进村街道, communities a1, b1
with their committees). Two as-of days matter: 2021-12-31 (targets of 2021) and
2022-12-31 (targets of 2022). The expected numbers live next to the tests that use them;
the comments here say what each record is for.
"""

from __future__ import annotations

import datetime
from types import SimpleNamespace

from registry.models import Area, AreaLevel, Employment, Expert, HostUnit, HostUnitKind
from registry.models import OrganizationKind as Kind
from tests.factories import make_mediator, make_org, make_post

D = datetime.date
FT, PT = Employment.FULL_TIME, Employment.PART_TIME
Y2021, Y2022 = D(2021, 12, 31), D(2022, 12, 31)


def build(district) -> SimpleNamespace:
    d, a, b = district.district, district.a, district.b
    a2 = Area.objects.create(name="新山二社区", level=AreaLevel.COMMUNITY, parent=a)  # no committee at all
    b2 = Area.objects.create(name="跃进二社区", level=AreaLevel.COMMUNITY, parent=b)  # committee founded 2022-06-01
    org_b2 = make_org("跃进二社区人民调解委员会", Kind.VILLAGE, b2, founded_date=D(2022, 6, 1))
    org_e = make_org("新山钢铁企业人民调解委员会", Kind.ENTERPRISE, a)

    def person(name, categories=""):
        return make_mediator(name, categories=categories)

    # town committee A: 2 FT until m2 leaves mid-2021, m3 arrives 2022-03 → short 1 in 2021, full in 2022
    make_post(person("甲一"), district.org_a, FT)
    make_post(person("甲二"), district.org_a, FT, end=D(2021, 6, 30))
    make_post(person("甲三"), district.org_a, FT, start=D(2022, 3, 1))
    # town committee B: full
    make_post(person("乙一"), district.org_b, FT)
    make_post(person("乙二"), district.org_b, FT, start=None)  # open start counts
    # villages a1, b1: one FT each → meet; b1's FT also serves A part-time (so never a candidate)
    make_post(person("村一"), district.org_a1, FT)
    m7 = person("村二")
    make_post(m7, district.org_b1, FT)
    make_post(m7, district.org_a, PT)
    # candidates: p1 part-time at org_a, p4 part-time at the enterprise (same area A),
    # p2 part-time at org_a only from 2023 (not yet serving), p5 part-time in a1 (another area)
    make_post(person("候选一"), district.org_a, PT)
    make_post(person("候选二"), district.org_a, PT, start=D(2023, 1, 1))
    make_post(person("候选四"), org_e, PT)
    make_post(person("候选五"), district.org_a1, PT)

    # industry committees (district level): quota 3
    ind1 = make_org("区医患纠纷人民调解委员会", Kind.INDUSTRY, d)
    ind2 = make_org("区道路交通人民调解委员会", Kind.INDUSTRY, d)
    ind3 = make_org("区劳动争议人民调解委员会", Kind.INDUSTRY, d)
    ind4 = make_org("区物业管理人民调解委员会", Kind.INDUSTRY, d)
    for n in range(3):
        make_post(person(f"医{n}"), ind1, FT)
    make_post(person("交一", categories="专业技术人员"), ind2, FT)  # a professional member covers ind2
    make_post(person("交二"), ind2, FT)
    make_post(person("劳一"), ind3, FT)
    make_post(person("劳二"), ind3, FT)
    make_post(person("劳三"), ind3, FT, start=D(2022, 1, 1))
    # a professional who left ind3 in 2020 does not cover it
    make_post(person("劳退", categories="律师、专业技术人员"), ind3, PT, start=D(2019, 1, 1), end=D(2020, 12, 31))
    e1 = Expert.objects.create(name="专家一", domains="医患纠纷", joined_date=D(2019, 5, 1))
    e1.organizations.add(ind1, district.org_a)
    e2 = Expert.objects.create(name="专家二", domains="劳动争议", joined_date=D(2022, 5, 1))
    e2.organizations.add(ind3)

    # host units and stationed rooms
    c1 = HostUnit.objects.create(name="区人民法院", kind=HostUnitKind.COURT, area=d)
    c2 = HostUnit.objects.create(name="新山法庭", kind=HostUnitKind.COURT, area=a)  # no room
    p1 = HostUnit.objects.create(name="区信访接待大厅", kind=HostUnitKind.PETITION, area=d)
    s1 = HostUnit.objects.create(name="新山派出所", kind=HostUnitKind.POLICE, area=a, officer_count=25)
    s2 = HostUnit.objects.create(name="跃进派出所", kind=HostUnitKind.POLICE, area=b, officer_count=20)  # no room
    s3 = HostUnit.objects.create(name="跃进二派出所", kind=HostUnitKind.POLICE, area=b, officer_count=19)
    s4 = HostUnit.objects.create(name="新山二派出所", kind=HostUnitKind.POLICE, area=a)  # officers unknown
    r1 = make_org("区法院诉前调解室", Kind.COURT_ROOM, d, host_unit=c1)
    r2 = make_org("区信访事项调解室", Kind.PETITION_ROOM, d, host_unit=p1)
    r3 = make_org("新山派出所调解室", Kind.POLICE_ROOM, a, host_unit=s1, founded_date=D(2022, 2, 1))
    r4 = make_org("跃进二派出所调解室", Kind.POLICE_ROOM, b, host_unit=s3)
    make_post(person("法一"), r1, FT)
    make_post(person("法二"), r1, FT)
    make_post(person("访一"), r2, FT)
    make_post(person("所一"), r3, FT, start=D(2022, 2, 1))
    make_post(person("所二"), r3, FT, start=D(2022, 2, 1))
    make_org("区市场监管行政调解组织", Kind.ADMINISTRATIVE, d)  # no quota: never a staffing row
    return SimpleNamespace(
        **district.__dict__,
        a2=a2,
        b2=b2,
        org_b2=org_b2,
        org_e=org_e,
        ind1=ind1,
        ind2=ind2,
        ind3=ind3,
        ind4=ind4,
        c1=c1,
        c2=c2,
        p1=p1,
        s1=s1,
        s2=s2,
        s3=s3,
        s4=s4,
        r1=r1,
        r2=r2,
        r3=r3,
        r4=r4,
    )
